"""The shared inbox (public schema): inquiries, referrals between instansi, the 24-hour clock."""

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    label = "inbox"
    verbose_name = "Kotak masuk bersama"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.outbox import on_delivered

        from .services.notifications import notice_mark_sent

        # A notice shows as sent once the kernel's outbox delivered its mail, whoever did.
        on_delivered("inbox", notice_mark_sent)
