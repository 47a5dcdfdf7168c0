"""Every journey works end to end: signed in as each role of each body, visit every page
reachable from the dashboard and submit every form, on the realistic state (see state.py).

A new route or form is covered without being listed here: the last test fails when no visit
opened a GET route or sent a form to a POST route, unless it is listed below with the reason.
"""

from __future__ import annotations

import time
from dataclasses import replace

import lxml.html
import pytest

from crm.auth.models import Role
from crm.demo.services import DEMO_PEOPLE
from tests.conftest import login
from tests.crawler.conftest import REPORT, Site
from tests.crawler.crawl import DEFERRED, Visit, crawl, form_key, read_page, submit, submit_all
from tests.crawler.forms import Form, forms_of
from tests.crawler.state import Account

# GET routes no link leads to from a signed-in page: endpoint -> reason.
UNREACHABLE = {
    "static": "files, not pages",
    "auth.login": "a signed-in user is sent to the dashboard",
    "auth.forgot_password": "linked from the sign-in page only, which a signed-in user never sees",
    "auth.reset_password": "reached from the e-mail only (a signed token)",
    "health.live": "a probe for the service manager and the load balancer, linked from no page",
    "health.ready": "a probe for the load balancer and the monitoring, linked from no page",
    "mailings.unsubscribe": "reached from a mailing's message only (a token of one delivery)",
}
# POST routes with no form on any page: endpoint -> reason.
NO_FORM: dict[str, str] = {
    "mailings.unsubscribe": "RFC 8058 one-click: mail clients POST to the message's link",
    "mailings.unsubscribe_choice": "on the unsubscribe page, reached from a message only",
}
# The order accounts are visited in, and the deferred forms last of all, sign-outs at the end.
ACCOUNTS = [(role, org) for role in (Role.OFFICER, Role.MANAGER, Role.ADMIN) for org in DEMO_PEOPLE]
LAST = ("auth.logout", "auth.change_password")  # a new password: no sign-in after it


def _account(site: Site, role: Role, org: str) -> Account:
    return next(a for a in site.state.accounts if a.role == role and a.organisation == org)


def _signed_in(site: Site, account: Account, visit: Visit):
    """A client signed in as ``account``, with a recovery code when it has two-step
    verification (a code from the app would not work twice within its 30 seconds)."""
    client = site.app.test_client()
    response = login(client, account.email, site.state.password)
    assert response.status_code == 302, f"{account.email} cannot sign in: {response.status_code}"
    if response.headers["Location"].endswith("/auth/mfa/verify"):
        page = client.get("/auth/mfa/verify")
        read_page(site.app, visit, "/auth/mfa/verify", page)
        visit.found.clear()  # its forms carry the token of a session the sign-in replaces
        visit.to_send.clear()
        visit.forms["mfa.verify"] += 1
        code = site.state.recovery_codes[account.email].pop()
        response = client.post_form("/auth/mfa/verify", {"code": code})
        assert response.status_code == 302, f"{account.email}: code refused {response.status_code}"
    return client


def visit_account(site: Site, account: Account) -> Visit:
    started = time.perf_counter()
    visit = Visit(account.key, data_texts=site.state.file_texts)
    client = _signed_in(site, account, visit)
    # another body's private contact, interaction or task, an erased contact: they do not exist
    seeds = {url: 404 for url, readers in site.state.private_pages.items()
             if account.organisation not in readers} | dict.fromkeys(site.state.open_pages, 200)
    seeds[site.state.rsvp_url] = 200  # an invitee's page opens signed in or not
    crawl(site.app, client, visit, seeds)
    site.deferred[account.key] = submit_all(site.app, client, visit, site.state.password)
    if (still := client.get("/auth/account")).status_code != 200:
        visit.fail(f"signed out by a form that is not deferred ({still.status_code})")
    site.visits[account.key] = visit
    site.seconds[account.key] = time.perf_counter() - started
    return visit


@pytest.mark.parametrize(("role", "org"), ACCOUNTS, ids=[f"{r.value}-{o}" for r, o in ACCOUNTS])
def test_every_page_and_form_as(site: Site, role: Role, org: str):
    visit = visit_account(site, _account(site, role, org))
    assert sum(visit.pages.values()) > 20 and visit.forms, "the visit saw almost nothing"
    assert not visit.failures, "\n".join(visit.failures)


