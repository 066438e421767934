"""Admin screen for two-factor sign-in: enrol an authenticator app, verify, or turn it off."""

import base64
import io

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.qr import write_qrcode_image

from tenants.errors import SimpulError

from . import services


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
        try:
            if action == "confirm":
                device = services.totp_device_confirm(user=request.user, token=token)
                otp_login(request, device)
                messages.success(request, "Autentikasi dua faktor aktif untuk akun Anda.")
                return redirect("wagtailadmin_home")
            if action == "verify":
                device = match_token(request.user, token) if token.isdigit() else None
                if device is None:
                    raise SimpulError("Kode autentikator salah atau kedaluwarsa.", field="token")
                otp_login(request, device)
                return redirect(request.GET.get("next") or "wagtailadmin_home")
            if action == "disable":
                services.totp_device_remove(user=request.user, actor=request.user)
                messages.success(request, "Autentikasi dua faktor dimatikan.")
                return redirect("simpul_two_factor")
        except SimpulError as exc:
            return self._render(request, error=exc.message, status=400)
        return redirect("simpul_two_factor")

    def _render(self, request, *, error: str = "", status: int = 200):
        user = request.user
        confirmed = services.has_confirmed_device(user)
        context = {
            "required": services.two_factor_required(user),
            "confirmed": confirmed,
            "verified": user.is_verified() if hasattr(user, "is_verified") else False,
            "error": error,
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
