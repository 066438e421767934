"""The spare-schema pool: a new instansi takes a spare by rename; a spare that lags is dropped."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context, schema_exists
from wagtail.models import Site

from tenants import models as tenant_models
from tenants import services
from tenants.pool import PREFIX, _missing_migrations, spare_discard_all, spare_list, spare_refill

pytestmark = pytest.mark.django_db
TEMPLATE = "simpul_template"


@pytest.fixture(autouse=True)
def empty_pool():
    spare_discard_all()  # inside the test's transaction: rolled back with it


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {name for (name,) in cursor.fetchall()}


def _template_moves_on() -> None:
    """The template gains a migration the spares do not have (as after migrate_schemas)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TEMPLATE}.django_migrations (app, name, applied) "  # noqa: S608
            "VALUES ('tenants', '9999_templat_maju', now())"
        )


def test_refill_makes_current_spares_up_to_the_size_and_no_instansi_rows():
    made = spare_refill(2)
    assert len(made) == 2 and spare_list() == sorted(made)
    for spare in made:
        assert spare.startswith(PREFIX)
        assert _tables(spare) == _tables(TEMPLATE)
        assert _missing_migrations(spare, TEMPLATE) == 0
    assert spare_refill(2) == []  # already full
    # Not tenants: never served, never visited by migrate_schemas.
    assert not get_tenant_model().objects.filter(schema_name__in=made).exists()


def test_provisioning_takes_a_spare_by_rename_instead_of_cloning(
    monkeypatch, django_capture_on_commit_callbacks
):
    (spare,) = spare_refill(1)
    cloned = []
    monkeypatch.setattr(tenant_models, "clone_template", lambda *a, **k: cloned.append(a))

    with django_capture_on_commit_callbacks() as callbacks:
        result = services.instansi_provision(
            slug="bapenda",
            name="Badan Pendapatan Daerah",
            admin_email="admin@bapenda.localhost",
            admin_password="kata-sandi-bapenda-1",
        )

    assert result.from_spare and cloned == []
    assert not schema_exists(spare) and schema_exists("bapenda")
    assert spare_list() == []
    with schema_context("bapenda"):
        site = Site.objects.get()
        assert site.hostname == "bapenda.localhost"
        assert site.root_page.title == "Badan Pendapatan Daerah"
        assert get_user_model().objects.get(username="admin").check_password("kata-sandi-bapenda-1")
    # The pool in use is topped up after the commit.
    assert any(cb.__name__ == "_queue_spare_refill" for cb in callbacks)


def test_without_a_spare_provisioning_clones_as_before(monkeypatch):
    cloned = []
    original = tenant_models.clone_template

    def spy(template, schema_name, *args, **kwargs):
        cloned.append(schema_name)
        return original(template, schema_name, *args, **kwargs)

    monkeypatch.setattr(tenant_models, "clone_template", spy)
    result = services.instansi_provision(
        slug="bkpsdm", name="BKPSDM", admin_password="kata-sandi-bkpsdm-1"
    )
    assert not result.from_spare and cloned == ["bkpsdm"]


def test_a_spare_lagging_the_template_is_dropped_not_handed_out():
    (spare,) = spare_refill(1)
    _template_moves_on()
    result = services.instansi_provision(
        slug="dpmptsp", name="DPMPTSP", admin_password="kata-sandi-dpmptsp-1"
    )
    assert not result.from_spare
    assert not schema_exists(spare)  # dropped on the way
    assert schema_exists("dpmptsp")


def test_refill_drops_spares_that_lag_the_template():
    (spare,) = spare_refill(1)
    _template_moves_on()
    assert spare_refill(0) == []
    assert spare_list() == []


def test_migrate_schemas_runs_with_spares_present():
    spares = spare_refill(1)
    call_command("migrate_schemas", "--tenant", interactive=False, verbosity=0)
    # Spares are not migrated (not tenants) and stay current only while nothing was applied.
    assert spare_list() == spares
    assert _missing_migrations(spares[0], TEMPLATE) == 0
