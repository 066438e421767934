"""Selects the schema for each request from its host: the portal, an instansi, or a 404 page."""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import DisallowedHost
from django.db import connection, connections
from django.urls import set_urlconf
from django_tenants.middleware.main import TenantMainMiddleware

from .hosts import instansi_for_host

_switching = threading.local()


class SchemaContentTypeCache:
    """`ContentType.objects`' cache, one per schema: a page's `.specific` costs no query.

    Content type ids differ between schemas (the public schema's and an instansi's come from
    different migrations, and `get_for_model` creates missing rows on the fly, per schema), so
    django-tenants clears Django's single cache on every schema switch, and every request paid
    a `django_content_type` query again. Keyed by (database alias, schema of this thread's
    connection) the entries of two schemas never mix, also between threads of one process
    serving different schemas. A switch made by `InstansiMiddleware` keeps them; any other
    `clear_cache()` (migrations, tests, `schema_context`) drops all of them, as before.
    """

    def __init__(self):
        self._caches: dict[tuple[str, str | None], dict] = {}

    @staticmethod
    def _key(alias: str) -> tuple[str, str | None]:
        return alias, getattr(connections[alias], "schema_name", None)

    def __getitem__(self, alias: str) -> dict:
        return self._caches[self._key(alias)]

    def __contains__(self, alias: str) -> bool:
        return self._key(alias) in self._caches

    def get(self, alias: str, default=None):
        return self._caches.get(self._key(alias), default)

    def setdefault(self, alias: str, default: dict) -> dict:
        return self._caches.setdefault(self._key(alias), default)

    def clear(self) -> None:
        if getattr(_switching, "active", False):
            return
        self._caches.clear()


def install_schema_content_type_cache() -> None:
    if not isinstance(ContentType.objects._cache, SchemaContentTypeCache):
        ContentType.objects._cache = SchemaContentTypeCache()


install_schema_content_type_cache()


@contextmanager
def _keeping_content_types():
    """Schema switches made here keep the per-schema content types (nothing to clear)."""
    _switching.active = True
    try:
        yield
    finally:
        _switching.active = False


def _activate(tenant) -> None:
    """Point the connection at `tenant`'s schema (with public after it): one `SET search_path`
    with the request's first query, as django-tenants does, and the content types this
    process already knows of that schema.

    (The SET could be skipped when the previous request was for the same instansi, but then a
    request's query count would depend on what ran before it: query-count tests count it.)
    """
    with _keeping_content_types():
        connection.set_tenant(tenant)


def _activate_public() -> None:
    with _keeping_content_types():
        connection.set_schema_to_public()


class InstansiMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with a cached host lookup and the regency portal on `<base>`.

    The bare base domain has no Instansi row: it is served from the public schema with the
    public urlconf. Unknown and archived hosts get the project's 404 page, never a 500.
    """

    def process_request(self, request):
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            _activate_public()
            return self.no_tenant_found(request, "")
        hostname = hostname.lower()
        if hostname == settings.SIMPUL_BASE_DOMAIN:
            _activate_public()
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return None
        with _keeping_content_types():
            tenant = instansi_for_host(hostname)  # reads the public schema when not cached
        if tenant is None or not tenant.is_active:
            _activate_public()
            return self.no_tenant_found(request, hostname)
        tenant.domain_url = hostname
        request.tenant = tenant
        _activate(tenant)
        self.setup_url_routing(request)
        return None
