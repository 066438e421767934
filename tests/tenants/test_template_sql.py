"""The template's dump (tenants.template_sql): taken once per template state, shared by every
process through the regency cache, never shared when it does not match the state it was asked
under, and moved to another schema name without touching columns or values."""

import pytest
from django.db import connection

from tenants import template_sql as module
from tenants.template_sql import forget_template_sql, rename_schema, template_sql, template_state

pytestmark = pytest.mark.django_db
TEMPLATE = "simpul_template"


@pytest.fixture
def dumps(monkeypatch):
    """Counts pg_dump runs; each test starts with no dump kept anywhere."""
    forget_template_sql()
    calls = []
    original = module._pg_dump

    def counted(template, part):
        calls.append(part)
        return original(template, part)

    monkeypatch.setattr(module, "_pg_dump", counted)
    yield calls
    forget_template_sql()


def _another_process(monkeypatch) -> None:
    """What a fresh process has: nothing kept locally, and pg_dump must not be needed."""
    module._local.clear()

    def refuse(template, part):
        raise AssertionError("pg_dump ran although another process had dumped this state")

    monkeypatch.setattr(module, "_pg_dump", refuse)


def test_a_dump_is_taken_once_and_shared_with_other_processes(dumps, monkeypatch):
    first = template_sql(TEMPLATE, "pre-data")
    assert f'CREATE SCHEMA "{TEMPLATE}";' in first
    assert 'CREATE TABLE "simpul_template"."wagtailcore_page"' in first
    assert template_sql(TEMPLATE, "pre-data") is first
    assert dumps == ["pre-data"]
    _another_process(monkeypatch)
    assert template_sql(TEMPLATE, "pre-data") == first


def test_a_migrated_template_is_dumped_again(dumps):
    before = template_state(TEMPLATE)
    template_sql(TEMPLATE, "post-data")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TEMPLATE}.django_migrations (app, name, applied) "  # noqa: S608
            "VALUES ('tenants', '9999_templat_maju', now())"
        )
    assert template_state(TEMPLATE) != before
    template_sql(TEMPLATE, "post-data")
    assert dumps == ["post-data", "post-data"]


def test_a_clone_dump_behind_the_state_is_used_but_not_shared(dumps, monkeypatch):
    """This transaction's migration row is invisible to pg_dump's own connection: the dump
    it takes lacks it, so no other process may be handed that dump for this state."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TEMPLATE}.django_migrations (app, name, applied) "  # noqa: S608
            "VALUES ('tenants', '9999_templat_maju', now())"
        )
    sql = template_sql(TEMPLATE, "clone")
    assert "9999_templat_maju" not in sql
    key = module._key(TEMPLATE, "clone", template_state(TEMPLATE))
    assert module._cache().get(key) is None
    assert key not in module._local
    template_sql(TEMPLATE, "clone")
    assert dumps == ["clone", "clone"]


def test_a_current_clone_dump_is_shared(dumps, monkeypatch):
    sql = template_sql(TEMPLATE, "clone")
    assert f"INSERT INTO {TEMPLATE}.django_migrations VALUES" in sql
    _another_process(monkeypatch)
    assert template_sql(TEMPLATE, "clone") == sql


def test_no_template_schema_no_dump(dumps):
    assert template_sql("tidak_ada_skema", "pre-data") is None
    assert dumps == []


def test_rename_moves_qualified_names_only():
    sql = (
        'CREATE SCHEMA "lama";\n'
        'CREATE TABLE "lama"."berita" ("lama" text, "judul" text);\n'
        'ALTER TABLE "lama"."berita" ALTER COLUMN "id" SET DEFAULT nextval(\'"lama"."s"\');\n'
        "INSERT INTO x VALUES ('lama');\n"
    )
    renamed = rename_schema(sql, "lama", "baru")
    assert renamed == (
        'CREATE SCHEMA "baru";\n'
        'CREATE TABLE "baru"."berita" ("lama" text, "judul" text);\n'
        'ALTER TABLE "baru"."berita" ALTER COLUMN "id" SET DEFAULT nextval(\'"baru"."s"\');\n'
        "INSERT INTO x VALUES ('lama');\n"
    )
