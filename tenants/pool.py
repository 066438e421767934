"""Spare instansi schemas made ahead from the template, handed out by `ALTER SCHEMA … RENAME`.

Cloning the template and building the site's pages and groups are most of what a new instansi
costs (benchmarks/provisioning_pool.py). A spare is cloned and then given every provisioning
step's `prepare` half (core.steps: pages, groups, permissions, the same for every instansi) in
the background, so a new instansi only renames it (a few milliseconds) and runs the steps' `run`
halves: its name, host and admin. Spares are schemas named `simpul_spare_<hex>` with no Instansi
row: they are never served, `migrate_schemas` never sees them, and no slug can take their name
(slugs have no underscore).

The template-lag rule holds for spares too: a spare is a copy of the template's
`django_migrations` as it was when the spare was made, so a spare that lacks a migration the
template has since received (after `migrate_schemas`) is dropped, never handed out. Likewise a
spare prepared by other code: the schema's comment records a fingerprint of the `prepare` steps
(their names, order and modules' source) that made it, and a spare whose fingerprint is not this
code's is dropped (a deploy that changed a step). The refill task
(tenants.tasks.refill_spare_schemas, after each hand-out and on beat) drops stale spares and
makes new ones up to SIMPUL_SPARE_SCHEMAS.
"""

import hashlib
import inspect
import logging
import secrets
import sys
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_context

from core.steps import provisioning_steps

from .cloning import clone_template
from .provisioning import prepare_steps
from .template_sql import forget_template_sql

logger = logging.getLogger("simpul.tenants")

PREFIX = "simpul_spare_"
# Serialises refills (two workers refilling at once would overshoot the pool's size).
_REFILL_LOCK = 7_263_002
_SPARE_LOCK = 7_263_003  # with hashtext(spare name): one spare's claim


def pool_size() -> int:
    return getattr(settings, "SIMPUL_SPARE_SCHEMAS", 2)


def spare_list() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY nspname",
            [PREFIX],
        )
        return [name for (name,) in cursor.fetchall()]


def _migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608 - a name from the catalogue or settings
        return set(cursor.fetchall())


def _missing_migrations(schema: str, template: str) -> int:
    """How many migrations the template has that `schema` lacks (0: the spare is current).

    Two queries, one per schema: one query over two instansi-like schemas could not run on
    one Citus node once the spares are distributed (tests/scale/test_citus_ready.py).
    """
    return len(_migrations(template) - _migrations(schema))


@cache
def preparation_mark() -> str:
    """What a spare prepared by this code records: a digest of the `prepare` steps' names, order
    and source (each step's whole module, so a changed constant or helper counts too)."""
    digest = hashlib.sha256()
    for step in provisioning_steps:
        if step.prepare is None:
            continue
        module = sys.modules[step.prepare.__module__]
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):  # no source shipped: the compiled code stands in
            source = repr(step.prepare.__code__.co_code)
        digest.update(f"{step.order}:{step.name}\n".encode())
        digest.update(source.encode())
    return f"simpul-spare:{digest.hexdigest()[:32]}"


def _mark(schema: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            [schema],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _stale(spare: str, template: str) -> str:
    """Why `spare` must not be handed out ("" when it is current)."""
    if _missing_migrations(spare, template):
        return "lags the template's migrations"
    if _mark(spare) != preparation_mark():
        return "was prepared by other provisioning steps"
    return ""


def _drop(schema: str) -> None:
    with connection.cursor() as cursor:
        # Rows written into the spare earlier in this same transaction (a spare made and then
        # dropped in one transaction, as tests do) leave deferred foreign-key checks pending,
        # which forbid the DROP: run the checks of this schema's constraints now.
        cursor.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.conname) FROM pg_constraint c"
            " JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE n.nspname = %s AND c.condeferrable",
            [schema],
        )
        deferrable = [name for (name,) in cursor.fetchall()]
        if deferrable:
            cursor.execute(f"SET CONSTRAINTS {', '.join(deferrable)} IMMEDIATE")
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _lock_spare(schema: str) -> bool:
    """This transaction's claim on one spare (catalogue rows cannot be locked FOR UPDATE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", [_SPARE_LOCK, schema])
        return cursor.fetchone()[0]


def spare_take(schema_name: str) -> bool:
    """Rename a current spare to `schema_name`; drop stale spares met on the way.

    Runs in the caller's transaction (provisioning's, under its advisory lock): a rollback
    puts the spare back. False when no current spare is left (the caller clones as before).
    """
    template = settings.SIMPUL_TEMPLATE_SCHEMA
    for spare in spare_list():
        if not _lock_spare(spare):
            continue  # a refill is dropping it right now
        stale = _stale(spare, template)
        if stale:
            logger.info("spare schema %s %s: dropped", spare, stale)
            _drop(spare)
            continue
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER SCHEMA "{spare}" RENAME TO "{schema_name}"')
            cursor.execute(f'COMMENT ON SCHEMA "{schema_name}" IS NULL')
        return True
    return False


def spare_refill(size: int | None = None) -> list[str]:
    """Drop stale spares and make new ones until `size` current spares exist; the new names.

    Each new spare is cloned and prepared in a transaction of its own: an interrupted refill
    leaves no half-prepared spare behind."""
    size = pool_size() if size is None else size
    template = settings.SIMPUL_TEMPLATE_SCHEMA
    made: list[str] = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_REFILL_LOCK])
            if not cursor.fetchone()[0]:
                return made  # another refill is at it
        current = []
        for spare in spare_list():
            if not _lock_spare(spare):
                continue  # being handed out
            if _stale(spare, template):
                _drop(spare)
            else:
                current.append(spare)
    retried = False
    while len(current) + len(made) < size:
        name = f"{PREFIX}{secrets.token_hex(6)}"
        with transaction.atomic():
            clone_template(template, name)
            if _missing_migrations(name, template):
                # This process's cached dump predates a migration of the template.
                transaction.set_rollback(True)
                if retried:
                    raise RuntimeError(f"a fresh clone of {template} lags the template")
                forget_template_sql()
                retried = True
                continue
            with schema_context(name):
                prepare_steps()
            with connection.cursor() as cursor:
                cursor.execute(f'COMMENT ON SCHEMA "{name}" IS %s', [preparation_mark()])
        made.append(name)
        if not connection.in_atomic_block:
            # A backend keeps the catalogue entries of every table it created: one that made
            # 800 schemas held 647 MiB and took 6 s a clone where a fresh one took 2 s
            # (benchmarks/RESULTS.md, Growth). The next spare starts on a fresh connection.
            connection.close()
    return made


def spare_discard_all() -> int:
    """Drop every spare (tests, or before an operation that must see no stray schema)."""
    spares = spare_list()
    for spare in spares:
        _drop(spare)
    return len(spares)
