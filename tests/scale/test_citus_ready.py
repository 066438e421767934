"""Every instansi schema can be distributed by Citus' schema-based sharding as it is.

Citus 12 (`citus.enable_schema_based_sharding`, `citus_schema_distribute`) moves a whole schema
to one worker node as a group of co-located single-shard tables. That works only if the schema
is self-contained: its tables may reference (by foreign key, view, column default, trigger or
column type) objects of their own schema, of PostgreSQL itself, of extensions, and of the few
shared tables that become Citus *reference tables* (copied to every node) — nothing else in the
public schema (it stays a plain table on the coordinator) and nothing in another instansi's
schema. No public table may point into an instansi schema either (it would pin that schema to
the coordinator), and no SQL statement may name two schemas.

The checks read the catalogue of the provisioned test regency (instansi schemas and the clone
template), the ORM's relations, and the project's raw SQL; each failure names the table and
column. deploy/README.md ("Past one PostgreSQL node: Citus") gives the procedure.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from tests.conftest import ROOT

# Shared (public) tables that become Citus reference tables, with the reason. A table may be
# here only if it is small and read-mostly: every write to a reference table is a distributed
# write to all nodes. Instansi and Domain are read on every request (host → schema) and change
# only when an instansi is provisioned, archived or given a domain: hundreds of rows.
REFERENCE_TABLES = {
    "tenants_instansi": "the tenant row: joined or referenced by anything naming its instansi",
    "tenants_domain": "host → instansi lookup on every request, written only at provisioning",
}
# Files allowed to hold SQL over two schemas in one statement, with the reason (none today).
QUALIFIED_SQL_ALLOWED: dict[str, str] = {}
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

pytestmark = pytest.mark.django_db


def _tenant_schemas() -> list[str]:
    from tenants.models import Instansi

    schemas = sorted(Instansi.objects.values_list("schema_name", flat=True))
    assert settings.SIMPUL_TEMPLATE_SCHEMA in schemas and "humas" in schemas, schemas
    return schemas


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


FOREIGN_KEYS = """
SELECT src_ns.nspname, src.relname,
       (SELECT string_agg(a.attname, ', ') FROM unnest(con.conkey) k
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k),
       dst_ns.nspname, dst.relname, con.conname
  FROM pg_constraint con
  JOIN pg_class src ON src.oid = con.conrelid
  JOIN pg_namespace src_ns ON src_ns.oid = src.relnamespace
  JOIN pg_class dst ON dst.oid = con.confrelid
  JOIN pg_namespace dst_ns ON dst_ns.oid = dst.relnamespace
 WHERE con.contype = 'f' AND src_ns.nspname <> dst_ns.nspname
"""


def test_no_foreign_key_leaves_an_instansi_schema_except_to_reference_tables():
    tenant_schemas = set(_tenant_schemas())
    blocking = []
    for src_schema, table, columns, dst_schema, dst_table, name in _rows(FOREIGN_KEYS):
        if src_schema in tenant_schemas:
            if dst_schema == "public" and dst_table in REFERENCE_TABLES:
                continue
            blocking.append(
                f"{src_schema}.{table}({columns}) → {dst_schema}.{dst_table} [{name}]: an "
                "instansi table references a table outside its schema that is not a "
                "reference table"
            )
        elif dst_schema in tenant_schemas:
            blocking.append(
                f"{src_schema}.{table}({columns}) → {dst_schema}.{dst_table} [{name}]: a "
                "shared table references an instansi schema"
            )
    assert not blocking, "\n".join(blocking)


# Every dependency (view query, column default, trigger function, column type, constraint)
# of an object inside `schema` on a table, function or type of another user schema that an
# extension does not own. pg_depend's 'n'ormal and 'a'uto entries are the references.
OUTSIDE_DEPENDENCIES = """
WITH dep AS (
  SELECT d.*,
    CASE d.classid
      WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)
      WHEN 'pg_rewrite'::regclass THEN (SELECT c.relnamespace FROM pg_rewrite r
                                          JOIN pg_class c ON c.oid = r.ev_class
                                         WHERE r.oid = d.objid)
      WHEN 'pg_attrdef'::regclass THEN (SELECT c.relnamespace FROM pg_attrdef ad
                                          JOIN pg_class c ON c.oid = ad.adrelid
                                         WHERE ad.oid = d.objid)
      WHEN 'pg_trigger'::regclass THEN (SELECT c.relnamespace FROM pg_trigger t
                                          JOIN pg_class c ON c.oid = t.tgrelid
                                         WHERE t.oid = d.objid)
      WHEN 'pg_constraint'::regclass THEN (SELECT connamespace FROM pg_constraint
                                            WHERE oid = d.objid)
      WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)
      WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objid)
    END AS from_ns,
    CASE d.refclassid
      WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.refobjid)
      WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.refobjid)
      WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.refobjid)
    END AS to_ns
  FROM pg_depend d
  WHERE d.deptype IN ('n', 'a')
)
SELECT pg_describe_object(dep.classid, dep.objid, dep.objsubid),
       pg_describe_object(dep.refclassid, dep.refobjid, dep.refobjsubid),
       to_ns::regnamespace::text,
       CASE WHEN dep.refclassid = 'pg_class'::regclass
            THEN (SELECT relname FROM pg_class WHERE oid = COALESCE(
                    (SELECT indrelid FROM pg_index WHERE indexrelid = dep.refobjid),
                    dep.refobjid)) END
  FROM dep
 WHERE dep.from_ns = %s::regnamespace
   AND dep.to_ns IS NOT NULL AND dep.to_ns <> dep.from_ns
   AND dep.to_ns::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = dep.refclassid AND e.objid = dep.refobjid
                      AND e.deptype = 'e')
