"""``/healthz`` (liveness) and ``/readyz`` (readiness): JSON, no login, no session, no CSRF.

Liveness touches nothing but the process, so a slow database never gets a worker restarted;
readiness says whether this process can serve (database and job queue reachable): 503 when
not, so that a load balancer sends requests elsewhere.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from crm.health.services import check_readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def live() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def ready() -> tuple[Response, int]:
    readiness = check_readiness()
    checks = {name: "ok" if ok else "unavailable"
              for name, ok in (("database", readiness.database), ("jobs", readiness.jobs))}
    status = "ready" if readiness.ready else "unavailable"
    return jsonify(status=status, checks=checks), 200 if readiness.ready else 503
