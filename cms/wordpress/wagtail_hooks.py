"""Wagtail admin wiring of the WordPress import: its URLs and the "Impor WordPress" menu item."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls
from .views import can_import


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("wordpress/", include((urls, "cms_wordpress"), namespace="cms_wordpress"))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return ImportMenuItem(
        "Impor WordPress", reverse("cms_wordpress:index"), icon_name="download", order=900
    )
