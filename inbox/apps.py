"""The shared inbox (public schema): inquiries, referrals between instansi, the 24-hour clock."""

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    label = "inbox"
    verbose_name = "Kotak masuk bersama"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.outbox import on_delivered
        from core.steps import dashboard_panels, demo_steps

        from .dashboard import InquiriesPanel, LateReferralsPanel, ReferralsPanel
        from .provisioning import demo_form_page
        from .services.notifications import notice_mark_sent

        # A notice shows as sent once the kernel's outbox delivered its mail, whoever did.
        on_delivered("inbox", notice_mark_sent)
        # The form page's provisioning step is inbox.pages' (registered after cms's). The demo
        # step also writes humas's demo inquiries (to dinkes and disdik): not the instansi's own.
        demo_steps.register(
            "inbox.provisioning.demo_form_page",
            order=20,
            run=demo_form_page,
            own_instansi_only=False,
        )
        # The admin home's panels (tenants.dashboard).
        dashboard_panels.register(
            "inbox.dashboard.LateReferralsPanel", order=10, run=LateReferralsPanel
        )
        dashboard_panels.register("inbox.dashboard.InquiriesPanel", order=30, run=InquiriesPanel)
        dashboard_panels.register("inbox.dashboard.ReferralsPanel", order=40, run=ReferralsPanel)
