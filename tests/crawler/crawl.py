"""Signed in as one account, visit every same-origin page reachable from the dashboard
(breadth-first, each URL once, bounded per endpoint), then submit every kind of form found."""

from __future__ import annotations

import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.html
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.test import TestResponse

from tests.crawler import checks
from tests.crawler.forms import Form, empty_data, filled_data, forms_of

ORIGIN = "http://localhost"
PER_ENDPOINT = 8  # distinct URLs per endpoint and account (query strings included)
PER_PATH = 2  # of which with the same path and another query string
LAST_PAGE = 2  # page numbers beyond this one are read as this one

# Deliberate 4xx answers to a link the crawler follows: (endpoint, status) -> reason. None
# today: no page links to what its reader may not open. The deliberate 404s (another body's
# private contacts, erased contacts) are asked for as seeds, each with its expected status.
ALLOWED_4XX: dict[tuple[str, int], str] = {}

# Forms submitted only after every account's visit, since they end a session or destroy
# records the other visits need: endpoint -> reason.
DEFERRED = {
    "auth.logout": "signs the crawler out",
    "auth.change_password": "changes the password and ends the account's other sessions",
    "users.deactivate": "ends every session of the account it targets",
    "privacy.erase": "deletes a contact for good",
    "imports.undo": "removes the contacts of a demo file that the other visits show",
}


@dataclass
class Visit:
    """What one account's visit saw and what went wrong."""

    account: str
    pages: Counter[str] = field(default_factory=Counter)  # endpoint -> URLs visited
    forms: Counter[str] = field(default_factory=Counter)  # endpoint -> submissions
    data_texts: set[str] = field(default_factory=set)  # record texts that look like msgids
    found: dict[tuple[str, str, tuple[str, ...]], Form] = field(default_factory=dict)
    to_send: deque[Form] = field(default_factory=deque)
    failures: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failures.append(f"[{self.account}] {message}")


def endpoint_of(app: Flask, path: str, method: str = "GET") -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method=method)
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint


def normalised(base: str, href: str) -> str | None:
    """The same-origin path and query of ``href``, page numbers bounded; None to skip it."""
    url = urlsplit(urljoin(ORIGIN + base, href.strip()))
    if url.scheme not in ("http", "https") or f"{url.scheme}://{url.netloc}" != ORIGIN:
        return None
    if url.path.startswith("/static/"):
        return None
    query = [(k, str(min(int(v), LAST_PAGE)) if k == "page" and v.isdigit() else v)
             for k, v in parse_qsl(url.query, keep_blank_values=True)]
    return url.path + (f"?{urlencode(query)}" if query else "")


def request(visit: Visit, client, method: str, path: str, **kwargs) -> TestResponse | None:
    """The response, or None after recording an exception raised by the view (a 500)."""
    try:
        return client.open(path, method=method, **kwargs)
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        visit.fail(f"{method} {path} -> 500: {type(exc).__name__}: {exc} "
                   f"({last.filename.rpartition('/')[2]}:{last.lineno})")
        return None


def check_page(visit: Visit, path: str, html: str, *, data: set[str]) -> None:
    root, errors = checks.parse(html)
    lang = next((el.get("lang") for el in root.iter("html")), None)
    french = lang == "fr"
    if errors:
        visit.fail(f"GET {path}: html5lib parse errors {errors[:3]}")
    if twice := checks.duplicate_ids(root):
        visit.fail(f"GET {path}: duplicate ids {twice}")
    if missing := checks.unlabelled_fields(root):
        visit.fail(f"GET {path}: fields without a label {missing}")
    if french and (english := checks.untranslated(root, data)):
        visit.fail(f"GET {path}: untranslated in French {english[:5]}")


def form_key(app: Flask, form: Form) -> tuple[str, str, tuple[str, ...]]:
    """Forms with the same method, endpoint and field names are sent once per account; the
    deferred ones once per record (each import undone, each contact erased...)."""
    action = normalised(form.page, form.action) or form.action
    endpoint = endpoint_of(app, action, form.method) or action
    names = (*form.names, action) if endpoint in DEFERRED else form.names
    return form.method, endpoint, names


def read_page(app: Flask, visit: Visit, path: str, response: TestResponse):  # type: ignore[no-untyped-def]
    """Count a page, check its HTML, keep its forms; returns its tree (lxml, fast: html5lib
    only checks) or None when it is not an HTML page."""
    endpoint = endpoint_of(app, path) or "(no route)"
    visit.pages[endpoint] += 1
    if response.status_code != 200 or response.mimetype != "text/html":
        return None
    html = response.get_data(as_text=True)
    check_page(visit, path, html, data=visit.data_texts)
    root = lxml.html.fromstring(html)
    for form in forms_of(root, path):
        if (key := form_key(app, form)) not in visit.found:
            visit.found[key] = form
            visit.to_send.append(form)
    return root


