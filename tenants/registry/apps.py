"""Official-account registry in each instansi's schema: decrees (SK), accounts, appointments."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tenants.registry"
    label = "registry"
    verbose_name = "Registri akun resmi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.steps import dashboard_panels, demo_steps, provisioning_steps

        from .dashboard import RegistryRemindersPanel
        from .demo import create_demo_registry
        from .provisioning import grant_registry_permissions

        # Grants to tenants.provisioning's role groups, the same in every instansi: made ahead.
        provisioning_steps.register(
            "tenants.registry.provisioning.grant_registry_permissions",
            order=60,
            prepare=grant_registry_permissions,
            after=("tenants.provisioning.create_default_groups",),
        )
        demo_steps.register(
            "tenants.registry.demo.create_demo_registry", order=30, run=create_demo_registry
        )
        dashboard_panels.register(
            "tenants.registry.dashboard.RegistryRemindersPanel",
            order=60,
            run=RegistryRemindersPanel,
        )
