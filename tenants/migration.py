"""`migrate_schemas` over schemas that have nothing to apply costs one query, not a pass each.

django-tenants runs Django's `migrate` in every instansi schema in turn, even when there is
nothing to apply: the system checks, the migration loader and the post-migrate signal
(content types and permissions, about 120 queries) on a fresh connection per schema, which
is about a second a schema at 1,000 instansi and twenty minutes for a deploy with no
migration (benchmarks/RESULTS.md, Growth). The executor here (settings.GET_EXECUTOR_FUNCTION)
first asks PostgreSQL which schemas already record every migration on disk and hands only the
others to django-tenants' executor.

A schema is skipped only when its `django_migrations` holds every migration of the graph
(built against the public schema, which is migrated first): a schema whose history differs in
any way (a squashed migration recorded under other names, a missing table) is migrated as
before. Anything but a plain "bring every schema up to date" (a named schema, an app label or
a target migration, --fake, --plan, --check, --prune, --run-syncdb) goes through unchanged,
and so does everything when the check itself fails.
"""

import logging
import sys
from functools import cache

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger("simpul.tenants")

CHUNK = 200
# Options that ask for something other than "apply what is missing everywhere".
_SPECIAL_OPTIONS = (
    "app_label",
    "migration_name",
    "schema_name",
    "fake",
    "fake_initial",
    "plan",
    "prune",
    "check_unapplied",
    "run_syncdb",
)


def schemas_to_migrate(schemas, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The given schemas less those that already record every migration on disk (the public
    schema is always kept). On a database error, all of them."""
    public = get_public_schema_name()
    schemas = list(schemas)
    candidates = sorted({schema for schema in schemas if schema != public})
    if not candidates:
        return schemas
    connection = connections[using]
    try:
        connection.set_schema_to_public()
        graph = MigrationLoader(connection).graph
        needed = sorted(f"{app}.{name}" for app, name in graph.nodes)
        up_to_date: set[str] = set()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' "
                "AND n.nspname = ANY(%s)",
                [candidates],
            )
            with_table = sorted(row[0] for row in cursor.fetchall())
            quote = connection.ops.quote_name
            for start in range(0, len(with_table), CHUNK):
                chunk = with_table[start : start + CHUNK]
                # schema names read from pg_namespace above, quoted as identifiers
                counts = " UNION ALL ".join(
                    f"SELECT %s, count(DISTINCT m.app || '.' || m.name) "  # noqa: S608
                    f"FROM {quote(schema)}.django_migrations m "
                    f"WHERE m.app || '.' || m.name IN (SELECT key FROM needed)"
                    for schema in chunk
                )
                cursor.execute(
                    f"WITH needed(key) AS (SELECT unnest(%s::text[])) {counts}",
                    [needed, *chunk],
                )
                up_to_date.update(
                    schema for schema, count in cursor.fetchall() if count == len(needed)
                )
    except DatabaseError:
        logger.exception("migration check failed: every schema is migrated")
        return schemas
    return [schema for schema in schemas if schema not in up_to_date]


@cache
def _skipping(base: type) -> type:
    class SkipUpToDate(base):
        """django-tenants' executor of the same codename, given only the schemas to migrate."""

        def run_migrations(self, tenants=None):
            tenants = list(tenants or [])
            if tenants and not any(self.options.get(name) for name in _SPECIAL_OPTIONS):
                todo = schemas_to_migrate(
                    tenants, using=self.options.get("database") or DEFAULT_DB_ALIAS
                )
                skipped = len(tenants) - len(todo)
                if skipped and int(self.options.get("verbosity", 1)) >= 1:
                    sys.stdout.write(
                        f"{skipped} schema(s) already up to date; migrating {len(todo)}\n"
                    )
                tenants = todo
            return super().run_migrations(tenants=tenants)

    SkipUpToDate.__name__ = f"SkipUpToDate{base.__name__}"
    return SkipUpToDate


def executor(codename=None) -> type:
    """settings.GET_EXECUTOR_FUNCTION: django-tenants' executor, skipping up-to-date schemas."""
    return _skipping(get_executor(codename))
