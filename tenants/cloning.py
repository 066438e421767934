"""Clone the template schema by replaying its `pg_dump` under the new schema's name.

django-tenants' clone function reads `information_schema` views table by table; those views
scan the catalogue of every schema in the database, so each new instansi cost more than the
last (1 s for the first, 9 s with 50 instansi, measured in benchmarks/provisioning.py). A
dump of the template alone (tenants.template_sql: taken once per template state, shared by
every process) replayed on the caller's connection, so inside the provisioning transaction,
costs the same however many instansi exist.
"""

import re

from django.db import connection
from django_tenants.clone import CloneSchema

from .template_sql import template_sql

# Session settings pg_dump writes at the top (search_path, timeouts...) and psql meta-commands
# (`\restrict`): the replay runs on the application's own connection, which keeps its own.
_SESSION_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config\(|\\)", re.M)


def clone_template(template: str, schema_name: str, clone_mode: str = "DATA") -> None:
    """Create `schema_name` as a copy of `template` on the current connection and transaction."""
    sql = template_sql(template, "clone")
    if sql is None:
        # No pg_dump on this machine: django-tenants' own clone function does the same, slower.
        CloneSchema().clone_schema(template, schema_name, clone_mode)
        return
    statements = "\n".join(line for line in sql.splitlines() if not _SESSION_LINE.match(line))
    statements = re.sub(rf"\b{re.escape(template)}\b", schema_name, statements)
    with connection.cursor() as cursor:
        cursor.execute(statements)
    connection.set_schema_to_public()
