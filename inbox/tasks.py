"""Celery tasks of the inbox: tick the referral clock, forget expired Idempotency-Key answers.

The inbox's notices are delivered and retried by the kernel's outbox (`core.tasks`), like
every other app's mail. Tasks import the services inside the function (the services import
this module at load).
"""

from celery import shared_task


@shared_task(ignore_result=True)
def referral_clock() -> dict:
    """Periodic: reminders at 75 % and overdue notices at 100 % of the referral SLA.

    Stays one task, not a fan-out (core.fanout): referrals live in the public schema, and the
    sweep is one index-only scan of `inbox_referral_clock` across the regency; split per
    instansi it would be a thousand scans of the same index for the same rows.
    """
    from .services import referral_clock_tick

    return referral_clock_tick()


@shared_task(ignore_result=True)
def delete_expired_idempotency_keys() -> int:
    """Periodic: forget the stored answers to Idempotency-Key requests past their keep time;
    how many were deleted. One public-schema delete, so not a fan-out."""
    from .services import idempotency_records_delete_expired

    return idempotency_records_delete_expired()
