"""SOP definitions per instansi, bound to Wagtail workflows, with every step timed."""

from django.apps import AppConfig


class SopConfig(AppConfig):
    name = "sop"
    label = "sop"
    verbose_name = "SOP"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.steps import dashboard_panels, demo_steps

        from . import signals  # noqa: F401 - connects the workflow signal receivers
        from .dashboard import SopStepsPanel
        from .demo import create_demo_sop

        # Made for the demo's humas only: left out where a test fills an instansi of its own.
        demo_steps.register(
            "sop.demo.create_demo_sop", order=40, run=create_demo_sop, own_instansi_only=False
        )
        dashboard_panels.register("sop.dashboard.SopStepsPanel", order=50, run=SopStepsPanel)
