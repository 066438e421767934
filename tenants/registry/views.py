"""Public pages of the registry: an instansi's "Akun Resmi" list and the portal's account check."""

from types import SimpleNamespace

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.views.decorators.http import require_GET
from rest_framework.throttling import ScopedRateThrottle

from .platforms import PLATFORM_CHOICES, UrlError
from .selectors import Verification, account_verify, official_account_list_active


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


def _looks_like_handle(text: str) -> bool:
    """`@name` or a bare `name`: an account name typed where an address was expected."""
    return text.startswith("@") or ("." not in text and "/" not in text and ":" not in text)


def _date(value) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def citizen_message(result: Verification) -> str:
    """The answer in one plain sentence (the API's `message` may chain two for an address that
    names an account, e.g. a TikTok video)."""
    e = result.entry
    if e is None:
        return result.message
    who = f"{e.platform_label} @{e.handle}" if e.handle else e.url
    if result.official:
        text = (
            f"akun resmi {e.instansi.name} sejak {_date(e.active_since)} "
            f"(SK {e.decree_number} tanggal {_date(e.decree_date)})."
        )
        text = (
            f"Alamat yang Anda periksa milik {who}, {text}"
            if result.by_handle
            else f"{who} adalah {text}"
        )
        if not e.decree_active:
            text += " Perhatian: SK penetapannya sudah tidak berlaku dan sedang diperbarui."
        return text
    ended = f" pada {_date(e.retired_on)}" if e.retired_on else ""
    by = f" dengan SK {e.retired_decree_number}" if e.retired_decree_number else ""
    text = (
        f"dahulu akun resmi {e.instansi.name}, tetapi sudah dihentikan{ended}{by} "
        "dan tidak lagi mewakili instansi."
    )
    return (
        f"Alamat yang Anda periksa milik {who}, yang {text}"
        if result.by_handle
        else f"{who} {text}"
    )


def _verify_input_errors(url: str, platform: str, handle: str) -> list[tuple[str, str]]:
    """What the citizen must fix before the check, as (field id, message); [] when ready."""
    known = dict(PLATFORM_CHOICES)
    if platform and platform not in known:
        return [("id_platform", "Pilih platform dari daftar.")]
    if url or (platform and handle):
        return []
    if handle and not platform:
        name = handle if handle.startswith("@") else f"@{handle}"
        return [
            (
                "id_platform",
                f"Pilih platform akun {name} (mis. Instagram atau TikTok), lalu periksa lagi.",
            )
        ]
    if platform and not handle:
        return [("id_handle", f"Tulis nama akun {known[platform]} yang ingin diperiksa.")]
    return [("id_url", "Tempel alamat akun, atau pilih platform dan tulis nama akunnya.")]


@require_GET
def verify_page(request: HttpRequest) -> HttpResponse:
    """The portal form: is this account an official account of an instansi of the regency?"""
    url = (request.GET.get("url") or "").strip()
    platform = (request.GET.get("platform") or "").strip()
    handle = (request.GET.get("handle") or "").strip()
    if url and not handle and _looks_like_handle(url):
        # An account name pasted into the address field: it is checked as a name.
        url, handle = "", url
    context = {
        "platforms": PLATFORM_CHOICES,
        "url": url,
        "platform": platform,
        "handle": handle,
        "result": None,
        "summary_errors": [],
    }
    status = 200
    if not ({"url", "handle", "platform"} & set(request.GET)):
        return render(request, "registry/verify.html", context)
    errors = _verify_input_errors(url, platform, handle)
    if not errors and not verify_allowed(request):
        errors = [("", "Terlalu banyak pemeriksaan dari alamat Anda; coba lagi sebentar.")]
        status = 429
    elif not errors:
        try:
            result = account_verify(
                url=url, platform=platform if not url else "", handle=handle if not url else ""
            )
        except UrlError as exc:
            errors = [("id_url" if url else "id_handle", str(exc))]
        else:
            context["result"] = result
            context["result_message"] = citizen_message(result)
    if errors:
        context["summary_errors"] = errors
        context["field_errors"] = dict(errors)
        status = status if status != 200 else 400
    return render(request, "registry/verify.html", context, status=status)
