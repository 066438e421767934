"""The Wagtail admin login form with the attempt budget and a one-time code for enrolled users."""

from django import forms
from django.utils import formats, timezone
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.throttling import BaseThrottle
from wagtail.admin.forms.auth import LoginForm

from . import services


class SimpulLoginForm(LoginForm):
    otp_token = forms.CharField(
        label="Kode autentikator (bila autentikasi dua faktor aktif)",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **LoginForm.error_messages,
        "invalid_login": "Nama pengguna atau kata sandi salah. Silakan coba lagi.",
        "inactive": "Akun ini tidak aktif.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        # The project's one client-address rule (DRF's, REST_FRAMEWORK["NUM_PROXIES"], as the
        # API throttles and inbox.ratelimit use it): X-Forwarded-For is trusted no further.
        address = (BaseThrottle().get_ident(self.request) or "") if self.request else ""
        cookies = getattr(self.request, "COOKIES", {})
        client = services.login_client_key(
            username=username,
            address=address,
            device_cookie=cookies.get(services.DEVICE_COOKIE),
        )
        # The attempt is spent before the password is looked at (see services' docstring).
        attempt = services.login_attempt_begin(username=username, client=client)
        if not attempt.allowed:
            raise forms.ValidationError(
                "Akun ini dikunci sementara untuk perangkat ini karena terlalu banyak percobaan "
                "masuk yang gagal. Coba lagi setelah pukul "
                f"{formats.time_format(timezone.localtime(attempt.locked_until), 'H:i')}.",
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_attempt_failed(attempt=attempt, address=address)
            raise
        user = self.get_user()
        if user is not None and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            token = (self.cleaned_data.get("otp_token") or "").strip()
            device = match_token(user, token) if token else None
            if device is None:
                services.login_attempt_failed(attempt=attempt, address=address)
                raise forms.ValidationError(
                    "Masukkan kode 6 angka dari aplikasi autentikator Anda."
                    if not token
                    else "Kode autentikator salah atau kedaluwarsa.",
                    code="otp",
                )
            # django-otp marks the session verified on login when the user carries its device.
            user.otp_device = device
        services.login_attempt_succeeded(attempt=attempt, address=address)
        if self.request is not None and not client.startswith("d:"):
            # RequireTwoFactorMiddleware sets it on the response: this browser is now known.
            self.request.simpul_device_cookie = services.device_cookie_value(username=username)
        return cleaned
