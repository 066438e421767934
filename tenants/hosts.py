"""Host name → instansi lookup, cached per process so a page view costs no extra query.

Entries live a few seconds; a process that changes an instansi forgets them at once, the others
within the TTL. Unknown hosts are cached too, so a flood of bad hosts does not reach the database.
"""

import copy
import threading
import time

from django.db import connection
from django_tenants.utils import get_public_schema_name, remove_www, schema_context

from .models import Domain, Instansi

TTL_SECONDS = 10.0
_MISSING = object()
_lock = threading.Lock()
_entries: dict[str, tuple[float, object]] = {}


def forget_hosts() -> None:
    with _lock:
        _entries.clear()


def _domain_for(hostname: str) -> Domain | None:
    query = Domain.objects.select_related("tenant").filter(
        domain=hostname, tenant__is_template=False
    )
    public = get_public_schema_name()
    if connection.schema_name == public:
        return query.first()
    # The middleware no longer resets every request to the public schema first.
    with schema_context(public):
        return query.first()


def instansi_for_host(hostname: str) -> Instansi | None:
    """The instansi served on `hostname` (active or archived), or None."""
    hostname = remove_www(hostname.lower())
    now = time.monotonic()
    entry = _entries.get(hostname)
    if entry is not None and entry[0] > now:
        found = entry[1]
    else:
        domain = _domain_for(hostname)
        found = domain.tenant if domain else _MISSING
        with _lock:
            if len(_entries) > 10_000:
                _entries.clear()
            _entries[hostname] = (now + TTL_SECONDS, found)
    if found is _MISSING:
        return None
    # A copy per request: django-tenants sets request-scoped attributes on the tenant object.
    return copy.copy(found)
