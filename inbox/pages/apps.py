"""The inquiry form page type that every instansi site can place (tenant schema)."""

from django.apps import AppConfig


class InboxPagesConfig(AppConfig):
    name = "inbox.pages"
    label = "inbox_pages"
    verbose_name = "Formulir pengaduan"
    default_auto_field = "django.db.models.BigAutoField"
