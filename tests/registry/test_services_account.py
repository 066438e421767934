"""Official accounts: designation rules, regency-wide uniqueness, the public index follows."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from core.errors import SimpulError
from tenants.models import AccountDirectoryEntry
from tenants.registry import services
from tenants.registry.models import OfficialAccount
from tests.registry.factories import PETUGAS_NIP, make_account, make_decree


def _entry(url: str) -> AccountDirectoryEntry | None:
    return AccountDirectoryEntry.objects.filter(url=url).order_by("status").first()


def test_account_needs_an_active_sk_for_accounts(in_humas):
    sop_decree = make_decree(in_humas, subject="sop")
    with pytest.raises(SimpulError, match="bukan SK penetapan akun"):
        make_account(sop_decree, in_humas)
    decree = make_decree(in_humas)
    with pytest.raises(SimpulError, match="sebelum tanggal SK"):
        make_account(decree, in_humas, active_since=dt.date(2025, 12, 31))
    with pytest.raises(SimpulError) as exc:
        make_account(decree, in_humas, url="instagram.com/ada spasi")
    assert exc.value.field == "url"
    assert OfficialAccount.objects.count() == 0


def test_same_account_twice_in_one_instansi_is_refused(in_humas):
    decree = make_decree(in_humas)
    make_account(decree, in_humas, url="https://instagram.com/satu")
    with pytest.raises(SimpulError, match="sudah terdaftar aktif di instansi ini"):
        make_account(decree, in_humas, url="WWW.instagram.com/Satu/?utm_source=x")


def test_account_official_for_one_instansi_at_most_and_message_names_it(db):
    with schema_context("dinkes"):
        make_account(make_decree(), url="https://instagram.com/sehatkab")
    with schema_context("humas"):
        decree = make_decree()
        with pytest.raises(SimpulError) as exc:
            make_account(decree, url="http://www.Instagram.com/SehatKab/?igshid=1")
        assert "Dinas Kesehatan" in exc.value.message
        with pytest.raises(SimpulError, match="Dinas Kesehatan"):
            make_account(decree, platform="instagram", url="", handle="@sehatkab")
        assert OfficialAccount.objects.count() == 0
    assert AccountDirectoryEntry.objects.filter(url="https://instagram.com/sehatkab").count() == 1


def test_retired_account_may_become_another_instansis(db):
    with schema_context("dinkes"):
        decree = make_decree()
        account = make_account(decree, url="https://x.com/pindahan")
        services.account_retire(actor=None, account=account, decree=decree)
    with schema_context("humas"):
        make_account(make_decree(), url="https://x.com/pindahan")
    rows = AccountDirectoryEntry.objects.filter(url="https://x.com/pindahan")
    assert sorted((r.instansi.schema_name, r.status) for r in rows) == [
        ("dinkes", "dihentikan"),
        ("humas", "aktif"),
    ]


def test_index_follows_every_change(in_humas):
    decree = make_decree(in_humas)
    account = make_account(
        decree, in_humas, url="https://youtube.com/@humaskanal", display_name="Kanal Humas"
    )
    entry = _entry(account.url)
    assert entry.status == "aktif" and entry.display_name == "Kanal Humas"
    assert entry.decree_number == decree.number and entry.category == "berbagi_media"
    assert entry.instansi.schema_name == "humas"

    services.account_update(actor=in_humas, account=account, display_name="Kanal Resmi Humas")
    assert _entry(account.url).display_name == "Kanal Resmi Humas"

    services.account_update(actor=in_humas, account=account, url="youtube.com/@humasbaru")
    assert _entry("https://youtube.com/@humaskanal") is None
    assert _entry("https://youtube.com/@humasbaru").handle == "humasbaru"

    services.decree_update(actor=in_humas, decree=decree, number="800/UBAH/2026")
    assert _entry("https://youtube.com/@humasbaru").decree_number == "800/UBAH/2026"

    retiring = make_decree(in_humas)
    services.account_retire(actor=in_humas, account=account, decree=retiring)
    entry = _entry("https://youtube.com/@humasbaru")
    assert entry.status == "dihentikan" and entry.retired_decree_number == retiring.number

    services.account_reactivate(actor=in_humas, account=account, decree=retiring)
    assert _entry("https://youtube.com/@humasbaru").status == "aktif"

    services.decree_revoke(actor=in_humas, decree=retiring, note="Dicabut")
    assert _entry("https://youtube.com/@humasbaru").decree_active is False


def test_rebuild_command_restores_the_index(in_humas):
    decree = make_decree(in_humas)
    make_account(decree, in_humas, url="https://instagram.com/bangunulang")
    retired = make_account(decree, in_humas, url="https://facebook.com/lama")
    services.account_retire(actor=in_humas, account=retired, decree=decree)
    AccountDirectoryEntry.objects.filter(instansi__schema_name="humas").delete()
    AccountDirectoryEntry.objects.create(
        instansi=in_humas_instansi(),
        account_id=999999,
        platform="x",
        platform_label="X",
        category="mikroblog",
        url="https://x.com/basi",
        display_name="basi",
        status="aktif",
        decree_number="-",
        decree_date=dt.date(2026, 1, 1),
        active_since=dt.date(2026, 1, 1),
    )
    call_command("rebuild_account_directory", "humas", stdout=io.StringIO())
    rows = AccountDirectoryEntry.objects.filter(instansi__schema_name="humas")
    assert sorted((r.url, r.status) for r in rows) == [
        ("https://facebook.com/lama", "dihentikan"),
        ("https://instagram.com/bangunulang", "aktif"),
    ]


def in_humas_instansi():
    from tenants.models import Instansi

    return Instansi.objects.get(schema_name="humas")


def test_appointments_rules(in_humas):
    decree = make_decree(in_humas)
    account = make_account(decree, in_humas)
    appointment = services.appointment_create(
        actor=in_humas,
        decree=decree,
        person_name="Sri",
        nip=PETUGAS_NIP,
        position="Pranata Humas",
        role="petugas",
        account_ids=[account.pk],
        end_date=dt.date(2026, 12, 31),
    )
    assert list(appointment.accounts.all()) == [account]
    with pytest.raises(SimpulError, match="sudah memiliki penunjukan aktif"):
        services.appointment_create(
            actor=in_humas,
            decree=decree,
            person_name="Sri",
            nip=PETUGAS_NIP,
            position="Pranata Humas",
            role="petugas",
        )
    with pytest.raises(SimpulError, match="sampai tidak boleh sebelum"):
        services.appointment_create(
            actor=in_humas,
            decree=decree,
            person_name="Budi",
            nip="198502022010011003",
            position="Staf",
            role="petugas",
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2026, 2, 1),
        )
    with pytest.raises(SimpulError, match="angka ke-15"):
        services.appointment_create(
            actor=in_humas,
            decree=decree,
            person_name="Budi",
            nip="198502022010013003",
            position="Staf",
            role="petugas",
        )
    with pytest.raises(SimpulError, match="akun resmi aktif"):
        services.appointment_create(
            actor=in_humas,
            decree=decree,
            person_name="Budi",
            nip="198502022010011003",
            position="Staf",
            role="petugas",
            account_ids=[987654],
        )
    services.appointment_end(actor=in_humas, appointment=appointment, on=dt.date(2026, 6, 30))
    appointment.refresh_from_db()
    assert appointment.status == "berakhir" and appointment.end_date == dt.date(2026, 6, 30)
