"""SK (Surat Keputusan) actions: record, correct, replace and revoke a decree."""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from core.actions import action, on_failure, register
from core.audit import model_snapshot
from core.errors import Conflict, NotFound, SimpulError
from core.validation import full_clean

from ..models import Appointment, DecreeItem, OfficialAccount, SuratKeputusan
from ..validation import validate_nip, validate_pdf
from ._common import _audit, _decree_item, _instansi, _require, _today
from .directory import _sync_accounts_of_decree, directory_sync_account

DECREE_FIELDS = (
    "number",
    "date",
    "title",
    "signer_name",
    "signer_nip",
    "subject",
    "effective_date",
)
# What a replacing SK does to the items it continues (ending uses the items' own end actions).
register("registry.account.continue", "Akun dilanjutkan", "Akun dilanjutkan oleh SK pengganti")
register(
    "registry.appointment.continue",
    "Penunjukan dilanjutkan",
    "Penunjukan dilanjutkan oleh SK pengganti",
)


def _clean_decree_fields(fields: dict[str, Any], *, exclude_pk: int | None = None) -> dict:
    labels = {
        "number": "Nomor SK",
        "date": "Tanggal SK",
        "title": "Judul (tentang)",
        "signer_name": "Nama penanda tangan",
        "signer_nip": "NIP penanda tangan",
        "effective_date": "Tanggal berlaku",
    }
    for name, label in labels.items():
        fields[name] = _require(fields.get(name), name, label)
    fields["signer_nip"] = validate_nip(fields["signer_nip"], field="signer_nip")
    subject = fields.get("subject") or SuratKeputusan.Subject.ACCOUNTS
    if subject not in SuratKeputusan.Subject.values:
        raise SimpulError(f"Pokok keputusan {subject!r} tidak dikenal.", field="subject")
    fields["subject"] = subject
    if fields["effective_date"] < fields["date"]:
        raise SimpulError(
            "Tanggal berlaku tidak boleh sebelum tanggal SK ditetapkan.", field="effective_date"
        )
    if fields["date"] > _today():
        raise SimpulError("Tanggal SK tidak boleh di masa depan.", field="date")
    duplicates = SuratKeputusan.objects.filter(number__iexact=fields["number"])
    if exclude_pk:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise Conflict(f"SK nomor {fields['number']} sudah tercatat.", field="number")
    return fields


def _store_pdf(decree: SuratKeputusan, pdf) -> None:
    """Write the SK's PDF into the instansi's media, once every other check has passed."""
    decree.pdf.save(_pdf_name(decree.number), pdf, save=False)
    stored = decree.pdf.name
    # A write that fails later (its commit included) leaves no file behind.
    on_failure(lambda: decree.pdf.storage.delete(stored))


def _save_decree(decree: SuratKeputusan) -> None:
    try:
        with transaction.atomic():
            decree.save()
    except IntegrityError:
        # Another save of the same number committed between our check and our write.
        raise Conflict(f"SK nomor {decree.number} sudah tercatat.", field="number") from None


@action(
    "registry.decree.create",
    "SK dicatat",
    "SK dicatat dengan berkas PDF-nya",
    permission="registry.add_suratkeputusan",
)
def decree_create(
    *,
    actor,
    number: str,
    date: dt.date,
    title: str,
    signer_name: str,
    signer_nip: str,
    effective_date: dt.date,
    pdf,
    subject: str = SuratKeputusan.Subject.ACCOUNTS,
) -> SuratKeputusan:
    """Record a new SK (status berlaku) with its signed PDF, stored in the instansi's media.

    A failed create leaves no file behind.
    """
    _instansi()
    return _create_decree(
        actor=actor,
        number=number,
        date=date,
        title=title,
        signer_name=signer_name,
        signer_nip=signer_nip,
        effective_date=effective_date,
        pdf=pdf,
        subject=subject,
    )


def _create_decree(
    *,
    actor,
    number: str,
    date: dt.date,
    title: str,
    signer_name: str,
    signer_nip: str,
    effective_date: dt.date,
    pdf,
    subject: str,
) -> SuratKeputusan:
    fields = _clean_decree_fields(
        {
            "number": number,
            "date": date,
            "title": title,
            "signer_name": signer_name,
            "signer_nip": signer_nip,
            "subject": subject,
            "effective_date": effective_date,
        }
    )
    validate_pdf(pdf)
    decree = SuratKeputusan(**fields)
    full_clean(decree, exclude=["pdf"])
    _store_pdf(decree, pdf)
    _save_decree(decree)
    _audit(
        actor,
        "registry.decree.create",
        decree,
        f"SK {decree.number} dicatat",
        {},
        model_snapshot(decree),
    )
    return decree


