"""Anonymous public reads from a PostgreSQL streaming replica, in the request's schema.

`DATABASE_REPLICA_URL` adds the `replica` database alias (same django-tenants backend as the
primary); unset, nothing here does anything and every query goes to the primary.

Which reads may lag a second behind the primary: those of an anonymous GET or HEAD of a public
page — the portal, feeds, the account check (page and API), search, instansi sites. The
middleware marks such a request (no session cookie, no Authorization header, not the admin,
the console or a health probe) in a ContextVar; the router sends that request's reads to the
replica, outside transactions only. Writes, and everything a signed-in user or an API client
sees, stay on the primary, so nobody reads their own write from a lagging copy.

The replica connection gets the same tenant (and so the same `search_path`) as the primary
connection before each routed read: django-tenants sets only `connection` (the default alias)
from the host. A replica that cannot be reached is skipped for `RETRY_SECONDS`: reads fall
back to the primary and no request fails for it.
"""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from core.content_types import keeping_content_types

REPLICA = "replica"
logger = logging.getLogger("simpul.tenants")

_eligible: ContextVar[bool] = ContextVar("simpul_replica_eligible", default=False)
_down_until = 0.0
# Paths whose reads need the primary even when anonymous: sign-in and admin screens (a write
# follows at once), the console, and the health probes (they report the primary's health).
PRIMARY_ONLY_PREFIXES = ("/admin/", "/console/", "/django-admin/", "/healthz", "/livez")


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_eligible(request) -> bool:
    """An anonymous read of a public page: GET/HEAD, no session, no credentials."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(PRIMARY_ONLY_PREFIXES)
    )


class ReplicaReadMiddleware:
    """Marks anonymous public reads as allowed on the replica (after the tenant is selected)."""

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if not replica_eligible(request):
            return self.get_response(request)
        token = _eligible.set(True)
        try:
            return self.get_response(request)
        finally:
            _eligible.reset(token)


def _replica_ready() -> bool:
    """Connected (health-checked once per request, as Django does) and in the primary's schema."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as exc:
        _down_until = time.monotonic() + settings.SIMPUL_REPLICA_RETRY_SECONDS
        logger.warning("replica unreachable, reading from the primary: %s", exc)
        try:
            replica.close()
        except DatabaseError:
            replica.connection = None
        return False
    primary = connections[DEFAULT_DB_ALIAS]
    if (
        replica.schema_name != primary.schema_name
        or replica.include_public_schema != primary.include_public_schema
    ):
        # The content types this process knows of the schema stay cached (as in the tenant
        # middleware's own switch).
        with keeping_content_types():
            replica.set_tenant(primary.tenant, primary.include_public_schema)
    return True


class ReplicaRouter:
    """Reads of a replica-eligible request go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if not _eligible.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA if _replica_ready() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Explicit: without it Django writes an object back to the database it was read from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
