"""Project middleware: Content-Security-Policy per area, a clean 400 for API query strings
PostgreSQL cannot store, and a clean 503 when the database is down."""

import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

_DATABASE_ERRORS = (OperationalError, InterfaceError)

_ADMIN_PREFIXES = ("/admin/", "/console/", "/api/docs/", "/django-admin/")
_API_PREFIXES = ("/api/", "/open311/")


def is_api_path(path: str) -> bool:
    """Paths whose errors are JSON, not pages: the instansi API and the Open311 facade."""
    return path.startswith(_API_PREFIXES)


class ContentSecurityPolicyMiddleware:
    """Strict CSP (no inline script) on public pages; Wagtail's admin needs a looser one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(_ADMIN_PREFIXES)
            response["Content-Security-Policy"] = (
                settings.SIMPUL_CSP_ADMIN if admin else settings.SIMPUL_CSP_PUBLIC
            )
        return response


class NullCharacterGuardMiddleware:
    """An API or Open311 request whose path or query string holds a NUL is refused with a 400.

    PostgreSQL text cannot hold NUL, so such a value reaching a filter would fail in the
    database as a 500. Serializer fields already refuse NUL in bodies; this covers every path
    and query parameter of every API operation in one place, in each API's own error format.
    Public pages clean their own parameters (cms.params), so a citizen's pasted search still
    finds something.
    """

    message = "Alamat atau parameternya berisi karakter yang tidak diizinkan (NUL)."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_path(request.path) and self.holds_nul(request):
            from django.http import JsonResponse

            if request.path.startswith("/open311/"):  # GeoReport v2 errors are a list
                return JsonResponse(
                    [{"code": 400, "description": self.message}], safe=False, status=400
                )
            return JsonResponse({"detail": self.message}, status=400)
        return self.get_response(request)

    @staticmethod
    def holds_nul(request) -> bool:
        return "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        )


def _mark_database_unavailable(sender, request=None, **kwargs) -> None:
    # Sent by Django's handler for exceptions raised anywhere in the middleware chain (the host
    # lookup of InstansiMiddleware, a session save …), where process_exception never runs.
    if request is not None and isinstance(sys.exc_info()[1], _DATABASE_ERRORS):
        request.simpul_database_unavailable = True


got_request_exception.connect(
    _mark_database_unavailable, dispatch_uid="simpul-database-unavailable"
)


class DatabaseUnavailableMiddleware:
    """A lost database connection becomes a 503 page (or JSON), never a 500 with a traceback.

    It sits first in MIDDLEWARE so it also covers the other middleware: a database error in a
    view is turned into the 503 by process_exception; one raised in a middleware (which Django
    turns into a 500 on the spot) is flagged by the got_request_exception signal and the 500
    replaced here. Django drops the broken connection at the end of the request and
    CONN_HEALTH_CHECKS makes the next one reconnect, so the site recovers by itself when
    PostgreSQL is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 500 and getattr(request, "simpul_database_unavailable", False):
            response = self.unavailable(request)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, _DATABASE_ERRORS):
            return None
        return self.unavailable(request)

    @staticmethod
    def unavailable(request):
        from django.db import connection

        connection.close_if_unusable_or_obsolete()
        if is_api_path(request.path):
            from django.http import JsonResponse

            response = JsonResponse(
                {"detail": "Layanan sementara tidak tersedia; silakan coba lagi sebentar lagi."},
                status=503,
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "5"
        # When the outage hits before the security middleware ran, its headers are set here.
        response.setdefault("Content-Security-Policy", settings.SIMPUL_CSP_PUBLIC)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response


class TenantRedirectMiddleware:
    """Wagtail's redirects, on instansi hosts only: the portal (public schema) has no Wagtail
    tables, so looking up a redirect for a portal 404 would fail with a 500."""

    def __init__(self, get_response):
        from wagtail.contrib.redirects.middleware import RedirectMiddleware

        self.get_response = get_response
        self.wagtail = RedirectMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "tenant", None) is None:
            return response
        return self.wagtail.process_response(request, response)


class IndonesianFirstLocaleMiddleware:
    """Indonesian unless the visitor chose otherwise: the language cookie (set by Django's
    set_language view) or an admin user's own Wagtail preference decides, never the browser's
    Accept-Language, so a civil servant's English-language browser still gets Indonesian."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
