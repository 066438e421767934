"""Selects the schema for each request from its host: the portal, an instansi, or a 404 page."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.urls import set_urlconf
from django_tenants.middleware.main import TenantMainMiddleware

from .hosts import instansi_for_host


class InstansiMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with a cached host lookup and the regency portal on `<base>`.

    The bare base domain has no Instansi row: it is served from the public schema with the
    public urlconf. Unknown and archived hosts get the project's 404 page, never a 500.
    """

    def process_request(self, request):
        connection.set_schema_to_public()
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return self.no_tenant_found(request, "")
        hostname = hostname.lower()
        if hostname == settings.SIMPUL_BASE_DOMAIN:
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return None
        tenant = instansi_for_host(hostname)
        if tenant is None or not tenant.is_active:
            return self.no_tenant_found(request, hostname)
        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
        self.setup_url_routing(request)
        return None
