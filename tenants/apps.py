"""The ground floor: instansi (tenants), their domains, provisioning, audit and API tokens."""

from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Instansi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import wagtail_links

        wagtail_links.install()
