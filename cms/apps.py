"""Each instansi's public website: Wagtail page models, identity settings, templates."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Situs web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals
        from .wordpress import tasks  # noqa: F401 - registers the import task with Celery

        signals.connect()
