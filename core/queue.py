"""Queue side effects after commit, without ever letting a broker outage fail the request.

Effects queued here must be idempotent and have a sweeper that re-sends what was not
delivered (a notification row with `sent_at` empty, say): if Redis is down when the transaction
commits, the send is logged and skipped, and the sweeper catches it up when Redis is back.
"""

import logging
from typing import Any

from django.db import connection, transaction
from django_tenants.utils import schema_context

logger = logging.getLogger("simpul.queue")


def send_task_safely(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Send a Celery task now; return False (and log) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure must not reach the caller
        logger.warning("broker unreachable, %s left for the sweeper", getattr(task, "name", task))
        return False
    return True


def send_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send a Celery task once the current transaction commits (in the current schema)."""
    schema = connection.schema_name

    def _send() -> None:
        with schema_context(schema):
            send_task_safely(task, *args, **kwargs)

    transaction.on_commit(_send)
