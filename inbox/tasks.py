"""Celery tasks of the inbox: deliver one notice, sweep undelivered ones, tick the referral clock.

Tasks import the services inside the function (the services import this module at load).
"""

from celery import shared_task


@shared_task(bind=True, max_retries=5, default_retry_delay=30, ignore_result=True)
def send_notification(self, notification_id: int) -> bool:
    """Deliver one outbox row; idempotent (a row already sent is skipped)."""
    from .services import notice_retry_in, notification_deliver

    try:
        sent = notification_deliver(notification_id=notification_id)
    except Exception as exc:  # noqa: BLE001 - mail server trouble: retry, then the sweeper
        raise self.retry(exc=exc) from exc
    wait = None if sent else notice_retry_in(notification_id)
    if wait is not None:
        # Claimed by a worker that may have died mid-send: try again once its claim runs out.
        raise self.retry(countdown=wait + 1)
    return sent


@shared_task(ignore_result=True)
def sweep_notifications(older_than_seconds: int = 60) -> int:
    """Periodic: send every notice the queue lost (e.g. while Redis was down).

    Stays one task, not a fan-out (core.fanout): the notices of every instansi are rows of one
    public-schema table, read by one query, and each is delivered on its own.
    """
    from .services import notifications_sweep

    return notifications_sweep(older_than_seconds=older_than_seconds)


@shared_task(ignore_result=True)
def referral_clock() -> dict:
    """Periodic: reminders at 75 % and overdue notices at 100 % of the referral SLA.

    Stays one task, not a fan-out (core.fanout): referrals live in the public schema, and the
    sweep is one index-only scan of `inbox_referral_clock` across the regency; split per
    instansi it would be a thousand scans of the same index for the same rows.
    """
    from .services import referral_clock_tick

    return referral_clock_tick()
