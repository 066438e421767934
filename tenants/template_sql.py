"""The template schema as SQL (`pg_dump` of it alone), taken once and shared by every process.

Cloning replays the template's whole dump under a new schema name (tenants.cloning), and a
backup writes the template's DDL around an instansi's own rows (tenants.backup). `pg_dump`
reads the catalogue of every schema before it picks one: 0.3 s with 10 instansi, 5.9 s with
1,000 (benchmarks/RESULTS.md, Growth). So the dump is taken once per template state and kept
in this process and in the regency cache (Redis), where every other process finds it.

A template state is the template schema's identity (its namespace oid: a template dropped and
made again is another one) and the migrations it records. The template only changes by
migrations (the template-lag rule: tenants.services), so a dump stays right for as long as that
state holds. A dump whose own `django_migrations` rows are not the state it was asked under
(another transaction's migration not yet committed) is used but never shared.
"""

import hashlib
import logging
import os
import re
import shutil
import subprocess
import threading

from django.conf import settings
from django.core.cache import caches
from django.db import connection

logger = logging.getLogger("simpul.tenants")

# What `pg_dump` is asked for, by part: the clone's whole schema with rows as INSERTs (replayed
# statement by statement on the caller's connection), and a backup's DDL before and after the
# rows, every identifier quoted so the schema name can be rewritten safely.
PARTS = {
    "clone": ["--inserts"],
    "pre-data": ["--section=pre-data", "--quote-all-identifiers"],
    "post-data": ["--section=post-data", "--quote-all-identifiers"],
}
CACHE_SECONDS = 7 * 24 * 3600
_lock = threading.Lock()
_local: dict[str, str] = {}


def _cache():
    return caches["regency"]


def template_state(template: str) -> str:
    """A digest of the template's identity and recorded migrations (one catalogue lookup and
    one small query, whatever the number of instansi)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [template])
        row = cursor.fetchone()
        if row is None:
            return ""
        cursor.execute(f'SELECT app, name FROM "{template}".django_migrations ORDER BY app, name')  # noqa: S608 - the template's name from settings
        migrations = cursor.fetchall()
    digest = hashlib.sha256(f"{row[0]}\n".encode())
    for app, name in migrations:
        digest.update(f"{app}.{name}\n".encode())
    return f"{digest.hexdigest()[:24]}:{len(migrations)}"


def _key(template: str, part: str, state: str) -> str:
    return f"template-sql:{connection.settings_dict['NAME']}:{template}:{part}:{state}"


def _pg_dump(template: str, part: str) -> str | None:
    """`pg_dump` of the template schema alone (None where pg_dump is missing or fails)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            pg_dump,
            "--schema",
            template,
            "--no-owner",
            "--no-privileges",
            *PARTS[part],
            "--host",
            db.get("HOST") or "127.0.0.1",
            "--port",
            str(db.get("PORT") or 5432),
            "--username",
            db.get("USER") or "postgres",
            db["NAME"],
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        logger.warning("pg_dump of %s failed: %s", template, result.stderr.strip()[:200])
        return None
    return result.stdout


def _records_state(sql: str, template: str, state: str) -> bool:
    """Whether a clone dump holds as many migration rows as `state` counts (DDL parts hold none:
    their state is the migrations the caller saw, which is what made their DDL)."""
    count = int(state.rsplit(":", 1)[1])
    marker = f"INSERT INTO {template}.django_migrations "
    return sql.count(marker) == count


def template_sql(template: str, part: str) -> str | None:
    """The SQL of `part` ("clone", "pre-data" or "post-data") of the template as it is now."""
    state = template_state(template)
    if not state:
        return None
    key = _key(template, part, state)
    with _lock:
        if key in _local:
            return _local[key]
        sql = _cache().get(key)
        if sql is None:
            sql = _pg_dump(template, part)
            if sql is None:
                return None
            if part != "clone" or _records_state(sql, template, state):
                _cache().set(key, sql, CACHE_SECONDS)
                _local[key] = sql
            # else: taken while another transaction's migration was not committed: used once.
        else:
            _local[key] = sql
        return sql


def forget_template_sql() -> None:
    """Drop the dumps this process keeps, and the shared ones of the template as it is now
    (after the template changed within one transaction, e.g. in tests)."""
    with _lock:
        _local.clear()
    template = settings.SIMPUL_TEMPLATE_SCHEMA
    state = template_state(template)
    if state:
        _cache().delete_many([_key(template, part, state) for part in PARTS])


def rename_schema(sql: str, old: str, new: str) -> str:
    """`sql` of a dump taken with every identifier quoted, moved from schema `old` to `new`:
    only qualified names (`"old".`) and `SCHEMA "old"` change, never a column or a value."""
    sql = re.sub(rf'(?<![\w"])"{re.escape(old)}"(?=\.)', f'"{new}"', sql)
    return re.sub(rf'\bSCHEMA "{re.escape(old)}"', f'SCHEMA "{new}"', sql)
