"""Project-wide views: health check, the unknown-host page, error pages, the API root."""

import hmac
import threading
import time

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from simpul.middleware import is_api_path

# How long one readiness result answers every caller, and how long each probe may take: the
# probe ran on every call and took ~1.1 s (a Celery ping waiting out its 1 s timeout), so a few
# requests a second held every sync worker.
HEALTH_CACHE_SECONDS = 5.0
PROBE_TIMEOUT_SECONDS = 0.5
_LOOPBACK = {"127.0.0.1", "::1"}
_health_lock = threading.Lock()
_health: dict = {"at": None, "body": None}


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
            settings.REDIS_URL,
            socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
            socket_timeout=PROBE_TIMEOUT_SECONDS,
        )
        client.ping()
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}


def _check_celery() -> dict:
    from simpul.celery import app

    try:
        # limit=1: the first reply ends the wait; only a missing worker costs the timeout.
        replies = app.control.ping(timeout=PROBE_TIMEOUT_SECONDS, limit=1) or []
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__, "workers": 0}
    return {"ok": bool(replies), "workers": len(replies)}


def _run_checks() -> dict:
    started = time.perf_counter()
    checks = {"database": _check_database(), "redis": _check_redis()}
    checks["celery"] = _check_celery() if checks["redis"]["ok"] else {"ok": False, "workers": 0}
    ok = checks["database"]["ok"]
    return {
        "status": "ok"
        if ok and all(c["ok"] for c in checks.values())
        else ("degraded" if ok else "down"),
        "checks": checks,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def readiness(*, recheck_unless_ok: bool = False) -> dict:
    """The last readiness result if younger than HEALTH_CACHE_SECONDS, else a fresh one.

    One thread of the process checks at a time; the others answer with the previous result
    meanwhile (the first callers wait for the first one). `recheck_unless_ok` (trusted callers
    only) checks again at once when the last result was not "ok".
    """
    cached, at = _health["body"], _health["at"]
    fresh = at is not None and time.monotonic() - at < HEALTH_CACHE_SECONDS
    if cached is not None and fresh and not (recheck_unless_ok and cached["status"] != "ok"):
        return cached
    if not _health_lock.acquire(blocking=cached is None):
        return cached
    try:
        if cached is None and _health["body"] is not None:
            return _health["body"]  # made by the thread this one waited for
        body = _run_checks()
        _health.update(body=body, at=time.monotonic())
        return body
    finally:
        _health_lock.release()


def forget_readiness(**kwargs) -> None:
    """Drop the cached result (a setting it depends on changed)."""
    _health.update(body=None, at=None)


setting_changed.connect(forget_readiness, dispatch_uid="simpul-forget-readiness")


def _trusted_prober(request) -> bool:
    """The detailed answer: a probe on the machine itself (loopback, not relayed by a proxy,
    which would add X-Forwarded-For) or one that sends SIMPUL_HEALTH_TOKEN."""
    token = getattr(settings, "SIMPUL_HEALTH_TOKEN", "")
    sent = request.headers.get("X-Health-Token", "")
    if token and sent and hmac.compare_digest(token.encode(), sent.encode()):
        return True
    return (
        request.META.get("REMOTE_ADDR") in _LOOPBACK and "HTTP_X_FORWARDED_FOR" not in request.META
    )


@never_cache
def livez(request):
    """Liveness: the process answers (no dependency checked); for load balancers and baselines."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def healthz(request):
    """Readiness: database, Redis and Celery workers; 503 when the database is down.

    Everyone gets the status of a result at most HEALTH_CACHE_SECONDS old, so no rate of
    requests makes the checks run more often; the checks themselves only for trusted probers.
    """
    trusted = _trusted_prober(request)
    body = readiness(recheck_unless_ok=trusted)
    status = 503 if body["status"] == "down" else 200
    return JsonResponse(body if trusted else {"status": body["status"]}, status=status)


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

    @extend_schema(
        summary="Akar API instansi",
        responses=inline_serializer(
            "ApiRoot",
            {
                "instansi": serializers.CharField(allow_null=True),
                "slug": serializers.CharField(allow_null=True),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
            },
        ),
    )
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
