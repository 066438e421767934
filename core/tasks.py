"""Celery tasks of the kernel: deliver one outbox message, sweep the undelivered ones, and run
one chunk of a per-instansi fan-out (core.fanout)."""

from celery import shared_task


@shared_task(
    bind=True,
    max_retries=5,
    default_retry_delay=30,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def deliver_outbox_message(self, message_id: int) -> bool:
    """Deliver one outbox row; idempotent (a row already sent is skipped)."""
    from .outbox import outbox_deliver, outbox_retry_in

    try:
        sent = outbox_deliver(message_id=message_id)
    except Exception as exc:  # noqa: BLE001 - mail server trouble: retry, then the sweeper
        raise self.retry(exc=exc) from exc
    wait = None if sent else outbox_retry_in(message_id)
    if wait is not None:
        # Claimed by a worker that may have died mid-send: try again once its claim runs out.
        raise self.retry(countdown=wait + 1)
    return sent


@shared_task(ignore_result=True)
def sweep_outbox(older_than_seconds: int = 60) -> int:
    """Periodic: send every message the queue lost or the mail server refused.

    Stays one task, not a fan-out (core.fanout): the outbox of every app and instansi is one
    public-schema table read by one query, and each message is delivered on its own.
    """
    from .outbox import outbox_sweep

    return outbox_sweep(older_than_seconds=older_than_seconds)


@shared_task
def run_for_schemas(task_name: str, schema_names: list[str]) -> dict[str, str]:
    """One chunk of a fan-out (core.fanout): run a per-instansi task for each schema in turn.

    One failing schema is logged and does not stop the others; each outcome is returned.
    """
    import logging

    from celery import current_app

    task = current_app.tasks[task_name]
    outcomes = {}
    for schema_name in schema_names:
        try:
            task.run(schema_name)
        except Exception:  # noqa: BLE001 - one broken schema must not stop the others
            logging.getLogger("simpul.fanout").exception("%s failed for %s", task_name, schema_name)
            outcomes[schema_name] = "gagal"
        else:
            outcomes[schema_name] = "ok"
    return outcomes
