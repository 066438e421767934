"""Celery tasks of evaluation: console jobs with progress, snapshot refresh, deadline reminders.

Periodic work iterates Instansi explicitly (each source runs in its instansi's schema); requests
never do. Jobs record their progress on their ConsoleJob row so the console can show it.
"""

import datetime
import io
import logging
import zipfile

from celery import shared_task
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from core.errors import SimpulError
from core.outbox import outbox_deliver
from core.queue import send_task_safely
from tenants.models import Instansi
from tenants.services import instansi_provision

from . import exports
from .models import AnnualReport, ConsoleJob, InstansiSnapshot
from .selectors import period_for

logger = logging.getLogger("simpul.evaluation")
PASSWORD_TTL = 15 * 60


def password_cache_key(job_id: int) -> str:
    return f"evaluation:provision-password:{job_id}"


def remember_password(job_id: int, password: str) -> None:
    with schema_context(get_public_schema_name()):
        cache.set(password_cache_key(job_id), password, PASSWORD_TTL)


def take_password(job_id: int) -> str | None:
    """The generated admin password, returned once and then forgotten."""
    with schema_context(get_public_schema_name()):
        key = password_cache_key(job_id)
        password = cache.get(key)
        cache.delete(key)
    return password


def _progress(job: ConsoleJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ConsoleJob.objects.filter(pk=job.pk).update(**fields)


def _refresh(job: ConsoleJob) -> None:
    from .services import snapshot_refresh

    instansi = Instansi.objects.active()
    if job.params.get("slug"):
        instansi = instansi.filter(schema_name=job.params["slug"])
    instansi = list(instansi)
    _progress(job, total=len(instansi))
    steps = []
    for i, inst in enumerate(instansi, start=1):
        try:
            snapshot_refresh(instansi=inst, year=job.year)
            steps.append(f"{inst.name}: diperbarui")
        except Exception as exc:  # noqa: BLE001 - one instansi must not stop the others
            logger.exception("snapshot refresh failed for %s", inst.schema_name)
            steps.append(f"{inst.name}: gagal ({exc.__class__.__name__})")
        finally:
            connection.set_schema_to_public()
        _progress(job, done=i, steps=steps)


def _pdfs(job: ConsoleJob) -> None:
    reports = list(
        AnnualReport.objects.filter(year=job.year)
        .exclude(status=AnnualReport.Status.DRAFT)
        .select_related("instansi")
        .order_by("instansi__name")
    )
    _progress(job, total=len(reports))
    buffer = io.BytesIO()
    steps = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, report in enumerate(reports, start=1):
            archive.writestr(
                f"laporan-{report.year}-{report.instansi.schema_name}.pdf",
                exports.report_pdf(report),
            )
            steps.append(f"{report.instansi.name}: PDF dibuat")
            _progress(job, done=i, steps=steps)
        archive.writestr(f"ringkasan-bupati-{job.year}.pdf", exports.bupati_summary_pdf(job.year))
    job.result.save(f"laporan-{job.year}-{job.pk}.zip", ContentFile(buffer.getvalue()), save=False)
    ConsoleJob.objects.filter(pk=job.pk).update(result=job.result.name)


def _provision(job: ConsoleJob) -> None:
    params = job.params
    _progress(job, total=3, done=1, steps=["Data diperiksa", "Membuat skema dari templat…"])
    # The job is sent from Diskominfo's host; a tenant is created from the public schema only.
    with schema_context(get_public_schema_name()):
        result = instansi_provision(
            slug=params.get("slug", ""),
            name=params.get("name", ""),
            short_name=params.get("short_name", ""),
            kind=params.get("kind") or Instansi.Kind.INSTANSI,
            admin_email=params.get("admin_email", ""),
        )
    connection.set_schema_to_public()
    if result.admin_password:
        remember_password(job.pk, result.admin_password)
    _progress(
        job,
        done=3,
        steps=[
            "Data diperiksa",
            f"Skema {result.instansi.schema_name} dibuat ({result.seconds:.1f} detik)",
            f"Situs siap di {result.url} — pengguna admin: {result.admin_username}",
        ],
        message=result.url,
    )


@shared_task
def run_console_job(job_id: int) -> str:
    """Run one console job; idempotent (a finished job is not run again)."""
    # Claim the job atomically: a re-sent or duplicated message never runs it twice.
    claimed = ConsoleJob.objects.filter(pk=job_id, state=ConsoleJob.State.QUEUED).update(
        state=ConsoleJob.State.RUNNING
    )
    job = ConsoleJob.objects.filter(pk=job_id).first()
    if not claimed or job is None:
        return "skipped"
    try:
        if job.kind == ConsoleJob.Kind.REFRESH:
            _refresh(job)
        elif job.kind == ConsoleJob.Kind.PDF:
            _pdfs(job)
        else:
            _provision(job)
    except SimpulError as exc:
        _progress(
            job, state=ConsoleJob.State.FAILED, message=exc.message, finished_at=timezone.now()
        )
        return "failed"
    except Exception as exc:  # noqa: BLE001 - the console shows the failure instead of hanging
        logger.exception("console job %s failed", job_id)
        _progress(
            job,
            state=ConsoleJob.State.FAILED,
            message=f"Gagal: {exc.__class__.__name__}",
            finished_at=timezone.now(),
        )
        return "failed"
    _progress(job, state=ConsoleJob.State.DONE, finished_at=timezone.now())
    return "done"


@shared_task
def sweep_console_jobs(older_than_seconds: int = 60) -> int:
    """Beat: re-send jobs still queued (the broker was down when they were created)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    stale = ConsoleJob.objects.filter(state=ConsoleJob.State.QUEUED, created_at__lt=cutoff)
    sent = 0
    for job_id in stale.values_list("pk", flat=True):
        sent += bool(send_task_safely(run_console_job, job_id))
    return sent


@shared_task
def refresh_all_snapshots(year: int | None = None) -> int:
    """Beat: refresh every active instansi's snapshot of the current (and reporting) year."""
    from .services import snapshot_refresh

    today = timezone.localdate()
    years = [year] if year else sorted({today.year, today.year - 1})
    count = 0
    for inst in Instansi.objects.active():
        for y in years:
            try:
                snapshot_refresh(instansi=inst, year=y)
                count += 1
            except Exception:  # noqa: BLE001
                logger.exception("snapshot refresh failed for %s", inst.schema_name)
            finally:
                connection.set_schema_to_public()
    return count


def snapshot_queued_key(instansi_id: int, year: int) -> str:
    return f"evaluation:snapshot-queued:{instansi_id}:{year}"


@shared_task
def refresh_instansi_snapshot(instansi_id: int, year: int) -> bool:
    """Refresh one instansi's snapshot of `year` (sent by `refresh_changed_snapshots`)."""
    from .services import snapshot_refresh

    try:
        inst = Instansi.objects.active().filter(pk=instansi_id).first()
        if inst is None:
            return False
        snapshot_refresh(instansi=inst, year=year)
        return True
    finally:
        connection.set_schema_to_public()
        with schema_context(get_public_schema_name()):
            cache.delete(snapshot_queued_key(instansi_id, year))


# A refresh already sent is not sent again for this long (the worker may be busy).
QUEUED_TTL = 5 * 60


def stale_snapshots(today: datetime.date | None = None) -> list[tuple[int, int]]:
    """(instansi id, year) of every snapshot whose sources changed after it was made.

    Stale: the newest created/updated timestamp of the rows its figures come from is later
    than the snapshot's time, or the active instansi has no snapshot of the year yet."""
    from . import sources
    from .selectors import open_reporting_year

    today = today or timezone.localdate()
    years = sorted({today.year, open_reporting_year(today)})
    instansi = list(Instansi.objects.active())
    try:
        changed = sources.last_changes(instansi)
    finally:
        connection.set_schema_to_public()
    snapshots = {
        (s.instansi_id, s.year): s.refreshed_at
        for s in InstansiSnapshot.objects.filter(year__in=years).only(
            "instansi_id", "year", "refreshed_at"
        )
    }
    stale = []
    for inst in instansi:
        for year in years:
            refreshed = snapshots.get((inst.pk, year))
            last = changed.get(inst.pk)
            if refreshed is None or (last is not None and last > refreshed):
                stale.append((inst.pk, year))
    return stale


@shared_task
def refresh_changed_snapshots(today_iso: str | None = None) -> int:
    """Beat (every minute): one refresh task per instansi whose snapshot is stale.

    A refresh sent and not yet run is not sent again (a cache mark for QUEUED_TTL, cleared by
    the refresh). Returns how many refreshes were sent."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else None
    sent = 0
    for instansi_id, year in stale_snapshots(today):
        key = snapshot_queued_key(instansi_id, year)
        with schema_context(get_public_schema_name()):
            if not cache.add(key, 1, QUEUED_TTL):
                continue  # sent already and not run yet
        if send_task_safely(refresh_instansi_snapshot, instansi_id, year):
            sent += 1
        else:
            with schema_context(get_public_schema_name()):
                cache.delete(key)  # the next minute tries again
    return sent


@shared_task
def send_deadline_reminders(today_iso: str | None = None) -> int:
    """Beat (daily): remind instansi whose report is not submitted N days before the deadline.

    Each reminder and its mail are committed together (the outbox); the mail is delivered right
    after, and a failed delivery is retried by the outbox sweeper, never dropped."""
    from .services import report_reminder_create

    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    sent = 0
    for year in (today.year - 1, today.year):
        period = period_for(year)
        days_left = (period.deadline - today).days
        if days_left not in period.reminder_day_list():
            continue
        done_ids = set(
            AnnualReport.objects.filter(year=year)
            .exclude(status__in=AnnualReport.EDITABLE)
            .values_list("instansi_id", flat=True)
        )
        for inst in Instansi.objects.active().exclude(pk__in=done_ids):
            message_id = report_reminder_create(
                instansi=inst, year=year, deadline=period.deadline, days_left=days_left
            )
            if message_id is None:
                continue  # already reminded
            sent += 1
            try:
                outbox_deliver(message_id=message_id)
            except Exception:  # noqa: BLE001 - the message stays in the outbox for the sweeper
                logger.warning("reminder mail for %s left for the sweeper", inst.schema_name)
    return sent
