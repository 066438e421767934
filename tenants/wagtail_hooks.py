"""Wagtail admin wiring of the tenants app: the API token screen (superusers only)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .dashboard import build_dashboard_panels

# The admin home lists the work waiting for the user (tenants.dashboard).
hooks.register("construct_homepage_panels", build_dashboard_panels)


@hooks.register("register_admin_urls")
def api_token_urls():
    return [
        path("token-api/", admin_views.ApiTokenIndexView.as_view(), name="tenants_api_tokens"),
        path(
            "token-api/<int:pk>/cabut/",
            admin_views.ApiTokenRevokeView.as_view(),
            name="tenants_api_token_revoke",
        ),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def api_token_menu_item():
    return SuperuserMenuItem(
        "Token API", reverse("tenants_api_tokens"), icon_name="key", order=900, name="token-api"
    )
