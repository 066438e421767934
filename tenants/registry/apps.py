"""Official-account registry in each instansi's schema: decrees (SK), accounts, appointments."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tenants.registry"
    label = "registry"
    verbose_name = "Registri akun resmi"
    default_auto_field = "django.db.models.BigAutoField"
