"""Admin wiring of sign-in safety: the two-factor page and its place in the account menu."""

from django.urls import path, reverse
from wagtail import hooks

from .views import TwoFactorView


@hooks.register("register_admin_urls")
def register_two_factor_url():
    return [path("keamanan/2fa/", TwoFactorView.as_view(), name="simpul_two_factor")]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("simpul_two_factor"),
        "label": "Autentikasi dua faktor",
        "help_text": "Lindungi akun dengan kode dari aplikasi autentikator di ponsel.",
    }
