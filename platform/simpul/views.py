"""Project-wide views: health check, the unknown-host page, error pages, the API root."""

import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from simpul.middleware import is_api_path


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "error": exc.__class__.__name__}


def _check_redis() -> dict:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        client.ping()
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}


def _check_celery() -> dict:
    from simpul.celery import app

    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__, "workers": 0}
    return {"ok": bool(replies), "workers": len(replies)}


@never_cache
def livez(request):
    """Liveness: the process answers (no dependency checked); for load balancers and baselines."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def healthz(request):
    """Reachability of the database, Redis and Celery workers; 503 when the database is down."""
    started = time.perf_counter()
    checks = {"database": _check_database(), "redis": _check_redis()}
    checks["celery"] = _check_celery() if checks["redis"]["ok"] else {"ok": False, "workers": 0}
    ok = checks["database"]["ok"]
    body = {
        "status": "ok"
        if ok and all(c["ok"] for c in checks.values())
        else ("degraded" if ok else "down"),
        "checks": checks,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if ok else 503)


# The media folders anyone may fetch by URL: Wagtail images (originals and renditions, which
# Wagtail has no privacy for) and registry decrees (SK), published decisions that the public
# "Akun resmi" page links as the proof of each account. Everything else under a schema's
# folder is private by default: documents go through Wagtail's serve view (collection
# privacy: /documents/<id>/<file>), console exports through the console's own view. nginx
# applies the same list (deploy/nginx/simpul.conf).
PUBLIC_MEDIA_FOLDERS = ("original_images/", "images/", "registri/sk/")


def public_media_path(path: str, schema_name: str) -> str | None:
    """`path` under MEDIA_ROOT if it names a public file of `schema_name`, else None.

    Checked on the path as it will be opened: any `.`/`..` segment, encoded or not, a
    backslash or a NUL is refused before the schema folder is compared, so no path can climb
    from one instansi's folder into another's.
    """
    from urllib.parse import unquote

    decoded = path
    for _ in range(3):  # %252e%252e is still "..", whatever layer decodes it
        decoded = unquote(decoded)
    if "\\" in decoded or "\x00" in decoded:
        return None
    segments = decoded.split("/")
    if any(s in ("", ".", "..") for s in segments) or decoded != path:
        return None
    schema, _, rest = path.partition("/")
    if schema != schema_name or not rest.startswith(PUBLIC_MEDIA_FOLDERS):
        return None
    return path


def tenant_media(request, path: str):
    """Serve a public file of the current instansi's media folder (nginx does it in the deploy
    stack; this view without nginx and in development).

    TenantFileSystemStorage keeps each schema's files under MEDIA_ROOT/<schema>/ and puts that
    folder in the URL: only the host's own folder, and only its public folders, are served.
    """
    from django.http import Http404
    from django.views.static import serve

    tenant = getattr(request, "tenant", None)
    safe = public_media_path(path, tenant.schema_name) if tenant is not None else None
    if safe is None:
        raise Http404("Berkas tidak ditemukan.")
    return serve(request, safe, document_root=settings.MEDIA_ROOT)


def unknown_host(request, *args, **kwargs):
    """No instansi is served on this host (or it was archived)."""
    return render(request, "404.html", {"unknown_host": True}, status=404)


def page_not_found(request, exception=None):
    if is_api_path(request.path):
        return JsonResponse({"detail": "Tidak ditemukan."}, status=404)
    return render(request, "404.html", status=404)


def api_not_found(request, *args, **kwargs):
    """Any path under /api/ that names no operation: JSON 404, never a site page."""
    return JsonResponse({"detail": "Tidak ditemukan."}, status=404)


def csrf_failure(request, reason=""):
    if is_api_path(request.path):
        return JsonResponse(
            {
                "detail": "Permintaan ditolak: gunakan token API (header Authorization), bukan cookie sesi."
            },
            status=403,
        )
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    if is_api_path(request.path):
        return JsonResponse(
            {"detail": "Terjadi kesalahan di server; silakan coba lagi."}, status=500
        )
    return render(request, "500.html", status=500)


class ApiRootView(APIView):
    """The instansi's API: links to each group of endpoints."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request, format=None):  # noqa: A002 - DRF's signature
        tenant = getattr(request, "tenant", None)
        return Response(
            {
                "instansi": getattr(tenant, "name", None),
                "slug": getattr(tenant, "schema_name", None),
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
            }
        )
