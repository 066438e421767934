"""Sign-in safety per instansi: lockout after repeated wrong passwords, TOTP two-factor."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tenants.access"
    label = "access"
    verbose_name = "Keamanan akses"
    default_auto_field = "django.db.models.BigAutoField"
