"""`migrate_schemas` hands django-tenants only the schemas that miss a migration
(tenants/migration.py): an up-to-date schema costs nothing, a schema missing one is migrated."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from tenants.migration import executor, schemas_to_migrate

pytestmark = pytest.mark.django_db


def _forget_newest_migration(schema: str) -> None:
    """Make a schema look as if its newest recorded migration had not been applied (the test's
    transaction puts the row back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema}".django_migrations '  # noqa: S608 - a fixed test schema
            f'WHERE id = (SELECT max(id) FROM "{schema}".django_migrations)'
        )
        assert cursor.rowcount == 1


def test_schemas_with_every_migration_are_left_out_and_public_kept():
    assert schemas_to_migrate(["public", "humas", "dinkes"]) == ["public"]


def test_a_schema_missing_one_migration_is_migrated():
    _forget_newest_migration("dinkes")
    assert schemas_to_migrate(["public", "humas", "dinkes"]) == ["public", "dinkes"]
    assert schemas_to_migrate(["humas", "dinkes"]) == ["dinkes"]


def test_a_schema_without_a_migration_table_is_migrated():
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "uji_kosong"')
    assert schemas_to_migrate(["humas", "uji_kosong"]) == ["uji_kosong"]


def test_a_failed_check_migrates_every_schema(monkeypatch):
    def broken(*args, **kwargs):
        from django.db import DatabaseError

        raise DatabaseError("katalog tidak terbaca")

    monkeypatch.setattr("tenants.migration.MigrationLoader", broken)
    assert schemas_to_migrate(["humas", "dinkes"]) == ["humas", "dinkes"]


class _Recording:
    """Stands in for django-tenants' executor: records the schemas it is handed."""

    codename = "uji"
    handed: list = []

    def __init__(self, args, options):
        self.args, self.options = args, options

    def run_migrations(self, tenants=None):
        _Recording.handed = list(tenants)


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setattr("tenants.migration.get_executor", lambda codename=None: _Recording)
    _Recording.handed = []
    return _Recording


def test_the_executor_hands_over_only_what_needs_migrating(recording):
    _forget_newest_migration("humas")
    run = executor("uji")(args=[], options={"verbosity": 0})
    run.run_migrations(tenants=["humas", "dinkes"])
    assert recording.handed == ["humas"]


@pytest.mark.parametrize(
    "option", ["schema_name", "app_label", "migration_name", "fake", "plan", "check_unapplied"]
)
def test_a_special_request_goes_through_unchanged(recording, option):
    run = executor("uji")(args=[], options={"verbosity": 0, option: "x"})
    run.run_migrations(tenants=["humas", "dinkes"])
    assert recording.handed == ["humas", "dinkes"]


def test_migrate_schemas_with_nothing_to_apply_migrates_no_instansi_schema(capsys):
    from tenants.models import Instansi

    call_command("migrate_schemas", "--noinput", "--executor=standard", stdout=io.StringIO())
    schemas = Instansi.objects.exclude(schema_name="public").count()
    assert schemas >= 2
    assert f"{schemas} schema(s) already up to date; migrating 0" in capsys.readouterr().out
