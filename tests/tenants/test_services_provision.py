"""Provisioning: a new instansi is cloned from the template, complete, or not made at all."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.contrib.auth.models import Group
from django.db import connection
from django_tenants.utils import schema_context, schema_exists
from wagtail.models import Site

from core.errors import SimpulError
from core.steps import provisioning_steps
from tenants import services
from tenants.models import AuditEntry, Domain, Instansi
from tenants.provisioning import DEFAULT_GROUPS
from tests.tenants.helpers import failing_step

pytestmark = pytest.mark.django_db


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata")
        return {row[0] for row in cursor.fetchall()}


def test_provision_clones_template_and_builds_the_site(monkeypatch):
    cloned_from = []
    from tenants import models as tenant_models

    original = tenant_models.clone_template

    def spy(template, schema_name, *args, **kwargs):
        cloned_from.append((template, schema_name))
        return original(template, schema_name, *args, **kwargs)

    monkeypatch.setattr(tenant_models, "clone_template", spy)

    result = services.instansi_provision(
        slug="bappeda",
        name="Badan Perencanaan Pembangunan Daerah",
        short_name="Bappeda",
        admin_email="admin@bappeda.localhost",
        admin_password="kata-sandi-bappeda-1",
    )

    assert cloned_from == [("simpul_template", "bappeda")]
    assert schema_exists("bappeda")
    instansi = Instansi.objects.get(schema_name="bappeda")
    assert instansi.kind == "instansi" and instansi.is_active and not instansi.is_template
    assert Domain.objects.get(tenant=instansi).domain == "bappeda.localhost"
    with schema_context("bappeda"):
        site = Site.objects.get()
        assert site.hostname == "bappeda.localhost"
        assert site.root_page.title == "Badan Perencanaan Pembangunan Daerah"
        assert set(DEFAULT_GROUPS) <= set(Group.objects.values_list("name", flat=True))
        admin = get_user_model().objects.get(username="admin")
        assert admin.is_superuser and admin.check_password("kata-sandi-bappeda-1")
        # Hashed aside while the schema was provisioned, at full strength all the same.
        hasher = identify_hasher(admin.password)
        assert hasher.algorithm == get_hasher().algorithm
        assert not hasher.must_update(admin.password)
    assert AuditEntry.objects.filter(instansi=instansi, action="instansi.provision").exists()
    assert result.url == "http://bappeda.localhost/" or result.url.startswith(
        "http://bappeda.localhost:"
    )


def test_generated_admin_password_is_returned_once():
    result = services.instansi_provision(slug="bpbd", name="Badan Penanggulangan Bencana Daerah")
    assert result.admin_password and len(result.admin_password) >= 12
    with schema_context("bpbd"):
        assert get_user_model().objects.get(username="admin").check_password(result.admin_password)


def test_super_kind_marks_diskominfo():
    result = services.instansi_provision(
        slug="kominfo2", name="Diskominfo Dua", kind="super", admin_password="kata-sandi-kominfo-2"
    )
    assert result.instansi.is_super


@pytest.mark.parametrize(
    ("slug", "name", "kind", "email", "message"),
    [
        ("public", "X", "instansi", "", "dicadangkan"),
        ("simpul_template", "X", "instansi", "", "Slug harus"),
        ("pg_temp", "X", "instansi", "", "Slug harus"),
        ("pgadmin", "X", "instansi", "", "dicadangkan"),
        ("Dinas-Kes", "X", "instansi", "", "Slug harus"),
        ("1dinas", "X", "instansi", "", "Slug harus"),
        ("x", "X", "instansi", "", "Slug harus"),
        ("a; drop schema public", "X", "instansi", "", "Slug harus"),
        ("humas", "Duplikat", "instansi", "", "sudah ada"),
        ("baru", "", "instansi", "", "Nama instansi wajib"),
        ("baru", "Baru", "kecamatan", "", "Jenis 'kecamatan' tidak dikenal"),
        ("baru", "Baru", "instansi", "bukan-email", "e-mail admin tidak sah"),
    ],
)
def test_bad_input_fails_cleanly_and_leaves_nothing(slug, name, kind, email, message):
    schemas_before = _schemas()
    instansi_before = Instansi.objects.count()
    domains_before = Domain.objects.count()
    with pytest.raises(SimpulError) as excinfo:
        services.instansi_provision(slug=slug, name=name, kind=kind, admin_email=email)
    assert message in excinfo.value.message
    assert "\n" not in excinfo.value.message
    assert _schemas() == schemas_before
    assert Instansi.objects.count() == instansi_before
    assert Domain.objects.count() == domains_before


def test_failure_in_a_late_step_rolls_back_schema_row_and_domain(monkeypatch):
    # A last step that fails, registered for this test only (the registry's own dict is
    # swapped for a copy, which the monkeypatch puts back).
    monkeypatch.setattr(provisioning_steps, "_steps", dict(provisioning_steps._steps))
    provisioning_steps.register("tests.tenants.helpers.failing_step", order=999, run=failing_step)
    with pytest.raises(Exception, match="langkah gagal"):
        services.instansi_provision(
            slug="gagal", name="Instansi Gagal", admin_password="kata-sandi-gagal-1"
        )
    assert not schema_exists("gagal")
    assert not Instansi.objects.filter(schema_name="gagal").exists()
    assert not Domain.objects.filter(domain="gagal.localhost").exists()


def test_weak_admin_password_is_refused_without_residue():
    with pytest.raises(SimpulError, match="terlalu lemah"):
        services.instansi_provision(slug="lemah", name="Instansi Lemah", admin_password="123")
    assert not schema_exists("lemah")


def test_stale_template_is_refused(monkeypatch):
    monkeypatch.setattr(
        services, "template_pending_migrations", lambda schema_name=None: ["cms.0099_baru"]
    )
    with pytest.raises(SimpulError, match="templat tertinggal 1 migrasi"):
        services.instansi_provision(slug="basi", name="Instansi Basi")
    assert not schema_exists("basi")


def test_template_is_up_to_date_after_migrate():
    assert services.template_pending_migrations() == []
    template = Instansi.objects.get(schema_name="simpul_template")
    assert template.is_template and not template.is_active
    assert not Domain.objects.filter(tenant=template).exists()
    assert "simpul_template" not in {i.schema_name for i in Instansi.objects.served()}


def test_unreachable_database_gives_one_clear_line(monkeypatch):
    from django.db import OperationalError

    def refuse():
        raise OperationalError(
            'connection to server at "10.9.9.9", port 5432 failed: Connection refused\nIs the server running?'
        )

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    with pytest.raises(SimpulError) as excinfo:
        services.instansi_provision(slug="putus", name="Instansi Putus")
    assert excinfo.value.message.startswith("Basis data tidak dapat dihubungi:")
    assert "\n" not in excinfo.value.message


def test_archive_stops_serving_without_dropping_data(humas_client):
    services.instansi_provision(
        slug="arsip", name="Instansi Arsip", admin_password="kata-sandi-arsip-1"
    )
    from tests.conftest import tenant_client

    assert tenant_client("arsip").get("/").status_code == 200
    services.instansi_archive(slug="arsip")
    assert tenant_client("arsip").get("/").status_code == 404
    assert schema_exists("arsip")
    with schema_context("arsip"):
        assert get_user_model().objects.filter(username="admin").exists()
    with pytest.raises(SimpulError, match="sudah diarsipkan"):
        services.instansi_archive(slug="arsip")
    services.instansi_restore(slug="arsip")
    assert tenant_client("arsip").get("/").status_code == 200


def test_reset_admin_issues_a_new_password():
    services.instansi_provision(
        slug="reset", name="Instansi Reset", admin_password="kata-sandi-lama-1"
    )
    password = services.instansi_reset_admin(slug="reset")
    with schema_context("reset"):
        user = get_user_model().objects.get(username="admin")
        assert user.check_password(password)
        assert not user.check_password("kata-sandi-lama-1")


def test_provisioning_from_another_instansi_request_restores_its_schema():
    """Diskominfo's console provisions while serving the diskominfo schema."""
    with schema_context("diskominfo"):
        result = services.instansi_provision(
            slug="dispora", name="Dinas Pemuda dan Olahraga", admin_password="kata-sandi-dispora-1"
        )
        assert connection.schema_name == "diskominfo"
    assert schema_exists("dispora") and result.instansi.schema_name == "dispora"


def test_a_cloned_schema_is_complete_and_its_sequences_continue():
    """The replayed dump has every table, row and sequence position of the template."""
    services.instansi_provision(
        slug="salinan", name="Instansi Salinan", admin_password="kata-sandi-salin-1"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE schemaname = 'simpul_template'), "
            "count(*) FILTER (WHERE schemaname = 'salinan') FROM pg_tables"
        )
        template_tables, clone_tables = cursor.fetchone()
    assert clone_tables == template_tables > 50
    with schema_context("salinan"):
        ids = set(Group.objects.values_list("pk", flat=True))
        new = Group.objects.create(name="Grup baru")
        assert new.pk > max(ids)
    with schema_context("simpul_template"):
        assert not Group.objects.filter(name="Grup baru").exists()
