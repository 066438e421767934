"""Annual reports (Pasal 16) and Diskominfo's evaluation console (Pasal 17), public schema."""

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    label = "evaluation"
    verbose_name = "Evaluasi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.steps import dashboard_panels, demo_steps, provisioning_steps

        from . import roles  # noqa: F401 - declares the regency permission and the refusals
        from .dashboard import AnnualReportPanel, ReportsToEvaluatePanel
        from .demo import create_demo_evaluation
        from .roles import grant_evaluator_group, grant_report_permissions

        provisioning_steps.register(
            "evaluation.roles.create_evaluator_group",
            order=50,
            prepare=grant_report_permissions,
            run=grant_evaluator_group,
            after=("tenants.provisioning.create_default_groups",),
        )
        # Also snapshots the console's figures for Diskominfo: not the instansi's own only.
        demo_steps.register(
            "evaluation.demo.create_demo_evaluation",
            order=50,
            run=create_demo_evaluation,
            own_instansi_only=False,
        )
        dashboard_panels.register(
            "evaluation.dashboard.ReportsToEvaluatePanel", order=20, run=ReportsToEvaluatePanel
        )
        dashboard_panels.register(
            "evaluation.dashboard.AnnualReportPanel", order=70, run=AnnualReportPanel
        )
