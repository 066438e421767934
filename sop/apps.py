"""SOP definitions per instansi, bound to Wagtail workflows, with every step timed."""

from django.apps import AppConfig


class SopConfig(AppConfig):
    name = "sop"
    label = "sop"
    verbose_name = "SOP"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the workflow signal receivers