def _pdf_name(number: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-")[:80] or "sk"
    return f"sk-{stem}.pdf"


@action(
    "registry.decree.update",
    "SK diubah",
    "Rincian SK diubah",
    permission="registry.change_suratkeputusan",
)
def decree_update(*, actor, decree: SuratKeputusan, pdf=None, **changes: Any) -> SuratKeputusan:
    """Correct an SK's details (not its status) and, optionally, its PDF.

    A failed update stores no new file (the SK keeps its previous PDF).
    """
    instansi = _instansi()
    decree = SuratKeputusan.objects.select_for_update().get(pk=decree.pk)
    unknown = set(changes) - set(DECREE_FIELDS)
    if unknown:
        raise SimpulError(f"Kolom SK tidak dikenal: {', '.join(sorted(unknown))}.")
    before = model_snapshot(decree)
    fields = {name: getattr(decree, name) for name in DECREE_FIELDS}
    fields.update(changes)
    fields = _clean_decree_fields(fields, exclude_pk=decree.pk)
    for name, value in fields.items():
        setattr(decree, name, value)
    if pdf is not None:
        validate_pdf(pdf)
    full_clean(decree, exclude=["pdf"])
    if pdf is not None:
        _store_pdf(decree, pdf)
    _save_decree(decree)
    _audit(
        actor,
        "registry.decree.update",
        decree,
        f"SK {decree.number} diubah",
        before,
        model_snapshot(decree),
    )
    _sync_accounts_of_decree(decree, instansi)
    return decree


def _record_decree_effect(decree, obj, effect, name: str, before: dict, actor) -> None:
    """What a replacing SK did to one account or appointment: its history row and audit."""
    _decree_item(decree, obj, effect)
    _audit(
        actor,
        name,
        obj,
        f"{obj}: {effect.label.lower()} oleh SK {decree.number}",
        before,
        model_snapshot(obj),
    )


@action(
    "registry.decree.replace",
    "SK diganti",
    "SK diganti dengan SK baru",
    permission="registry.change_suratkeputusan",
)
def decree_replace(
    *,
    actor,
    decree: SuratKeputusan,
    number: str,
    date: dt.date,
    title: str,
    signer_name: str,
    signer_nip: str,
    effective_date: dt.date,
    pdf,
    continue_account_ids: Iterable[int] = (),
    continue_appointment_ids: Iterable[int] = (),
) -> SuratKeputusan:
    """Replace an SK in one action: the new SK continues the listed items and ends the rest.

    Nothing is deleted: the old SK stays readable (status diganti, pointing at the new one),
    ended accounts are retired by the new SK, and every effect is a DecreeItem of the new SK.
    A replacement that fails after storing the new SK's PDF removes that file again.
    """
    instansi = _instansi()
    old = SuratKeputusan.objects.select_for_update().filter(pk=decree.pk).first()
    if old is None:
        raise NotFound("SK tidak ditemukan.")
    if not old.is_active:
        raise Conflict(
            f"SK {old.number} sudah {old.get_status_display().lower()}; hanya SK yang berlaku "
            "dapat diganti."
        )
    if effective_date is not None and effective_date < old.effective_date:
        raise SimpulError(
            f"SK pengganti harus berlaku sejak atau setelah SK {old.number} "
            f"({old.effective_date:%d-%m-%Y}).",
            field="effective_date",
        )
    accounts = list(
        OfficialAccount.objects.select_for_update(of=("self",))
        .filter(decree=old, status=OfficialAccount.Status.ACTIVE)
        .select_related("decree")
    )
    appointments = list(
        Appointment.objects.select_for_update().filter(decree=old, status=Appointment.Status.ACTIVE)
    )
    keep_accounts = {int(i) for i in continue_account_ids}
    keep_appointments = {int(i) for i in continue_appointment_ids}
    stray = keep_accounts - {a.pk for a in accounts}
    if stray:
        raise SimpulError(
            "Akun yang dilanjutkan harus akun aktif dari SK yang diganti.", field="accounts"
        )
    stray = keep_appointments - {a.pk for a in appointments}
    if stray:
        raise SimpulError(
            "Penunjukan yang dilanjutkan harus penunjukan aktif dari SK yang diganti.",
            field="appointments",
        )
    new = _create_decree(
        actor=actor,
        number=number,
        date=date,
        title=title,
        signer_name=signer_name,
        signer_nip=signer_nip,
        effective_date=effective_date,
        pdf=pdf,
        subject=old.subject,
    )
    before = model_snapshot(old)
    old.status = SuratKeputusan.Status.REPLACED
    old.replaced_by = new
    old.ended_at = new.effective_date
    old.end_note = f"Diganti dengan SK {new.number}"
    old.save()
    _audit(
        actor,
        "registry.decree.replace",
        old,
        f"SK {old.number} diganti dengan SK {new.number}",
        before,
        model_snapshot(old),
    )
    for account in accounts:
        before = model_snapshot(account)
        if account.pk in keep_accounts:
            account.decree = new
            effect, name = DecreeItem.Effect.CONTINUED, "registry.account.continue"
        else:
            account.status = OfficialAccount.Status.RETIRED
            account.retired_by = new
            account.retired_on = new.effective_date
            effect, name = DecreeItem.Effect.ENDED, "registry.account.retire"
        account.save()
        _record_decree_effect(new, account, effect, name, before, actor)
        directory_sync_account(account, instansi=instansi)
    for appointment in appointments:
        before = model_snapshot(appointment)
        if appointment.pk in keep_appointments:
            appointment.decree = new
            effect, name = DecreeItem.Effect.CONTINUED, "registry.appointment.continue"
        else:
            appointment.status = Appointment.Status.ENDED
            appointment.ended_by = new
            appointment.end_date = min(
                appointment.end_date or new.effective_date, new.effective_date
            )
            effect, name = DecreeItem.Effect.ENDED, "registry.appointment.end"
        appointment.save()
        _record_decree_effect(new, appointment, effect, name, before, actor)
    # Retired accounts of the old SK keep pointing at it; refresh their decree status too.
    _sync_accounts_of_decree(old, instansi)
    return new


@action(
    "registry.decree.revoke",
    "SK dicabut",
    "SK dicabut tanpa pengganti",
    permission="registry.change_suratkeputusan",
)
def decree_revoke(
    *, actor, decree: SuratKeputusan, note: str, on: dt.date | None = None
) -> SuratKeputusan:
    """Revoke an SK without a successor. Its accounts and appointments stay recorded but are
    flagged (no active SK) until a new SK continues or ends them."""
    instansi = _instansi()
    decree = SuratKeputusan.objects.select_for_update().filter(pk=decree.pk).first()
    if decree is None:
        raise NotFound("SK tidak ditemukan.")
    if not decree.is_active:
        raise Conflict(f"SK {decree.number} sudah {decree.get_status_display().lower()}.")
    note = _require(note, "note", "Alasan pencabutan")
    on = on or _today()
    if on < decree.date:
        raise SimpulError("Tanggal pencabutan tidak boleh sebelum tanggal SK.", field="on")
    before = model_snapshot(decree)
    decree.status = SuratKeputusan.Status.REVOKED
    decree.ended_at = on
    decree.end_note = note[:300]
    decree.save()
    _audit(
        actor,
        "registry.decree.revoke",
        decree,
        f"SK {decree.number} dicabut: {note}"[:500],
        before,
        model_snapshot(decree),
    )
    _sync_accounts_of_decree(decree, instansi)
    return decree


def _active_decree(decree: SuratKeputusan | int | None, *, field: str = "decree"):
    if decree is None:
        raise SimpulError("Pilih SK yang menetapkannya.", field=field)
    pk = decree if isinstance(decree, int) else decree.pk
    decree = SuratKeputusan.objects.select_for_update().filter(pk=pk).first()
    if decree is None:
        raise NotFound("SK tidak ditemukan.", field=field)
    if not decree.is_active:
        raise Conflict(
            f"SK {decree.number} sudah {decree.get_status_display().lower()}: akun dan "
            "penunjukan hanya dapat diaktifkan dengan SK yang berlaku.",
            field=field,
        )
    if decree.subject != SuratKeputusan.Subject.ACCOUNTS:
        raise SimpulError(
            f"SK {decree.number} bukan SK penetapan akun dan petugas (pokoknya: "
            f"{decree.get_subject_display()}).",
            field=field,
        )
    return decree
