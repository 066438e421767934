"""The provisioning and token commands, as an operator runs them."""

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists

from tenants.models import ApiToken, Instansi
from tests.conftest import tenant_client

pytestmark = pytest.mark.django_db


def test_provision_instansi_command_prints_url_and_time(capsys):
    call_command(
        "provision_instansi",
        slug="dishub",
        name="Dinas Perhubungan",
        admin_password="kata-sandi-dishub-1",
    )
    out = capsys.readouterr().out
    assert "dishub: Dinas Perhubungan siap di http://dishub.localhost" in out
    assert " s)" in out
    assert schema_exists("dishub")


def test_bad_slug_is_one_clear_line():
    with pytest.raises(CommandError, match="Slug harus"):
        call_command("provision_instansi", slug="Bad Slug", name="X")


def test_csv_provisions_many_and_skips_existing(tmp_path, capsys):
    csv_file = tmp_path / "instansi.csv"
    csv_file.write_text(
        "slug,name,short_name\nhumas,Bagian Humas,Humas\ndisnaker,Dinas Tenaga Kerja,Disnaker\n"
        "dispar,Dinas Pariwisata,Dispar\n",
        encoding="utf-8",
    )
    call_command("provision_instansi", csv_path=str(csv_file))
    out = capsys.readouterr().out
    assert "2 dibuat, 1 dilewati (sudah ada), 0 gagal" in out
    assert Instansi.objects.filter(schema_name__in=["disnaker", "dispar"]).count() == 2


def test_csv_prints_url_admin_and_generated_password_of_each_new_instansi(tmp_path, capsys):
    import re
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    csv_file = tmp_path / "instansi.csv"
    csv_file.write_text(
        "slug,name\nhumas,Bagian Humas\ndisbun,Dinas Perkebunan\n", encoding="utf-8"
    )
    out = StringIO()
    call_command("provision_instansi", csv_path=str(csv_file), stdout=out)
    report = out.getvalue()
    assert "1 dibuat, 1 dilewati (sudah ada), 0 gagal" in report
    assert "disbun: Dinas Perkebunan siap di http://disbun.localhost" in report
    # Only the created row is reported; the skipped one keeps its admin and password.
    assert "humas:" not in report
    credentials = re.findall(r"^  admin: (\S+) / (\S+) \(simpan sekarang\)$", report, re.M)
    assert len(credentials) == 1
    username, password = credentials[0]
    with schema_context("disbun"):
        assert get_user_model().objects.get(username=username).check_password(password)
    # The printed password is what the operator hands out: it signs in on the new host.
    login = tenant_client("disbun").post(
        "/admin/login/", {"username": username, "password": password}
    )
    assert login.status_code == 302 and "/login/" not in login["Location"]


def test_csv_reports_failed_rows(tmp_path):
    csv_file = tmp_path / "instansi.csv"
    csv_file.write_text("slug,name\nok1,Instansi Satu\nBAD,Instansi Buruk\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 baris gagal"):
        call_command("provision_instansi", csv_path=str(csv_file))
    assert Instansi.objects.filter(schema_name="ok1").exists()


def test_archive_flag(capsys):
    call_command(
        "provision_instansi", slug="lama", name="Instansi Lama", admin_password="kata-sandi-lama-1"
    )
    call_command("provision_instansi", slug="lama", archive=True)
    assert not Instansi.objects.get(schema_name="lama").is_active


def test_create_api_token_prints_key_once(capsys):
    call_command("create_api_token", instansi="humas", name="sistem-aduan")
    key = capsys.readouterr().out.strip()
    assert key.startswith("smp_humas_")
    token = ApiToken.objects.get(name="sistem-aduan")
    assert key not in token.key_hash and len(token.key_hash) == 64


def test_create_api_token_for_unknown_instansi():
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("create_api_token", instansi="entah")
