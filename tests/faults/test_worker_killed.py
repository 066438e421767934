"""A Celery worker killed mid-task: the task comes back and its effect happens exactly once.

The task is the kernel's real `deliver_outbox_message` (acks_late, reject_on_worker_lost), the
one delivery path of every app's mail, here an inbox notice's: it claims the outbox row, sends
one mail and marks the row (and the notice, by the outbox's hook) sent. The mail server first
hangs, so the worker is caught inside the task; the whole worker gets SIGKILL, the mail server
recovers, another worker starts and must deliver the mail once, never twice.
"""

import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import TEST_PASSWORD, _test_database_url

from . import harness

pytestmark = pytest.mark.worker


@pytest.fixture
def unsent_notification(django_db_setup, django_db_blocker, monkeypatch):
    """A committed inquiry of a throwaway instansi whose 'new inquiry' notice is not sent yet."""
    from inbox import services as inbox
    from inbox.models import Notification
    from tenants.services import instansi_provision

    slug = f"wk{uuid.uuid4().hex[:6]}"
    # The notice must reach only the throwaway broker below, never the shared test queue.
    monkeypatch.setattr("core.outbox.send_on_commit", lambda *args, **kwargs: None)
    with django_db_blocker.unblock():
        try:
            instansi = instansi_provision(
                slug=slug,
                name="Dinas Uji Pekerja",
                admin_email=f"admin@{slug}.localhost",
                admin_password=TEST_PASSWORD,
            ).instansi
            inquiry = inbox.inquiry_create(
                actor=None,
                instansi=instansi,
                kind="pertanyaan",
                channel="situs",
                body="Apakah layanan buka hari Sabtu?",
            )
            notification = Notification.objects.get(inquiry=inquiry)
            assert notification.sent_at is None
            yield notification, inquiry
        finally:
            connection.set_schema_to_public()
            harness.purge_instansi([slug])


def _wait(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.mark.parametrize("victim", ["pool-child", "worker"])
def test_worker_killed_mid_task_then_the_notice_is_delivered_exactly_once(
    victim, unsent_notification, tmp_path, django_db_blocker
):
    """`worker`: the whole worker (main process and pool) is SIGKILLed and another worker
    starts; the broker hands the unacknowledged task over after the visibility timeout.
    `pool-child`: only the process running the task dies; the worker rejects the task
    (reject_on_worker_lost), it goes back to the queue and a fresh pool process runs it."""
    from simpul.celery import app

    from core.models import OutboxMessage
    from core.tasks import deliver_outbox_message
    from inbox.models import Notification
    from inbox.services import notice_outbox_key

    notification, inquiry = unsent_notification
    key = notice_outbox_key(notification)
    with django_db_blocker.unblock():
        message_id = OutboxMessage.objects.get(key=key).pk
    smtp = harness.FakeSmtp()
    try:
        with harness.redis_server() as redis:
            env = harness.app_env(
                DATABASE_URL=_test_database_url(),
                REDIS_URL=redis.url,
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(smtp.port),
                # Only the dead-worker case may rely on the broker's visibility timeout; a
                # lost pool process must come back through reject_on_worker_lost alone.
                CELERY_VISIBILITY_TIMEOUT="2" if victim == "worker" else "3600",
                SIMPUL_CACHE_PREFIX=f"wk-{uuid.uuid4().hex[:6]}",
            )
            log = tmp_path / "worker.log"
            with app.connection_for_write(redis.url) as broker:
                deliver_outbox_message.apply_async(args=[message_id], connection=broker)

            def delivered() -> bool:
                with django_db_blocker.unblock():
                    notification.refresh_from_db()
                return notification.sent_at is not None

            with harness.celery_worker(env, log, "eerste") as first:
                _wait(lambda: smtp.connections >= 1, 60, "the first worker to start sending")
                with django_db_blocker.unblock():
                    notification.refresh_from_db()
                assert notification.sent_at is None  # caught mid-task, nothing committed
                # The first attempt stays caught on its held connection; the mail server
                # recovers before the kill, so the retry (which the worker may start within
                # milliseconds of losing its pool process) finds it answering.
                smtp.stall = False
                if victim == "worker":
                    harness.stop(first, sig=signal.SIGKILL)  # the whole process group
                else:
                    (child,) = _children(first.pid)
                    os.kill(child, signal.SIGKILL)
                    _wait(lambda: child not in _children(first.pid), 30, "the child to die")
                if victim == "pool-child":
                    try:
                        _wait(delivered, 60, "the worker's new pool process to deliver the notice")
                    except AssertionError as exc:
                        raise AssertionError(
                            f"{exc}\nworker log:\n{log.read_text()[-3000:]}"
                        ) from None
                    time.sleep(4)  # a duplicate would show now
            if victim == "worker":
                # A new worker scans for unacknowledged tasks when it starts (then every
                # ~100 s): start it once the visibility timeout has passed.
                time.sleep(3)
                with harness.celery_worker(env, log, "tweede"):
                    _wait(delivered, 60, "the second worker to deliver the notice")
                    time.sleep(4)  # two more visibility timeouts: a duplicate would show now
            with django_db_blocker.unblock():
                notification.refresh_from_db()
                sent = Notification.objects.filter(inquiry=inquiry).exclude(sent_at=None)
                assert sent.count() == 1
                message = OutboxMessage.objects.get(key=key)
                assert message.sent_at is not None and message.attempts == 1
            mails = [m for m in smtp.messages if inquiry.tracking_code in m]
            assert len(mails) == 1, log.read_text()[-2000:]
            assert notification.attempts == 1
            assert f"admin@{inquiry.instansi.schema_name}.localhost" in notification.recipients
    finally:
        smtp.close()