def crawl(app: Flask, client, visit: Visit, seeds: dict[str, int]) -> None:
    """Breadth-first from the dashboard; ``seeds`` are extra URLs with their expected status."""
    queue, seen = deque([("/", "")] + [(seed, "") for seed in seeds]), {"/", *seeds}
    queued = Counter(endpoint_of(app, path) for path in seen)
    paths = Counter(urlsplit(path).path for path in seen)
    while queue:
        path, referrer = queue.popleft()
        endpoint = endpoint_of(app, path) or "(no route)"
        response = request(visit, client, "GET", path)
        if response is None:
            continue
        status = response.status_code
        if path in seeds:
            if status != seeds[path]:
                visit.fail(f"GET {path} -> {status}, expected {seeds[path]}")
        elif status >= 500 or (status >= 400 and (endpoint, status) not in ALLOWED_4XX):
            visit.fail(f"GET {path} ({endpoint}, linked from {referrer}) -> {status}")
        root = read_page(app, visit, path, response)
        links = [response.headers["Location"]] if 300 <= status < 400 else []
        if root is not None:
            links += [el.get("href") or "" for el in root.iter("a")]
            links += [el.get("hx-get") or "" for el in root.iter() if el.get("hx-get")]
        for href in links:
            target = normalised(path, href)
            if target is None or target in seen:
                continue
            target_endpoint = endpoint_of(app, target)
            target_path = urlsplit(target).path
            if queued[target_endpoint] >= PER_ENDPOINT or paths[target_path] >= PER_PATH:
                continue
            queued[target_endpoint] += 1
            paths[target_path] += 1
            seen.add(target)
            queue.append((target, path))


def _send_htmx(app: Flask, client, visit: Visit, form: Form, label: str, data: dict) -> None:
    """As htmx sends the form: the fragment it answers must be sound too."""
    path = normalised(form.page, form.htmx or "") or ""
    endpoint = endpoint_of(app, path, "POST") or path
    visit.forms[endpoint] += 1
    response = request(visit, client, "POST", path, data=data, headers={"HX-Request": "true"})
    if response is None:
        return
    if response.status_code >= 500 or (response.status_code == 400 and form.has_csrf()):
        visit.fail(f"POST {path} (htmx, {label}, from {form.page}) -> {response.status_code}")
    elif response.status_code == 200 and response.mimetype == "text/html":
        check_page(visit, f"{path} (htmx answer)", response.get_data(as_text=True),
                   data=visit.data_texts)


def submit(app: Flask, client, visit: Visit, form: Form, password: str,
           variants: tuple[str, ...] = ("empty", "filled")) -> None:
    """Send ``form`` empty, then filled in; no 5xx, no 400 unless it carried no CSRF token.
    The page it leads to is read like a visited one: its new forms are sent in turn."""
    path = normalised(form.page, form.action) or form.action
    endpoint = endpoint_of(app, path, form.method) or path
    for label in variants:
        data = empty_data(form) if label == "empty" else filled_data(form, password)
        if form.htmx:
            _send_htmx(app, client, visit, form, label, dict(data))
            data = empty_data(form) if label == "empty" else filled_data(form, password)
        visit.forms[endpoint] += 1
        if form.method == "GET":
            response = request(visit, client, "GET", urlsplit(path).path, query_string=data)
        else:
            response = request(visit, client, "POST", path, data=data,
                               content_type="multipart/form-data" if form.multipart else None)
        if response is None:
            continue
        status = response.status_code
        if status >= 500 or (status == 400 and form.has_csrf()):
            visit.fail(f"{form.method} {path} ({endpoint}, {label}, from {form.page}) -> {status}")
        if 300 <= status < 400 and (after := normalised(path, response.headers["Location"])):
            followed = request(visit, client, "GET", after)
            if followed is not None:
                if followed.status_code >= 500 or followed.status_code == 400:
                    visit.fail(f"GET {after} after {form.method} {path} -> {followed.status_code}")
                read_page(app, visit, after, followed)


def submit_all(app: Flask, client, visit: Visit, password: str) -> list[Form]:
    """Submit every kind of form found, and those the answers show, except the deferred
    ones, which are returned. Forms to fill in go first, buttons (delete, merge...) last:
    a record deleted first would leave its edit form nothing to change."""
    deferred: list[Form] = []
    buttons: deque[Form] = deque()
    while visit.to_send or buttons:
        if visit.to_send:
            form = visit.to_send.popleft()
            if form_key(app, form)[1] in DEFERRED:
                deferred.append(form)
                continue
            if form.is_button:
                buttons.append(form)
                continue
        else:
            form = buttons.popleft()
        submit(app, client, visit, form, password)
    return deferred
