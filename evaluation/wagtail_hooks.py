"""Wagtail admin wiring: the instansi's "Laporan Tahunan" screens and, on Diskominfo, the console."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, roles


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("laporan-tahunan/", include((admin_views.urlpatterns, "evaluation_admin")))]


class ConsoleMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.is_evaluator(request.user, getattr(request, "tenant", None))


@hooks.register("register_admin_menu_item")
def report_menu_item():
    return MenuItem(
        "Laporan Tahunan",
        reverse("evaluation_admin:index"),
        name="laporan-tahunan",
        icon_name="doc-full",
        order=900,
    )


@hooks.register("register_admin_menu_item")
def console_menu_item():
    return ConsoleMenuItem(
        "Konsol Evaluasi", "/console/", name="konsol-evaluasi", icon_name="table", order=901
    )
