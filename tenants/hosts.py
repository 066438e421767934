"""Host name → instansi lookup, from a per-process map of every served host.

The map holds every instansi's domains, read in one query and kept a few seconds: a worker's
first request for a host costs no query of its own, however many instansi the regency has
(with a query per host, a worker cycling over 1,000 hosts queried on nearly every request:
benchmarks/RESULTS.md, Growth). A host missing from the map (made since, or unknown) is looked
up alone and its answer kept for the same few seconds, so a flood of bad hosts does not reach
the database. A process that changes an instansi forgets both at once; the others follow
within the TTL.
"""

import copy
import threading
import time

from django.db import connection
from django_tenants.utils import get_public_schema_name, remove_www, schema_context

from .models import Domain, Instansi

TTL_SECONDS = 10.0
# Looked-up hosts kept beside the map (unknown ones mostly): bounded, a flood only refills it.
MAX_SINGLES = 10_000
_MISSING = object()
_lock = threading.Lock()
# (expires at (monotonic), {host: instansi}): replaced whole, never changed in place.
_map: tuple[float, dict[str, Instansi]] = (0.0, {})
# Hosts looked up one by one: host -> (expires at, instansi or _MISSING).
_singles: dict[str, tuple[float, object]] = {}


def forget_hosts() -> None:
    global _map
    with _lock:
        _map = (0.0, {})
        _singles.clear()


def _in_public(query):
    """Rows of `query` read from the public schema, whatever schema the connection is on
    (the middleware does not reset every request to the public schema first)."""
    public = get_public_schema_name()
    if connection.schema_name == public:
        return list(query)
    with schema_context(public):
        return list(query)


def _served_domains():
    return Domain.objects.select_related("tenant").filter(tenant__is_template=False)


def _host_map(now: float) -> dict[str, Instansi]:
    """Every served host, read again once the map is older than TTL_SECONDS (by one thread:
    the others keep using the old map meanwhile)."""
    global _map
    expires, hosts = _map
    if expires > now:
        return hosts
    if not _lock.acquire(blocking=not hosts):
        return hosts  # another thread is reading it again
    try:
        if _map[0] > now:
            return _map[1]
        hosts = {domain.domain: domain.tenant for domain in _in_public(_served_domains())}
        _map = (now + TTL_SECONDS, hosts)
        _singles.clear()
        return hosts
    finally:
        _lock.release()


def _single(hostname: str, now: float) -> object:
    entry = _singles.get(hostname)
    if entry is not None and entry[0] > now:
        return entry[1]
    domains = _in_public(_served_domains().filter(domain=hostname)[:1])
    found = domains[0].tenant if domains else _MISSING
    with _lock:
        if len(_singles) >= MAX_SINGLES:
            _singles.clear()
        _singles[hostname] = (now + TTL_SECONDS, found)
    return found


def instansi_for_host(hostname: str) -> Instansi | None:
    """The instansi served on `hostname` (active or archived), or None."""
    hostname = remove_www(hostname.lower())
    now = time.monotonic()
    found = _host_map(now).get(hostname)
    if found is None:
        found = _single(hostname, now)
    if found is _MISSING:
        return None
    # A copy per request: django-tenants sets request-scoped attributes on the tenant object.
    return copy.copy(found)
