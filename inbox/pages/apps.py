"""The inquiry form page type that every instansi site can place (tenant schema)."""

from django.apps import AppConfig


class InboxPagesConfig(AppConfig):
    name = "inbox.pages"
    label = "inbox_pages"
    verbose_name = "Formulir pengaduan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.steps import provisioning_steps

        from .provisioning import personalise_inquiry_form_page, prepare_inquiry_form_page

        # The form page goes under the cms home page: registered here, after cms in
        # INSTALLED_APPS, so a missing cms step stops the start-up.
        provisioning_steps.register(
            "inbox.provisioning.create_inquiry_form_page",
            order=40,
            prepare=prepare_inquiry_form_page,
            run=personalise_inquiry_form_page,
            after=("cms.provisioning.build_site",),
        )
