"""SK: recording with its PDF, replacement in one action with history, revocation, audit."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from core.errors import SimpulError
from tenants.models import AccountDirectoryEntry, AuditEntry
from tenants.registry import services
from tenants.registry.models import (
    Appointment,
    DecreeItem,
    OfficialAccount,
    SuratKeputusan,
)
from tests.registry.factories import (
    PETUGAS_NIP,
    decree_fields,
    make_account,
    make_decree,
    pdf_upload,
)


def _audit(action: str, obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action=action, object_type=obj._meta.label, object_id=str(obj.pk))
    )


def test_decree_create_stores_pdf_in_the_tenant_media_and_audits(in_humas, settings):
    decree = make_decree(in_humas)
    assert decree.status == SuratKeputusan.Status.ACTIVE
    assert decree.pdf.path.startswith(f"{settings.MEDIA_ROOT}/humas/registri/sk/")
    with decree.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    (entry,) = _audit("registry.decree.create", decree)
    assert entry.instansi.schema_name == "humas"
    assert entry.actor_id == in_humas.pk
    assert entry.after["number"] == decree.number and entry.before == {}


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"number": ""}, "number"),
        ({"signer_nip": "123"}, "signer_nip"),
        ({"effective_date": dt.date(2026, 1, 1)}, "effective_date"),  # before the SK date
        ({"date": dt.date(2099, 1, 1), "effective_date": dt.date(2099, 1, 2)}, "date"),
        ({"subject": "rahasia"}, "subject"),
    ],
)
def test_decree_bad_input_saves_nothing(in_humas, overrides, field):
    before = SuratKeputusan.objects.count()
    with pytest.raises(SimpulError) as exc:
        make_decree(in_humas, **overrides)
    assert exc.value.field == field
    assert SuratKeputusan.objects.count() == before


def test_decree_duplicate_number_and_bad_pdf_are_refused(in_humas):
    decree = make_decree(in_humas)
    with pytest.raises(SimpulError, match="sudah tercatat"):
        make_decree(in_humas, number=decree.number.lower())
    with pytest.raises(SimpulError, match="bukan PDF"):
        make_decree(in_humas, pdf=SimpleUploadedFile("sk.pdf", b"MZ\x90\x00 exe"))
    assert SuratKeputusan.objects.count() == 1


def test_replacement_keeps_history_and_retires_exactly_what_the_new_sk_ends(in_humas):
    old = make_decree(in_humas)
    keep = make_account(old, in_humas, url="https://instagram.com/dilanjutkan")
    end = make_account(old, in_humas, url="https://facebook.com/diakhiri")
    officer_keep = services.appointment_create(
        actor=in_humas,
        decree=old,
        person_name="Sri",
        nip=PETUGAS_NIP,
        position="Pranata Humas",
        role="petugas",
        account_ids=[keep.pk, end.pk],
    )
    officer_end = services.appointment_create(
        actor=in_humas,
        decree=old,
        person_name="Agus",
        nip="198001012005011001",
        position="Kepala Bagian",
        role="pejabat",
    )
    new = services.decree_replace(
        actor=in_humas,
        decree=old,
        pdf=pdf_upload(),
        continue_account_ids=[keep.pk],
        continue_appointment_ids=[officer_keep.pk],
        **decree_fields(date=dt.date(2026, 6, 1), effective_date=dt.date(2026, 6, 2)),
    )
    old.refresh_from_db()
    assert old.status == SuratKeputusan.Status.REPLACED
    assert old.replaced_by == new and old.ended_at == new.effective_date
    assert new.status == SuratKeputusan.Status.ACTIVE

    keep.refresh_from_db()
    end.refresh_from_db()
    assert keep.status == "aktif" and keep.decree == new
    assert end.status == "dihentikan" and end.retired_by == new
    assert end.decree == old  # history: the SK that designated it stays
    assert end.retired_on == new.effective_date
    assert Appointment.objects.get(pk=officer_keep.pk).decree == new
    ended = Appointment.objects.get(pk=officer_end.pk)
    assert ended.status == "berakhir" and ended.ended_by == new

    # Nothing deleted; each SK tells what it did.
    assert SuratKeputusan.objects.count() == 2
    assert OfficialAccount.objects.count() == 2
    old_items = {(i.kind, i.effect) for i in DecreeItem.objects.filter(decree=old)}
    assert old_items == {("akun", "ditetapkan"), ("penunjukan", "ditetapkan")}
    new_items = sorted(
        (i.kind, i.effect, i.account_id or i.appointment_id)
        for i in DecreeItem.objects.filter(decree=new)
    )
    assert new_items == sorted(
        [
            ("akun", "dilanjutkan", keep.pk),
            ("akun", "diakhiri", end.pk),
            ("penunjukan", "dilanjutkan", officer_keep.pk),
            ("penunjukan", "diakhiri", officer_end.pk),
        ]
    )

    # The audit trail records each change with before/after.
    (replaced,) = _audit("registry.decree.replace", old)
    assert replaced.before["status"] == "aktif" and replaced.after["status"] == "diganti"
    (retired,) = _audit("registry.account.retire", end)
    assert retired.before["status"] == "aktif" and retired.after["status"] == "dihentikan"
    (continued,) = _audit("registry.account.continue", keep)
    assert continued.before["decree_id"] == old.pk and continued.after["decree_id"] == new.pk
    assert _audit("registry.appointment.end", officer_end)
    assert _audit("registry.decree.create", new)


def test_replacement_rules(in_humas):
    old = make_decree(in_humas)
    other = make_decree(in_humas)
    foreign = make_account(other, in_humas)
    with pytest.raises(SimpulError, match="akun aktif dari SK yang diganti"):
        services.decree_replace(
            actor=in_humas,
            decree=old,
            pdf=pdf_upload(),
            continue_account_ids=[foreign.pk],
            **decree_fields(),
        )
    with pytest.raises(SimpulError, match="berlaku sejak atau setelah"):
        services.decree_replace(
            actor=in_humas,
            decree=old,
            pdf=pdf_upload(),
            **decree_fields(date=dt.date(2026, 1, 1), effective_date=dt.date(2026, 1, 1)),
        )
    assert SuratKeputusan.objects.count() == 2  # no half-made replacement
    services.decree_revoke(actor=in_humas, decree=old, note="Salah ketik")
    with pytest.raises(SimpulError, match="hanya SK yang berlaku"):
        services.decree_replace(actor=in_humas, decree=old, pdf=pdf_upload(), **decree_fields())


def test_revoke_flags_accounts_and_blocks_new_ones(in_humas):
    decree = make_decree(in_humas)
    account = make_account(decree, in_humas)
    services.decree_revoke(actor=in_humas, decree=decree, note="Dicabut Kepala Instansi")
    decree.refresh_from_db()
    assert decree.status == "dicabut" and decree.end_note == "Dicabut Kepala Instansi"
    from tenants.registry.selectors import accounts_without_active_decree

    assert list(accounts_without_active_decree()) == [account]
    with pytest.raises(SimpulError, match="hanya dapat diaktifkan dengan SK yang berlaku"):
        make_account(decree, in_humas)
    with pytest.raises(SimpulError, match="sudah dicabut"):
        services.decree_revoke(actor=in_humas, decree=decree, note="lagi")
    assert _audit("registry.decree.revoke", decree)


def test_decree_update_audits_only_changed_fields(in_humas):
    decree = make_decree(in_humas)
    services.decree_update(actor=in_humas, decree=decree, title="Judul yang dibetulkan")
    (entry,) = _audit("registry.decree.update", decree)
    assert entry.after == {"title": "Judul yang dibetulkan"}
    assert set(entry.before) == {"title"}


# --- a failed save leaves no SK file behind ---------------------------------------------------


def _humas_media_files(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "humas"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "overrides,fragment",
    [
        ({"number": "DUPLIKAT/SK/2026"}, "sudah tercatat"),
        ({"effective_date": dt.date(2026, 1, 1)}, "tidak boleh sebelum"),
        ({"date": dt.date(2099, 1, 1), "effective_date": dt.date(2099, 1, 2)}, "masa depan"),
        ({"title": "Penetapan " * 40}, "300"),  # beyond the column: refused by full_clean
        ({"number": "800/" + "9" * 130}, "120"),
    ],
)
def test_failed_decree_create_leaves_no_file(in_humas, settings, overrides, fragment):
    make_decree(in_humas, number="DUPLIKAT/SK/2026")
    files = _humas_media_files(settings)
    count = SuratKeputusan.objects.count()
    with pytest.raises(SimpulError, match=fragment):
        make_decree(in_humas, pdf=pdf_upload(text="SK yang gagal"), **overrides)
    assert _humas_media_files(settings) == files
    assert SuratKeputusan.objects.count() == count


@pytest.mark.parametrize(
    "changes,fragment",
    [
        ({"number": "LAIN/SK/2026"}, "sudah tercatat"),
        ({"effective_date": dt.date(2025, 12, 31)}, "tidak boleh sebelum"),
        ({"signer_name": "Kepala " * 30}, "150"),
    ],
)
def test_failed_decree_update_leaves_no_new_file(in_humas, settings, changes, fragment):
    make_decree(in_humas, number="LAIN/SK/2026")
    decree = make_decree(in_humas)
    original = decree.pdf.name
    files = _humas_media_files(settings)
    with pytest.raises(SimpulError, match=fragment):
        services.decree_update(
            actor=in_humas, decree=decree, pdf=pdf_upload(text="Perbaikan"), **changes
        )
    assert _humas_media_files(settings) == files
    decree.refresh_from_db()
    assert decree.pdf.name == original
    with decree.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.fixture
def address_taken_elsewhere(in_humas):
    """humas's active account whose address dinkes holds in the directory (out of step, as
    after a partial restore): re-syncing it fails only after the new PDF is stored."""
    decree = make_decree(in_humas)
    account = make_account(decree, in_humas, url="https://instagram.com/tumpangtindih")
    AccountDirectoryEntry.objects.filter(url=account.url).delete()
    with schema_context("dinkes"):
        make_account(make_decree(), url=account.url)
    return decree, account


def test_decree_update_failing_after_storing_the_pdf_removes_it(
    address_taken_elsewhere, in_humas, settings
):
    decree, _ = address_taken_elsewhere
    files = _humas_media_files(settings)
    with pytest.raises(SimpulError, match="Dinas Kesehatan"):
        services.decree_update(
            actor=in_humas, decree=decree, pdf=pdf_upload(), title="Judul diperbaiki"
        )
    assert _humas_media_files(settings) == files


def test_decree_replace_failing_after_creating_the_new_sk_removes_its_pdf(
    address_taken_elsewhere, in_humas, settings
):
    decree, account = address_taken_elsewhere
    files = _humas_media_files(settings)
    with pytest.raises(SimpulError, match="Dinas Kesehatan"):
        services.decree_replace(
            actor=in_humas,
            decree=decree,
            pdf=pdf_upload(),
            continue_account_ids=[account.pk],
            **decree_fields(date=dt.date(2026, 6, 1), effective_date=dt.date(2026, 6, 2)),
        )
    assert _humas_media_files(settings) == files
    assert SuratKeputusan.objects.count() == 1
