"""A real Celery worker runs the console's bulk refresh and reports its progress."""

import time

import pytest

from evaluation.models import ConsoleJob, InstansiSnapshot
from tenants.models import Instansi

YEAR = 2025


@pytest.mark.worker
def test_refresh_job_runs_on_a_real_worker(celery_worker, django_db_blocker):
    from evaluation import tasks

    with django_db_blocker.unblock():
        job = ConsoleJob.objects.create(kind="refresh", year=YEAR, created_by_name="uji")
    try:
        tasks.run_console_job.delay(job.pk)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with django_db_blocker.unblock():
                job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.3)
        assert job.state == "done", job.message
        with django_db_blocker.unblock():
            active = Instansi.objects.active().count()
            assert job.done == job.total == active
            assert InstansiSnapshot.objects.filter(year=YEAR).count() >= active
    finally:
        with django_db_blocker.unblock():
            InstansiSnapshot.objects.filter(year=YEAR).delete()
            ConsoleJob.objects.filter(pk=job.pk).delete()
