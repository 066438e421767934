"""The regency portal on the bare domain (public schema): instansi list and the latest-news index."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cms.portal"
    label = "portal"
    verbose_name = "Portal kabupaten"
    default_auto_field = "django.db.models.BigAutoField"
