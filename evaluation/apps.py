"""Annual reports (Pasal 16) and Diskominfo's evaluation console (Pasal 17), public schema."""

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    label = "evaluation"
    verbose_name = "Evaluasi"
    default_auto_field = "django.db.models.BigAutoField"
