from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = "Kernel Simpul"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .content_types import install_schema_content_type_cache

        # Here, not on importing the request middleware: Celery workers and commands, which
        # never import it, run with the same content type cache as web processes.
        install_schema_content_type_cache()
