"""Celery jobs: snapshot refresh and PDFs with progress, onboarding, deadline reminders."""

import datetime as dt
import io
import zipfile

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from evaluation import services, tasks
from evaluation.models import ConsoleJob, InstansiSnapshot, ReportReminder
from tenants.models import Instansi
from tests.conftest import login_client

from .factories import NARRATIVE, admin_user, seed_inbox

YEAR = 2026
pytestmark = pytest.mark.django_db


def test_refresh_job_iterates_every_instansi_with_progress(instansi):
    seed_inbox(
        instansi["dinkes"], instansi["humas"], year=YEAR, comments=2, questions=0, referred=0
    )
    job = ConsoleJob.objects.create(kind="refresh", year=YEAR)
    assert tasks.run_console_job(job.pk) == "done"
    job.refresh_from_db()
    active = Instansi.objects.active().count()
    assert (job.done, job.total, job.percent) == (active, active, 100)
    assert InstansiSnapshot.objects.filter(year=YEAR).count() == active
    snap = InstansiSnapshot.objects.get(instansi=instansi["dinkes"], year=YEAR)
    assert snap.data["inbox"]["comments"] == 2
    assert tasks.run_console_job(job.pk) == "skipped"  # idempotent
    page = login_client("diskominfo").get(f"/console/pekerjaan/{job.pk}/").content.decode()
    assert "Selesai" in page and "100%" in page


def test_pdf_job_builds_a_zip(instansi):
    actor = admin_user("humas")
    with schema_context("humas"):
        report = services.report_start(instansi=instansi["humas"], year=YEAR, actor=actor)
        report = services.report_update(report=report, actor=actor, data=NARRATIVE)
        services.report_submit(report=report, actor=actor)
    with schema_context("diskominfo"):
        job = ConsoleJob.objects.create(kind="pdf", year=YEAR)
        assert tasks.run_console_job(job.pk) == "done"
        job.refresh_from_db()
        assert job.done == job.total == 1
        response = login_client("diskominfo").get(f"/console/pekerjaan/{job.pk}/unduh/")
        names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert names == [f"laporan-{YEAR}-humas.pdf", f"ringkasan-bupati-{YEAR}.pdf"]


def test_provision_job_fails_cleanly_on_a_taken_slug(instansi):
    job = ConsoleJob.objects.create(kind="provision", params={"slug": "humas", "name": "Lagi"})
    assert tasks.run_console_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and "sudah ada" in job.message


def test_one_time_password_is_read_once():
    tasks.remember_password(987654, "rahasia-sekali")
    assert tasks.take_password(987654) == "rahasia-sekali"
    assert tasks.take_password(987654) is None


def test_deadline_reminders_are_sent_once(instansi):
    with schema_context("diskominfo"):  # the console's site, where evaluators act
        services.period_set(
            actor=admin_user("diskominfo"),
            year=YEAR,
            deadline=dt.date(YEAR + 1, 1, 31),
            reminder_days="7",
        )
    today = dt.date(YEAR + 1, 1, 24).isoformat()
    sent = tasks.send_deadline_reminders(today)
    assert sent == Instansi.objects.active().count()
    assert any("admin@humas.localhost" in m.to for m in mail.outbox)
    assert tasks.send_deadline_reminders(today) == 0  # idempotent
    assert ReportReminder.objects.filter(year=YEAR, days_before=7).count() == sent
    assert tasks.send_deadline_reminders(dt.date(YEAR + 1, 1, 25).isoformat()) == 0


def test_provision_job_creates_the_instansi_and_shows_the_password_once(instansi):
    job = ConsoleJob.objects.create(
        kind="provision", params={"slug": "dispar", "name": "Dinas Pariwisata"}
    )
    with schema_context("diskominfo"):  # where the console sends it from
        assert tasks.run_console_job(job.pk) == "done"
    job.refresh_from_db()
    assert job.percent == 100 and "dispar" in job.message
    assert Instansi.objects.filter(schema_name="dispar", is_active=True).exists()
    console = login_client("diskominfo")
    first = console.get(f"/console/pekerjaan/{job.pk}/")
    password = first.context["password"]
    assert password and password in first.content.decode()
    assert console.get(f"/console/pekerjaan/{job.pk}/").context["password"] is None
    with schema_context("dispar"):
        from django.contrib.auth import get_user_model

        assert get_user_model().objects.get(username="admin").check_password(password)


def test_sweeper_resends_jobs_left_queued(instansi, monkeypatch):
    import datetime as dt_

    from django.utils import timezone

    sent = []
    monkeypatch.setattr(
        "evaluation.tasks.send_task_safely", lambda task, *args: sent.append(args) or True
    )
    old = ConsoleJob.objects.create(kind="refresh", year=YEAR)
    ConsoleJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt_.timedelta(minutes=5)
    )
    ConsoleJob.objects.create(kind="refresh", year=YEAR)  # fresh: its message is on its way
    assert tasks.sweep_console_jobs() == 1
    assert sent == [(old.pk,)]


def test_a_job_is_claimed_once(instansi):
    job = ConsoleJob.objects.create(kind="refresh", year=YEAR, params={"slug": "humas"})
    ConsoleJob.objects.filter(pk=job.pk).update(state="running")
    assert tasks.run_console_job(job.pk) == "skipped"
