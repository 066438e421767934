"""The console's per-instansi snapshots and its background jobs."""

from django.utils import timezone

from core.actions import action
from core.actors import actor_name
from core.errors import SimpulError
from core.queue import send_on_commit
from tenants.models import Instansi

from .. import figures as fig
from .. import tasks
from ..models import (
    ConsoleJob,
    InstansiSnapshot,
)
from ..roles import EVALUATE


def snapshot_refresh(*, instansi: Instansi, year: int, today=None) -> InstansiSnapshot:
    """Recompute one instansi's console figures (Celery: runs the sources in its schema)."""
    # Stamped with the time the reading started: a change made while the sources are read is
    # newer than the snapshot, so the next freshness check refreshes it again.
    started = timezone.now()
    raw = fig.collect(instansi, year=year, today=today)
    snapshot, _ = InstansiSnapshot.objects.update_or_create(
        instansi=instansi, year=year, defaults={"data": raw, "refreshed_at": started}
    )
    return snapshot


@action("evaluation.job_create", "Pekerjaan konsol dibuat", permission=EVALUATE)
def job_create(
    *, actor, kind: str, year: int | None = None, params: dict | None = None
) -> ConsoleJob:
    if kind not in ConsoleJob.Kind.values:
        raise SimpulError("Jenis pekerjaan tidak dikenal.")
    job = ConsoleJob.objects.create(
        kind=kind, year=year, params=params or {}, created_by_name=actor_name(actor)
    )
    send_on_commit(tasks.run_console_job, job.pk)
    return job
