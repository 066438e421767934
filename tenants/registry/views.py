"""Public pages of the registry: an instansi's "Akun Resmi" list and the portal's account check."""

from types import SimpleNamespace

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from rest_framework.throttling import ScopedRateThrottle

from .platforms import PLATFORM_CHOICES, UrlError
from .selectors import account_verify, official_account_list_active


def verify_allowed(request: HttpRequest) -> bool:
    """The page shares the verify API's rate limit (scope `verify`), per client address."""
    throttle = ScopedRateThrottle()
    request.user = getattr(request, "user", None) or SimpleNamespace(is_authenticated=False)
    return throttle.allow_request(request, SimpleNamespace(throttle_scope="verify"))


@require_GET
def akun_resmi(request: HttpRequest) -> HttpResponse:
    """The instansi's active official accounts, with the SK that designated each."""
    accounts = list(official_account_list_active())
    return render(
        request,
        "registry/akun_resmi.html",
        {
            "accounts": accounts,
            "instansi": getattr(request, "tenant", None),
            "portal_verify_url": portal_url("/verifikasi-akun/"),
        },
    )


def portal_url(path: str) -> str:
    port = settings.SIMPUL_PUBLIC_PORT
    netloc = settings.SIMPUL_BASE_DOMAIN
    if port and port not in {"80", "443"}:
        netloc = f"{netloc}:{port}"
    return f"{settings.SIMPUL_PUBLIC_SCHEME}://{netloc}{path}"


@require_GET
def verify_page(request: HttpRequest) -> HttpResponse:
    """The portal form: is this account an official account of an instansi of the regency?"""
    url = (request.GET.get("url") or "").strip()
    platform = (request.GET.get("platform") or "").strip()
    handle = (request.GET.get("handle") or "").strip()
    context = {
        "platforms": PLATFORM_CHOICES,
        "url": url,
        "platform": platform,
        "handle": handle,
        "result": None,
        "error": "",
    }
    status = 200
    if url or handle:
        if not verify_allowed(request):
            context["error"] = "Terlalu banyak pemeriksaan dari alamat Anda; coba lagi sebentar."
            status = 429
        else:
            try:
                context["result"] = account_verify(
                    url=url, platform=platform if not url else "", handle=handle if not url else ""
                )
            except UrlError as exc:
                context["error"] = str(exc)
                status = 400
    elif "url" in request.GET or "handle" in request.GET:
        context["error"] = "Isi alamat (URL) akun, atau pilih platform dan isi nama akunnya."
        status = 400
    return render(request, "registry/verify.html", context, status=status)
