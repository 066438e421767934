"""The Wagtail admin login form with lockout and a one-time code for users who enabled 2FA."""

from django import forms
from django.utils import formats, timezone
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
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
        locked_until = services.login_locked_until(username=username)
        if locked_until:
            raise forms.ValidationError(
                "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
                f"Coba lagi setelah pukul {formats.time_format(timezone.localtime(locked_until), 'H:i')}.",
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failure_record(username=username)
            raise
        user = self.get_user()
        if user is not None and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            token = (self.cleaned_data.get("otp_token") or "").strip()
            device = match_token(user, token) if token else None
            if device is None:
                services.login_failure_record(username=username)
                raise forms.ValidationError(
                    "Masukkan kode 6 angka dari aplikasi autentikator Anda."
                    if not token
                    else "Kode autentikator salah atau kedaluwarsa.",
                    code="otp",
                )
            # django-otp marks the session verified on login when the user carries its device.
            user.otp_device = device
        services.login_success_record(username=username)
        return cleaned
