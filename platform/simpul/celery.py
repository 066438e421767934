"""The Celery app: tenant-aware (tasks run in the schema they were sent from), Redis broker."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")

app = CeleryApp("simpul")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
