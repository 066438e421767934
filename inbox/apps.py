"""The shared inbox (public schema): inquiries, referrals between instansi, the 24-hour clock."""

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    label = "inbox"
    verbose_name = "Kotak masuk bersama"
    default_auto_field = "django.db.models.BigAutoField"
