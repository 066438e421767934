"""Celery tasks run in the schema they were sent from, on a real worker and the real Redis."""

import pytest
from django_tenants.utils import schema_context

from tenants.tasks import current_schema

pytestmark = [pytest.mark.django_db, pytest.mark.worker]


def test_task_sent_from_a_tenant_runs_in_that_schema(celery_worker):
    with schema_context("humas"):
        humas = current_schema.delay()
    with schema_context("dinkes"):
        dinkes = current_schema.delay()
    assert humas.get(timeout=30) == "humas"
    assert dinkes.get(timeout=30) == "dinkes"


def test_task_sent_from_public_runs_in_public(celery_worker):
    assert current_schema.delay().get(timeout=30) == "public"


def test_beat_schedule_exists():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE
    assert all(
        "task" in entry and "schedule" in entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )
