"""Admin wiring of sign-in safety: the two-factor page, its place in the account menu, the
enrolment-code screen for Diskominfo's superusers (Settings menu and each user's row), and the
sign-in limits screen for the instansi's user administrators (Settings menu)."""

from urllib.parse import urlencode

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton

from . import services
from .views import EnrolmentCodeView, SignInLimitsView, TwoFactorView


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("keamanan/2fa/", TwoFactorView.as_view(), name="simpul_two_factor"),
        path(
            "keamanan/2fa/kode-pendaftaran/",
            EnrolmentCodeView.as_view(),
            name="simpul_enrolment_code",
        ),
        path(
            "keamanan/pembatasan-masuk/", SignInLimitsView.as_view(), name="simpul_sign_in_limits"
        ),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("simpul_two_factor"),
        "label": "Autentikasi dua faktor",
        "help_text": "Lindungi akun dengan kode dari aplikasi autentikator di ponsel.",
    }


class _MenuItemFor(MenuItem):
    """A menu item shown to the users `shown_to(user)` accepts (the screen's own rule)."""

    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)


@hooks.register("register_settings_menu_item")
def enrolment_code_menu_item():
    return _MenuItemFor(
        "Kode pendaftaran 2FA",
        reverse("simpul_enrolment_code"),
        icon_name="key",
        order=900,
        shown_to=services.can_issue_enrolment_codes,
    )


@hooks.register("register_user_listing_buttons")
def enrolment_code_user_button(user, request_user):
    if not services.can_issue_enrolment_codes(request_user):
        return []
    url = reverse("simpul_enrolment_code") + "?" + urlencode({"username": user.get_username()})
    return [ListingButton("Kode pendaftaran 2FA", url, icon_name="key", priority=90)]


@hooks.register("register_settings_menu_item")
def sign_in_limits_menu_item():
    return _MenuItemFor(
        "Pembatasan masuk",
        reverse("simpul_sign_in_limits"),
        icon_name="lock",
        order=910,
        shown_to=services.can_open_sign_in_limits,
    )
