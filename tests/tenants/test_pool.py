"""The spare-schema pool: a new instansi takes a spare by rename; a spare that lags is dropped."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context, schema_exists
from wagtail.models import Site

from tenants import models as tenant_models
from tenants import provisioning as tenant_provisioning
from tenants import services
from tenants.pool import PREFIX, _missing_migrations, spare_discard_all, spare_list, spare_refill
from tenants.provisioning import DEFAULT_GROUPS

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


def _site_as_built(schema: str) -> dict:
    """What an instansi's admin and visitors get from provisioning, ids aside."""
    from django.contrib.auth.models import Group
    from wagtail.models import Page

    from cms.models import IdentitySettings
    from inbox.pages.models import InquiryFormPage

    with schema_context(schema):
        site = Site.objects.select_related("root_page").get()
        home = site.root_page.specific
        form = InquiryFormPage.objects.get()
        identity = IdentitySettings.objects.get()
        return {
            "site": (site.hostname, site.site_name, site.is_default_site),
            "home": (type(home).__name__, home.title, home.hero_title, home.hero_intro),
            "pages": sorted(
                (p.url_path, p.specific_class.__name__, p.live)
                for p in Page.objects.filter(depth__gt=1)
            ),
            "form_intro": form.intro,
            "form_revision_intro": form.live_revision.content["intro"],
            "identity": (identity.name, identity.tagline, identity.email),
            "groups": {
                g.name: sorted(g.permissions.values_list("codename", flat=True))
                for g in Group.objects.all()
            },
            "page_permissions": sorted(
                (g.name, codename)
                for g, codename in (
                    (perm.group, perm.permission.codename)
                    for perm in home.group_permissions.select_related("group", "permission")
                )
            ),
        }


def _anonymised(built: dict, slug: str, name: str) -> dict:
    return json.loads(json.dumps(built).replace(slug, "<slug>").replace(name, "<name>"))


def test_a_spare_is_prepared_ahead_and_gives_the_same_site_as_a_plain_clone():
    """Pages, groups and permissions are made on the spare when it is made; the instansi that
    takes it gets exactly what a plain clone gets, its name and host in every place."""
    from cms.models import HomePage

    (spare,) = spare_refill(1)
    with schema_context(spare):
        # Made ahead: the home page tree and the role groups, no instansi's name anywhere.
        assert HomePage.objects.get().get_children().count() == 4
        assert set(DEFAULT_GROUPS) <= set(Group.objects.values_list("name", flat=True))
        assert not HomePage.objects.get().hero_title
    pooled = services.instansi_provision(
        slug="bapenda", name="Badan Pendapatan Daerah", admin_password="kata-sandi-bapenda-1"
    )
    cloned = services.instansi_provision(
        slug="bkpsdm", name="Badan Kepegawaian Daerah", admin_password="kata-sandi-bkpsdm-1"
    )
    assert pooled.from_spare and not cloned.from_spare
    from_spare = _site_as_built("bapenda")
    assert "Badan Pendapatan Daerah" in from_spare["form_intro"]
    assert from_spare["form_revision_intro"] == from_spare["form_intro"]
    assert from_spare["home"][2] == "Badan Pendapatan Daerah"
    assert _anonymised(from_spare, "bapenda", "Badan Pendapatan Daerah") == _anonymised(
        _site_as_built("bkpsdm"), "bkpsdm", "Badan Kepegawaian Daerah"
    )
    with connection.cursor() as cursor:  # the spare's mark goes with the hand-out
        cursor.execute("SELECT obj_description('bapenda'::regnamespace, 'pg_namespace')")
        assert cursor.fetchone()[0] is None


def test_a_spare_hand_out_runs_no_prepare_step_again(monkeypatch):
    spare_refill(1)
    monkeypatch.setattr(tenant_provisioning, "prepare_steps", _must_not_run)
    result = services.instansi_provision(
        slug="bapenda", name="Badan Pendapatan Daerah", admin_password="kata-sandi-bapenda-1"
    )
    assert result.from_spare


def _must_not_run():
    raise AssertionError("the spare was prepared already")


def test_a_spare_prepared_by_other_steps_is_dropped_not_handed_out():
    """As after a deploy that changed a prepare step: the spare's mark is not this code's."""
    (spare,) = spare_refill(1)
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA \"{spare}\" IS 'simpul-spare:langkah-lama'")
    result = services.instansi_provision(
        slug="dpmptsp", name="DPMPTSP", admin_password="kata-sandi-dpmptsp-1"
    )
    assert not result.from_spare
    assert not schema_exists(spare)
    with schema_context("dpmptsp"):  # the plain clone ran every step itself
        assert Site.objects.get().root_page.specific.get_children().count() == 4


def test_a_bare_spare_of_an_earlier_release_is_dropped_by_the_refill():
    """A spare cloned without preparation (no mark) is stale; the refill replaces it."""
    from tenants.cloning import clone_template

    with connection.cursor():
        clone_template(TEMPLATE, f"{PREFIX}0000000bare")
    made = spare_refill(1)
    assert spare_list() == made and f"{PREFIX}0000000bare" not in made
