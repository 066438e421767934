"""Fan periodic work that spans tenants out into one small task per instansi (or per chunk).

A periodic task that loops over every schema makes the slowest schema everybody's delay and keeps
the other workers idle. `fan_out` sends the per-instansi task once per schema instead, each
message spread over part of the period (its `countdown`) so a thousand do not start in the same
second. The per-instansi task takes the schema name as its one argument, runs inside that schema
and is idempotent: a message that runs twice, or late, does no harm. With `chunk=N`, N schemas
share one message (`core.tasks.run_for_schemas`), for work so small that a message per schema
would cost more than the work itself; inside a chunk one failing schema does not stop the rest.
A chunk calls the task's body in-process (`task.run(schema_name)`), so a task fanned out in
chunks is not bound (`bind=True`) and sets its schema itself (`schema_context`).

The kernel imports no app: the caller passes its task in.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from celery import group
from celery.result import GroupResult

from .tasks import run_for_schemas

PUBLIC_SCHEMA = "public"


def _batches(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def fan_out(
    task: Any,
    *,
    schemas: Iterable[str],
    chunk: int = 1,
    spread_seconds: float = 0.0,
    options: dict[str, Any] | None = None,
) -> GroupResult:
    """Send `task(schema_name)` for every schema; the messages' results, one per message.

    Message i of n waits `spread_seconds * i / n` seconds. `options` go to every
    `apply_async` (a queue, say). Raises when the broker cannot be reached: the caller is a
    periodic task, and the next period sends everything again.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    names = list(dict.fromkeys(schemas))  # one message per schema, even if listed twice
    if not names:
        return GroupResult(results=[])
    extra = dict(options or {})
    if chunk == 1:
        batches: list[list[str]] = [[name] for name in names]
    else:
        batches = _batches(names, chunk)
    count = len(batches)
    signatures = []
    for i, batch in enumerate(batches):
        countdown = round(spread_seconds * i / count, 3)
        if chunk == 1:
            # tenant-schemas-celery switches the worker to the schema named in this header.
            signatures.append(
                task.signature(
                    args=(batch[0],),
                    headers={"_schema_name": batch[0]},
                    countdown=countdown,
                    **extra,
                )
            )
        else:
            signatures.append(
                run_for_schemas.signature(
                    args=(task.name, batch),
                    headers={"_schema_name": PUBLIC_SCHEMA},
                    countdown=countdown,
                    **extra,
                )
            )
    # One group: every message goes out over one producer connection.
    return group(signatures).apply_async(retry=False)
