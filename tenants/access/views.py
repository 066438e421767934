"""Admin screens for two-factor sign-in: enrol (with a one-time enrolment code where needed),
verify, turn off; and the Diskominfo superuser's screen that hands out enrolment codes."""

import base64
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.qr import write_qrcode_image

from core.errors import SimpulError

from . import services
from .middleware import safe_next


def _qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI for an <img>: inline SVG from qrcode carries namespace
    prefixes that HTML parsers mis-nest."""
    out = io.BytesIO()
    write_qrcode_image(uri, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


class TwoFactorView(View):
    template_name = "access/two_factor.html"

    def get(self, request):
        return self._render(request)

    def post(self, request):
        action = request.POST.get("action")
        token = (request.POST.get("token") or "").strip()
        user = request.user
        try:
            if action == "confirm":
                device = services.totp_device_confirm(
                    user=user,
                    token=token,
                    enrolment_code=request.POST.get("enrolment_code") or "",
                )
                otp_login(request, device)
                messages.success(request, "Autentikasi dua faktor aktif untuk akun Anda.")
                return redirect(self._next(request) or "wagtailadmin_home")
            if action == "verify":
                device = match_token(user, token) if token.isdigit() else None
                if device is None:
                    raise SimpulError("Kode autentikator salah atau kedaluwarsa.", field="token")
                otp_login(request, device)
                return redirect(self._next(request) or "wagtailadmin_home")
            if action == "disable":
                services.totp_device_remove(
                    user=user,
                    actor=user,
                    password=request.POST.get("password") or "",
                    verified=user.is_verified(),
                )
                messages.success(request, "Autentikasi dua faktor dimatikan.")
                return redirect("simpul_two_factor")
        except SimpulError as exc:
            return self._render(request, error=exc.message, field=exc.field, status=400)
        return redirect("simpul_two_factor")

    @staticmethod
    def _next(request) -> str | None:
        return safe_next(request, request.POST.get("next") or request.GET.get("next"))

    def _render(self, request, *, error: str = "", field: str = "", status: int = 200):
        user = request.user
        confirmed = services.has_confirmed_device(user)
        verified = user.is_verified() if hasattr(user, "is_verified") else False
        context = {
            # a session that owes its second factor sees no admin menu: it may do nothing else
            "base_template": "wagtailadmin/generic/base.html"
            if verified or not services.must_use_two_factors(user)
            else "access/two_factor_pending_base.html",
            "required": services.two_factor_required(user),
            "confirmed": confirmed,
            "verified": verified,
            "code_needed": services.enrolment_code_needed(user),
            "next": self._next(request) or "",
            "error": error,
            # an error names its field where it has one, so it is shown beside that field
            "field_errors": {field: error} if error and field else {},
            "form_error": error if error and not field else "",
            "header_title": "Autentikasi dua faktor",
            "page_title": "Autentikasi dua faktor",
            "header_icon": "lock",
        }
        if not confirmed:
            # One pending authenticator per user until confirmed: reloading the page (or two
            # tabs) shows the same secret instead of invalidating the one already scanned.
            device = services.totp_device_pending(user=user)
            context["qr_data_uri"] = _qr_data_uri(device.config_url)
            context["secret"] = _base32(device)
        return TemplateResponse(request, self.template_name, context, status=status)


def _base32(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")


class EnrolmentCodeView(View):
    """Diskominfo's superusers hand out one-time enrolment codes (the user screen links here)."""

    template_name = "access/enrolment_code.html"

    def dispatch(self, request, *args, **kwargs):
        if not services.can_issue_enrolment_codes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(request, username=request.GET.get("username", ""))

    def post(self, request):
        username = (request.POST.get("username") or "").strip()
        try:
            target = services.user_for_enrolment(username=username)
            code = services.enrolment_code_issue(user=target, actor=request.user)
        except SimpulError as exc:
            return self._render(request, username=username, error=exc.message, status=400)
        return self._render(request, username=target.get_username(), code=code)

    def _render(self, request, *, username="", code="", error="", status=200):
        return TemplateResponse(
            request,
            self.template_name,
            {
                "username": username,
                "code": code,
                "error": error,
                "hours": services.ENROLMENT_CODE_HOURS,
                "header_title": "Kode pendaftaran autentikator",
                "page_title": "Kode pendaftaran autentikator",
                "header_icon": "key",
            },
            status=status,
        )


class SignInLimitsView(View):
    """Administrators of the instansi see who is kept from signing in after wrong passwords,
    and open it again for a user they know (the user asked, by phone or in person)."""

    template_name = "access/sign_in_limits.html"

    def dispatch(self, request, *args, **kwargs):
        if not services.can_open_sign_in_limits(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        username = (request.POST.get("username") or "").strip()
        try:
            opened = services.login_unlock(username=username, actor=request.user)
        except SimpulError as exc:
            return self._render(request, username=username, error=exc.message, status=400)
        messages.success(request, f"Pembatasan masuk untuk {opened} dibuka: silakan masuk kembali.")
        return redirect("simpul_sign_in_limits")

    def _render(self, request, *, username="", error="", status=200):
        return TemplateResponse(
            request,
            self.template_name,
            {
                "limits": services.login_limits_active(),
                "username": username,
                "error": error,
                "header_title": "Pembatasan masuk",
                "page_title": "Pembatasan masuk",
                "header_icon": "lock",
            },
            status=status,
        )
