"""gunicorn settings for Relais: ``gunicorn -c gunicorn.conf.py wsgi:app`` (see README, Production).

Environment (all optional):
  RELAIS_BIND                 address to listen on, "127.0.0.1:8000" (host:port, or unix:/path)
  RELAIS_WORKERS              processes, default: 2 per CPU
  RELAIS_THREADS              threads per process, default 4
  RELAIS_FORWARDED_ALLOW_IPS  addresses of the reverse proxies, default "127.0.0.1,::1"
  RELAIS_LOG_LEVEL            gunicorn's own messages, default "info"
Any other gunicorn setting: GUNICORN_CMD_ARGS or a command-line flag, which win over this file.

Workers are threaded (gthread): 2 processes per CPU, 4 threads each. Measured on 2 cores
(a machine shared with other jobs: load average about 16, so only the order is telling) with
the sign-in page (GET /auth/login, SQLite), 8 clients opening a connection per request as a
proxy without upstream keep-alive does, 15 s each, two rounds:
  sync,    2 workers            166 and 166 requests/s
  sync,    5 workers (2 CPU+1)  202 and 220 requests/s (235 and 287 in an earlier pair of rounds)
  gthread, 2 workers x 4        212 and 165 requests/s
  gthread, 4 workers x 4        220 and 337 requests/s, p95 125 and 71 ms (sync 5: 136, 142)
  the same, keep-alive          123 and 165 requests/s: a kept connection stays with the
                                process that accepted it, so the load spreads unevenly; the
                                nginx example opens one connection per request (its default)
A sync worker serves one request at a time and closes each connection itself; a gthread
worker hands idle connections to its poller, and a thread waiting on PostgreSQL, Redis or
argon2 (which releases the GIL) leaves the CPU to the others. 4 threads match the 4 password
checks a process runs at once (PASSWORD_HASH_SLOTS, 64 MiB each): more add memory, not speed.
"""

from __future__ import annotations

import os
from pathlib import Path

from crm.config import read_layers

_ROOT = Path(__file__).resolve().parent
_env = os.environ.get

wsgi_app = "wsgi:app"
chdir = str(_ROOT)
bind = [_env("RELAIS_BIND", "127.0.0.1:8000")]

worker_class = "gthread"
workers = int(_env("RELAIS_WORKERS") or 2 * (os.cpu_count() or 1))
threads = int(_env("RELAIS_THREADS") or 4)

# A request slower than this is cut (the import of a big file runs in the worker, not here).
# With threads, the timeout only catches a process that stopped answering altogether.
timeout = 60
# On stop or reload (SIGTERM, SIGHUP): requests under way get this long to finish.
graceful_timeout = 30
# Seconds an idle kept-alive connection stays open (the proxy opens one per request).
keepalive = 2
# A process is replaced after about this many requests (spread, so they never restart
# together): memory a long-lived Python process fragments is given back.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file in memory, not on a disk that can stall (gunicorn's own advice); gunicorn
# makes it with mkstemp (a random name, mode 0600).
_shm = Path("/dev/shm")  # noqa: S108
worker_tmp_dir = str(_shm) if _shm.is_dir() else None

# Proxy headers. The application trusts PROXY_HOPS proxies (werkzeug's ProxyFix, crm/app.py),
# for the client's address (login throttling, the audit log) and the scheme. gunicorn follows
# the same setting: with no proxy (PROXY_HOPS = 0) it trusts no forwarded header from anyone;
# behind one it reads X-Forwarded-Proto from the proxies' addresses only, and from that
# header only (a stray X-Forwarded-Ssl from a client cannot make a request fail).
_proxy_hops = int(read_layers(_ROOT / "instance").get("PROXY_HOPS") or 0)
forwarded_allow_ips = _env("RELAIS_FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if _proxy_hops else ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# The application writes one line per request (crm/requestlog.py, LOG_FORMAT): no access log
# here, or each request would be logged twice. gunicorn's own messages go to the standard error.
accesslog = None
errorlog = "-"
loglevel = _env("RELAIS_LOG_LEVEL", "info")
proc_name = "relais-web"
# The runtime control socket (gunicornc) is off: two instances on one host would share its
# default path in the home folder.
control_socket_disable = True
