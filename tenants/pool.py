"""Spare instansi schemas cloned ahead from the template, handed out by `ALTER SCHEMA … RENAME`.

Cloning the template is most of what a new instansi costs (benchmarks/provisioning_pool.py);
a spare made beforehand turns it into a rename of a few milliseconds inside the provisioning
transaction. Spares are bare schemas named `simpul_spare_<hex>` with no Instansi row: they are
never served, `migrate_schemas` never sees them, and no slug can take their name (slugs have no
underscore).

The template-lag rule holds for spares too: a spare is a copy of the template's
`django_migrations` as it was when the spare was made, so a spare that lacks a migration the
template has since received (after `migrate_schemas`) is dropped, never handed out. The refill
task (tenants.tasks.refill_spare_schemas, after each hand-out and on beat) drops stale spares
and clones new ones up to SIMPUL_SPARE_SCHEMAS.
"""

import logging
import secrets

from django.conf import settings
from django.db import connection, transaction

from .cloning import clone_template, forget_template_dump

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


def _drop(schema: str) -> None:
    with connection.cursor() as cursor:
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
        if _missing_migrations(spare, template):
            logger.info("spare schema %s lags the template: dropped", spare)
            _drop(spare)
            continue
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER SCHEMA "{spare}" RENAME TO "{schema_name}"')
        return True
    return False


def spare_refill(size: int | None = None) -> list[str]:
    """Drop stale spares and clone new ones until `size` current spares exist; the new names."""
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
            if _missing_migrations(spare, template):
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
                forget_template_dump()
                retried = True
                continue
        made.append(name)
    return made


def spare_discard_all() -> int:
    """Drop every spare (tests, or before an operation that must see no stray schema)."""
    spares = spare_list()
    for spare in spares:
        _drop(spare)
    return len(spares)
