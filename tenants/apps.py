"""The ground floor: instansi (tenants), their domains, provisioning, audit and API tokens."""

from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Instansi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.steps import provisioning_steps

        from . import wagtail_links
        from .provisioning import configure_site, create_default_groups

        wagtail_links.install()
        # Provisioning steps (core.steps), named as the settings listed them before.
        provisioning_steps.register(
            "tenants.provisioning.configure_site", order=10, run=configure_site
        )
        provisioning_steps.register(
            "tenants.provisioning.create_default_groups", order=20, prepare=create_default_groups
        )
