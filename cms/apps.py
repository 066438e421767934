"""Each instansi's public website: Wagtail page models, identity settings, templates."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Situs web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.steps import demo_steps, provisioning_steps

        from . import signals
        from .demo import create_demo_content
        from .provisioning import personalise_site, prepare_site
        from .wordpress import tasks  # noqa: F401 - registers the import task with Celery

        signals.connect()
        provisioning_steps.register(
            "cms.provisioning.build_site",
            order=30,
            prepare=prepare_site,
            run=personalise_site,
        )
        demo_steps.register("cms.demo.create_demo_content", order=10, run=create_demo_content)
