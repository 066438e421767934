"""Clone the template schema by replaying its `pg_dump` under the new schema's name.

django-tenants' clone function reads `information_schema` views table by table; those views
scan the catalogue of every schema in the database, so each new instansi cost more than the
last (1 s for the first, 9 s with 50 instansi, measured in benchmarks/provisioning.py). A
dump of the template alone, taken once per process and replayed on the caller's connection
(so inside the provisioning transaction), costs the same however many instansi exist.
"""

import os
import re
import shutil
import subprocess
import threading

from django.conf import settings
from django.db import connection
from django_tenants.clone import CloneSchema

_lock = threading.Lock()
_dumps: dict[tuple[str, str], str] = {}
# Session settings pg_dump writes at the top (search_path, timeouts...) and psql meta-commands
# (`\restrict`): the replay runs on the application's own connection, which keeps its own.
_SESSION_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config\(|\\)", re.M)
_PLACEHOLDER = "__simpul_new_schema__"


def _template_dump(template: str) -> str | None:
    """The template's DDL and rows as SQL with the schema name replaced by a placeholder."""
    db = settings.DATABASES["default"]
    key = (db["NAME"], template)
    with _lock:
        if key in _dumps:
            return _dumps[key]
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            return None
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
                "--inserts",
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
            timeout=60,
        )
        if result.returncode != 0:
            return None
        sql = "\n".join(
            line for line in result.stdout.splitlines() if not _SESSION_LINE.match(line)
        )
        sql = re.sub(rf"\b{re.escape(template)}\b", _PLACEHOLDER, sql)
        _dumps[key] = sql
        return sql


def forget_template_dump() -> None:
    """Drop cached dumps (after the template changed within this process, e.g. in tests)."""
    with _lock:
        _dumps.clear()


def clone_template(template: str, schema_name: str, clone_mode: str = "DATA") -> None:
    """Create `schema_name` as a copy of `template` on the current connection and transaction."""
    sql = _template_dump(template)
    if sql is None:
        # No pg_dump on this machine: django-tenants' own clone function does the same, slower.
        CloneSchema().clone_schema(template, schema_name, clone_mode)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql.replace(_PLACEHOLDER, schema_name))
    connection.set_schema_to_public()