def test_the_rsvp_page_signed_out(site: Site):
    """The invitee's page, from the link of the invitation: no account, every form sent."""
    visit = Visit("anonymous", data_texts=site.state.file_texts)
    client = site.app.test_client()
    crawl(site.app, client, visit, {site.state.rsvp_url: 200})
    page = client.get(site.state.rsvp_url)
    root = lxml.html.fromstring(page.get_data(as_text=True))
    for form in forms_of(root, site.state.rsvp_url):
        if form.action in ("", site.state.rsvp_url):
            submit(site.app, client, visit, form, site.state.password)
    assert visit.pages["rsvp.answer"] and visit.forms["rsvp.answer"]
    assert not visit.failures, "\n".join(visit.failures)


def _same_form(client, form: Form) -> Form | None:
    """``form`` as found again on its page now (a fresh CSRF token), or None if it is gone."""
    response = client.get(form.page)
    if response.status_code != 200:
        return None
    root = lxml.html.fromstring(response.get_data(as_text=True))
    return next((f for f in forms_of(root, form.page) if f.action == form.action
                 and f.method == form.method and f.names == form.names), None)


def test_deferred_forms_then_every_route_reached(site: Site):
    """The forms that end sessions or destroy records, last; then no route is left out."""
    for role, org in ACCOUNTS:
        if _account(site, role, org).key not in site.visits:
            visit_account(site, _account(site, role, org))
    failures, skipped = [], []
    started = time.perf_counter()
    for role, org in ACCOUNTS:
        account = _account(site, role, org)
        visit = Visit(account.key, data_texts=site.state.file_texts)
        client = _signed_in(site, account, visit)
        forms = sorted(site.deferred[account.key], key=lambda f: LAST.index(e) + 1 if (
            e := form_key(site.app, f)[1]) in LAST else 0)
        for old in forms:
            for variant in ("empty", "filled"):  # each from a fresh page, signed in again
                if client.get("/auth/account").status_code != 200:
                    client = _signed_in(site, account, visit)
                form = _same_form(client, old)
                if form is None:  # e.g. the import the empty sending undid already
                    skipped.append(f"[{account.key}] {old.method} {old.action} ({variant}): "
                                   "page or form gone")
                    break
                submit(site.app, client, visit, form, site.state.password, (variant,))
                if form.action.endswith("/deactivate"):  # give the account back
                    again = _same_form(client, _activation(form))
                    if again is not None:
                        submit(site.app, client, visit, again, site.state.password, (variant,))
        site.visits[f"{account.key}-deferred"] = visit
        failures += visit.failures
    site.seconds["deferred forms"] = time.perf_counter() - started
    pages = {e for v in site.visits.values() for e in v.pages}
    posted = {e for v in site.visits.values() for e in v.forms}
    REPORT.append(report(site))
    REPORT.extend(skipped)
    rules = list(site.app.url_map.iter_rules())
    never_seen = sorted({r.endpoint for r in rules if "GET" in (r.methods or ())} - pages
                        - set(UNREACHABLE))
    never_posted = sorted({r.endpoint for r in rules if "POST" in (r.methods or ())} - posted
                          - set(NO_FORM) - set(UNREACHABLE))
    if never_seen:
        failures.append(f"pages no visit reached: {never_seen}")
    if never_posted:
        failures.append(f"POST routes no form was sent to: {never_posted}")
    if unsent := sorted(set(DEFERRED) - posted):
        failures.append(f"deferred forms never sent: {unsent}")
    assert not failures, "\n".join(failures)


def _activation(form: Form) -> Form:
    return replace(form, action=form.action.removesuffix("/deactivate") + "/activate")


def report(site: Site) -> str:
    pages = sum(sum(v.pages.values()) for v in site.visits.values())
    forms = sum(sum(v.forms.values()) for v in site.visits.values())
    endpoints = {e for v in site.visits.values() for e in (*v.pages, *v.forms)}
    database = site.app.config["SQLALCHEMY_DATABASE_URI"].partition(":")[0]
    return (f"crawler on {database}: {pages} pages and {forms} form submissions over "
            f"{len(endpoints)} endpoints, {len(ACCOUNTS)} accounts, in "
            f"{sum(site.seconds.values()):.1f} s")