"""


def test_nothing_in_an_instansi_schema_depends_on_another_schema():
    blocking = []
    for schema in _tenant_schemas():
        for what, on, on_schema, on_table in _rows(OUTSIDE_DEPENDENCIES, [schema]):
            if on_schema == "public" and on_table in REFERENCE_TABLES:
                continue
            blocking.append(f"{schema}: {what} depends on {on} (schema {on_schema})")
    assert not blocking, "\n".join(blocking)


def test_every_instansi_schema_has_the_same_tables_as_the_template():
    """A schema distributed at provisioning is the template's copy: nothing added on the side."""
    tables = {
        schema: set(tables)
        for schema, tables in _rows(
            "SELECT n.nspname, array_agg(c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(%s) GROUP BY n.nspname",
            [_tenant_schemas()],
        )
    }
    template = tables.pop(settings.SIMPUL_TEMPLATE_SCHEMA)
    for schema, own in tables.items():
        assert own == template, (schema, sorted(own ^ template))


def _app_labels(app_names: list[str]) -> set[str]:
    return {cfg.label for cfg in apps.get_app_configs() if cfg.name in app_names}


def test_orm_relations_of_tenant_models_stay_in_the_schema_or_reach_reference_tables():
    tenant_labels = _app_labels(settings.TENANT_APPS)
    shared_only = _app_labels(settings.SHARED_APPS) - tenant_labels
    blocking = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.app_label
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            target = field.related_model._meta
            where = f"{model._meta.db_table}.{getattr(field, 'column', None) or field.name}"
            if label in tenant_labels and label not in shared_only:
                if target.app_label in tenant_labels or target.db_table in REFERENCE_TABLES:
                    continue
                blocking.append(
                    f"{where} → {target.db_table}: a tenant model points at a shared table "
                    "that is not a reference table"
                )
            elif label in shared_only and target.app_label not in shared_only:
                if target.app_label in _app_labels(settings.SHARED_APPS):
                    continue  # auth/contenttypes: the public schema has its own copy
                blocking.append(
                    f"{where} → {target.db_table}: a shared model points into instansi schemas"
                )
    assert not blocking, "\n".join(blocking)


def test_reference_tables_are_shared_tables_that_exist_in_public():
    public = {
        name
        for (name,) in _rows(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )
    }
    shared_tables = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in _app_labels(settings.SHARED_APPS)
    }
    for table in REFERENCE_TABLES:
        assert table in public and table in shared_tables, table


# A schema-qualified name in SQL text: "{schema}".table (an f-string placeholder as schema).
QUALIFIED = re.compile(r'\\?"\{([^}]+)\}\\?"\s*\.')


def _sql_naming_two_schemas(path: Path) -> list[tuple[int, str]]:
    """f-strings (one literal, implicit concatenation included) that qualify tables with two
    different schema placeholders: one query over two schemas."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.JoinedStr):
            schemas = set(QUALIFIED.findall(ast.unparse(node)))
            if len(schemas) > 1:
                found.append((node.lineno, ", ".join(sorted(schemas))))
    return found


def test_no_raw_sql_names_two_schemas():
    """One query naming two schemas could need two Citus nodes at once (a cross-node join)."""
    found = []
    for folder in ("tenants", "cms", "sop", "inbox", "evaluation", "platform", "core"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if "/migrations/" in relative or relative in QUALIFIED_SQL_ALLOWED:
                continue
            for line, schemas in _sql_naming_two_schemas(path):
                found.append(f"{relative}:{line}: one statement over schemas {schemas}")
    assert not found, "\n".join(found)


def test_the_two_schema_check_finds_such_sql(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(cursor, a, b):\n"
        "    cursor.execute(\n"
        "        f'SELECT x FROM \"{a}\".t '\n"
        "        f'EXCEPT SELECT x FROM \"{b}\".t'\n"
        "    )\n"
        "    cursor.execute(f'SELECT x FROM \"{a}\".t')\n"
    )
    assert _sql_naming_two_schemas(sample) == [(3, "a, b")]
