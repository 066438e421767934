"""Writes of the registry: decrees (SK), official accounts, appointments, audience figures.

Every function runs in the current instansi's schema, in one transaction, leaves an audit row
per change and keeps the public-schema account directory in step inside that same transaction,
so the directory's unique constraints settle races between instansi and its rows appear
exactly when the registry change commits.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..audit import audit_record, changed, current_instansi, model_snapshot
from ..errors import Conflict, NotFound, SimpulError
from ..models import AccountDirectoryEntry, Instansi
from .models import Appointment, AudienceFigure, DecreeItem, OfficialAccount, SuratKeputusan
from .platforms import (
    PLATFORM_BY_CODE,
    UrlError,
    category_of,
    normalize_handle,
    normalize_url,
    resolve_account_address,
)
from .validation import validate_nip, validate_pdf

DECREE_FIELDS = (
    "number",
    "date",
    "title",
    "signer_name",
    "signer_nip",
    "subject",
    "effective_date",
)
CSV_MAX_ROWS = 5000
# The files stored by the writes in progress, one list per active guard (innermost last).
_STORED_FILES: ContextVar[tuple[list, ...]] = ContextVar("registry_stored_files", default=())


def _instansi() -> Instansi:
    """The instansi whose schema is in use (a request's tenant, or `schema_context`'s schema)."""
    instansi = current_instansi()
    if instansi is None and connection.schema_name not in ("public", ""):
        instansi = Instansi.objects.served().filter(schema_name=connection.schema_name).first()
    if instansi is None:
        raise SimpulError("Registri hanya dapat diubah dari situs instansi.")
    return instansi


def _full_clean(obj, **kwargs) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise SimpulError(" ".join(messages), field=None if field == "__all__" else field) from exc


def _require(value: Any, field: str, label: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise SimpulError(f"{label} wajib diisi.", field=field)
    return value.strip() if isinstance(value, str) else value


def _audit(actor, action: str, obj, summary: str, before: dict | None, after: dict | None):
    before, after = changed(before or {}, after or {})
    # The row's own modification time says nothing the audit row's time does not.
    before.pop("updated_at", None)
    after.pop("updated_at", None)
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        summary=summary,
        before=before,
        after=after,
        instansi=_instansi(),
    )


def _today() -> dt.date:
    return timezone.localdate()


# --- the public directory ---------------------------------------------------------------------


def _directory_owner_conflict(*, url: str, platform: str, handle: str, instansi: Instansi):
    """The active directory row of ANOTHER instansi that already holds this address."""
    match = Q(url=url)
    if handle:
        match |= Q(platform=platform, handle=handle)
    return (
        AccountDirectoryEntry.objects.select_related("instansi")
        .filter(match, status=AccountDirectoryEntry.Status.ACTIVE)
        .exclude(instansi=instansi)
        .first()
    )


def _taken_message(entry: AccountDirectoryEntry, url: str) -> str:
    return (
        f"Akun {url} sudah terdaftar sebagai akun resmi {entry.instansi.name} "
        f"(SK {entry.decree_number}). Satu akun hanya boleh resmi untuk satu instansi."
    )


def directory_sync_account(account: OfficialAccount, *, instansi: Instansi | None = None) -> None:
    """Write the account's row of the public directory, in the caller's transaction.

    Raises Conflict (naming the owner) when another instansi holds the address, including
    when that instansi's save raced ours and committed first (the unique constraint).
    """
    instansi = instansi or _instansi()
    decree = account.decree
    values = {
        "platform": account.platform,
        "platform_label": account.get_platform_display(),
        "category": category_of(account.platform),
        "handle": account.handle,
        "url": account.url,
        "display_name": account.display_name,
        "status": account.status,
        "decree_number": decree.number,
        "decree_date": decree.date,
        "decree_active": decree.is_active,
        "active_since": account.active_since,
        "retired_on": account.retired_on,
        "retired_decree_number": account.retired_by.number if account.retired_by_id else "",
        "updated_at": timezone.now(),
    }
    if account.is_active:
        other = _directory_owner_conflict(
            url=account.url, platform=account.platform, handle=account.handle, instansi=instansi
        )
        if other is not None:
            raise Conflict(_taken_message(other, account.url), field="url")
    try:
        with transaction.atomic():
            AccountDirectoryEntry.objects.update_or_create(
                instansi=instansi, account_id=account.pk, defaults=values
            )
    except IntegrityError:
        # Another instansi committed the same address between our check and our write.
        other = _directory_owner_conflict(
            url=account.url, platform=account.platform, handle=account.handle, instansi=instansi
        )
        owner = _taken_message(other, account.url) if other else None
        raise Conflict(
            owner or f"Akun {account.url} baru saja didaftarkan instansi lain; muat ulang.",
            field="url",
        ) from None


def directory_rebuild(*, instansi: Instansi) -> int:
    """Rewrite `instansi`'s rows of the directory from its registry; returns the row count."""
    from django_tenants.utils import schema_context

    with schema_context(instansi.schema_name), transaction.atomic():
        AccountDirectoryEntry.objects.filter(instansi=instansi).delete()
        accounts = list(
            OfficialAccount.objects.select_related("decree", "retired_by").order_by("status", "id")
        )
        # Retired rows first: they never conflict, and an active row wins its address.
        accounts.sort(key=lambda a: a.is_active)
        for account in accounts:
            directory_sync_account(account, instansi=instansi)
    return len(accounts)


def _sync_accounts_of_decree(decree: SuratKeputusan, instansi: Instansi) -> None:
    accounts = OfficialAccount.objects.select_related("decree", "retired_by").filter(
        Q(decree=decree) | Q(retired_by=decree)
    )
    for account in accounts:
        directory_sync_account(account, instansi=instansi)


# --- decrees ----------------------------------------------------------------------------------


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


@contextmanager
def _stored_files_removed_on_failure() -> Iterator[None]:
    """Delete the files stored inside the block again when the block fails.

    Wraps a write outside its transaction, so a failure at commit removes them too, and
    nested writes (decree_replace creating its SK) report to every guard around them. A
    caller's own transaction that rolls back after the write returned is beyond its reach.
    """
    stored: list = []
    token = _STORED_FILES.set((*_STORED_FILES.get(), stored))
    try:
        yield
    except BaseException:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise
    finally:
        _STORED_FILES.reset(token)


def _store_pdf(decree: SuratKeputusan, pdf) -> None:
    """Write the SK's PDF into the instansi's media, once every other check has passed."""
    decree.pdf.save(_pdf_name(decree.number), pdf, save=False)
    for stored in _STORED_FILES.get():
        stored.append(decree.pdf)


def _save_decree(decree: SuratKeputusan) -> None:
    try:
        with transaction.atomic():
            decree.save()
    except IntegrityError:
        # Another save of the same number committed between our check and our write.
        raise Conflict(f"SK nomor {decree.number} sudah tercatat.", field="number") from None


@_stored_files_removed_on_failure()
@transaction.atomic
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
    _full_clean(decree, exclude=["pdf"])
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


@_stored_files_removed_on_failure()
@transaction.atomic
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
    _full_clean(decree, exclude=["pdf"])
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


def _record_decree_effect(decree, kind, obj, effect, action: str, before: dict, actor) -> None:
    """What a replacing SK did to one account or appointment: its history row and audit."""
    DecreeItem.objects.create(
        decree=decree,
        kind=kind,
        **{"account" if kind == DecreeItem.Kind.ACCOUNT else "appointment": obj},
        label=str(obj)[:300],
        effect=effect,
    )
    _audit(
        actor,
        action,
        obj,
        f"{obj}: {effect.label.lower()} oleh SK {decree.number}",
        before,
        model_snapshot(obj),
    )


@_stored_files_removed_on_failure()
@transaction.atomic
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
    new = decree_create(
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
            effect, action = DecreeItem.Effect.CONTINUED, "registry.account.continue"
        else:
            account.status = OfficialAccount.Status.RETIRED
            account.retired_by = new
            account.retired_on = new.effective_date
            effect, action = DecreeItem.Effect.ENDED, "registry.account.retire"
        account.save()
        _record_decree_effect(new, DecreeItem.Kind.ACCOUNT, account, effect, action, before, actor)
        directory_sync_account(account, instansi=instansi)
    for appointment in appointments:
        before = model_snapshot(appointment)
        if appointment.pk in keep_appointments:
            appointment.decree = new
            effect, action = DecreeItem.Effect.CONTINUED, "registry.appointment.continue"
        else:
            appointment.status = Appointment.Status.ENDED
            appointment.ended_by = new
            appointment.end_date = min(
                appointment.end_date or new.effective_date, new.effective_date
            )
            effect, action = DecreeItem.Effect.ENDED, "registry.appointment.end"
        appointment.save()
        _record_decree_effect(
            new, DecreeItem.Kind.APPOINTMENT, appointment, effect, action, before, actor
        )
    # Retired accounts of the old SK keep pointing at it; refresh their decree status too.
    _sync_accounts_of_decree(old, instansi)
    return new


@transaction.atomic
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


# --- official accounts ------------------------------------------------------------------------


def _address(platform: str, url: str, handle: str) -> tuple[str, str]:
    if platform not in PLATFORM_BY_CODE:
        raise SimpulError(f"Platform {platform!r} tidak dikenal.", field="platform")
    try:
        return resolve_account_address(platform=platform, url=url or "", handle=handle or "")
    except UrlError as exc:
        raise SimpulError(str(exc), field="url") from None


def _check_local_duplicate(url: str, exclude_pk: int | None = None) -> None:
    same = OfficialAccount.objects.filter(url=url, status=OfficialAccount.Status.ACTIVE)
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise Conflict(f"Akun {url} sudah terdaftar aktif di instansi ini.", field="url")


def _save_account(account: OfficialAccount) -> None:
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise Conflict(f"Akun {account.url} sudah terdaftar aktif di instansi ini.") from None


@transaction.atomic
def account_create(
    *,
    actor,
    decree: SuratKeputusan | int,
    platform: str,
    display_name: str,
    url: str = "",
    handle: str = "",
    audience_note: str = "",
    active_since: dt.date | None = None,
) -> OfficialAccount:
    """Designate an official account under an active SK; unique across the regency."""
    instansi = _instansi()
    decree = _active_decree(decree)
    url, handle = _address(platform, url, handle)
    display_name = _require(display_name, "display_name", "Nama tampilan")
    active_since = active_since or decree.effective_date
    if active_since < decree.date:
        raise SimpulError(
            f"Tanggal resmi sejak tidak boleh sebelum tanggal SK {decree.number} "
            f"({decree.date:%d-%m-%Y}).",
            field="active_since",
        )
    _check_local_duplicate(url)
    account = OfficialAccount(
        platform=platform,
        handle=handle,
        url=url,
        display_name=display_name,
        audience_note=(audience_note or "").strip(),
        decree=decree,
        active_since=active_since,
    )
    _full_clean(account, validate_constraints=False)
    _save_account(account)
    DecreeItem.objects.create(
        decree=decree,
        kind=DecreeItem.Kind.ACCOUNT,
        account=account,
        label=str(account)[:300],
        effect=DecreeItem.Effect.DESIGNATED,
    )
    _audit(
        actor,
        "registry.account.create",
        account,
        f"Akun resmi {account} ditetapkan SK {decree.number}",
        {},
        model_snapshot(account),
    )
    directory_sync_account(account, instansi=instansi)
    return account


@transaction.atomic
def account_update(
    *,
    actor,
    account: OfficialAccount,
    display_name: str | None = None,
    audience_note: str | None = None,
    url: str | None = None,
    handle: str | None = None,
) -> OfficialAccount:
    """Correct an account's name, audience note or address (the platform stays)."""
    instansi = _instansi()
    account = (
        OfficialAccount.objects.select_for_update(of=("self",))
        .select_related("decree", "retired_by")
        .get(pk=account.pk)
    )
    before = model_snapshot(account)
    if url is not None or handle is not None:
        new_url, new_handle = _address(
            account.platform,
            account.url if url is None else url,
            "" if handle is None and url is not None else (handle or account.handle),
        )
        if account.is_active:
            _check_local_duplicate(new_url, exclude_pk=account.pk)
        account.url, account.handle = new_url, new_handle
    if display_name is not None:
        account.display_name = _require(display_name, "display_name", "Nama tampilan")
    if audience_note is not None:
        account.audience_note = audience_note.strip()
    _full_clean(account, validate_constraints=False)
    _save_account(account)
    _audit(
        actor,
        "registry.account.update",
        account,
        f"Akun resmi {account} diubah",
        before,
        model_snapshot(account),
    )
    directory_sync_account(account, instansi=instansi)
    return account


@transaction.atomic
def account_retire(
    *,
    actor,
    account: OfficialAccount,
    decree: SuratKeputusan | int,
    on: dt.date | None = None,
) -> OfficialAccount:
    """Retire an account by an SK (the one that ends it); it stays listed as retired."""
    instansi = _instansi()
    account = (
        OfficialAccount.objects.select_for_update(of=("self",))
        .select_related("decree")
        .get(pk=account.pk)
    )
    if not account.is_active:
        raise Conflict(f"Akun {account} sudah dihentikan.")
    decree = _active_decree(decree)
    on = on or _today()
    if on < account.active_since:
        raise SimpulError(
            "Tanggal dihentikan tidak boleh sebelum tanggal akun resmi.", field="retired_on"
        )
    before = model_snapshot(account)
    account.status = OfficialAccount.Status.RETIRED
    account.retired_by = decree
    account.retired_on = on
    account.save()
    DecreeItem.objects.create(
        decree=decree,
        kind=DecreeItem.Kind.ACCOUNT,
        account=account,
        label=str(account)[:300],
        effect=DecreeItem.Effect.ENDED,
    )
    _audit(
        actor,
        "registry.account.retire",
        account,
        f"Akun resmi {account} dihentikan oleh SK {decree.number}",
        before,
        model_snapshot(account),
    )
    directory_sync_account(account, instansi=instansi)
    return account


@transaction.atomic
def account_reactivate(
    *, actor, account: OfficialAccount, decree: SuratKeputusan | int, on: dt.date | None = None
) -> OfficialAccount:
    """Make a retired account official again under an active SK."""
    instansi = _instansi()
    account = OfficialAccount.objects.select_for_update().get(pk=account.pk)
    if account.is_active:
        raise Conflict(f"Akun {account} masih aktif.")
    decree = _active_decree(decree)
    _check_local_duplicate(account.url, exclude_pk=account.pk)
    before = model_snapshot(account)
    account.status = OfficialAccount.Status.ACTIVE
    account.decree = decree
    account.active_since = on or decree.effective_date
    account.retired_by = None
    account.retired_on = None
    _save_account(account)
    DecreeItem.objects.create(
        decree=decree,
        kind=DecreeItem.Kind.ACCOUNT,
        account=account,
        label=str(account)[:300],
        effect=DecreeItem.Effect.DESIGNATED,
    )
    _audit(
        actor,
        "registry.account.reactivate",
        account,
        f"Akun resmi {account} diaktifkan kembali oleh SK {decree.number}",
        before,
        model_snapshot(account),
    )
    directory_sync_account(account, instansi=instansi)
    return account


# --- appointments -----------------------------------------------------------------------------


def _appointment_accounts(account_ids: Iterable[int]) -> list[OfficialAccount]:
    ids = {int(i) for i in account_ids}
    accounts = list(
        OfficialAccount.objects.filter(pk__in=ids, status=OfficialAccount.Status.ACTIVE)
    )
    if len(accounts) != len(ids):
        raise SimpulError(
            "Akun yang dikelola harus akun resmi aktif instansi ini.", field="accounts"
        )
    return accounts


def _appointment_snapshot(appointment: Appointment) -> dict:
    data = model_snapshot(appointment)
    data["accounts"] = sorted(appointment.accounts.values_list("pk", flat=True))
    return data


def _check_appointment_dates(start: dt.date, end: dt.date | None, decree: SuratKeputusan):
    if start < decree.date:
        raise SimpulError(
            f"Tanggal mulai tidak boleh sebelum tanggal SK {decree.number} "
            f"({decree.date:%d-%m-%Y}).",
            field="start_date",
        )
    if end is not None and end < start:
        raise SimpulError("Tanggal sampai tidak boleh sebelum tanggal mulai.", field="end_date")


@transaction.atomic
def appointment_create(
    *,
    actor,
    decree: SuratKeputusan | int,
    person_name: str,
    nip: str,
    position: str,
    role: str,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    account_ids: Iterable[int] = (),
) -> Appointment:
    """Appoint a pejabat or petugas for accounts under an active SK."""
    _instansi()
    decree = _active_decree(decree)
    person_name = _require(person_name, "person_name", "Nama")
    position = _require(position, "position", "Jabatan")
    nip = validate_nip(nip)
    if role not in Appointment.Role.values:
        raise SimpulError("Pilih peran: pejabat penanggung jawab atau petugas.", field="role")
    start_date = start_date or decree.effective_date
    _check_appointment_dates(start_date, end_date, decree)
    if Appointment.objects.filter(nip=nip, role=role, status=Appointment.Status.ACTIVE).exists():
        raise Conflict(
            f"NIP {nip} sudah memiliki penunjukan aktif sebagai "
            f"{Appointment.Role(role).label.lower()}.",
            field="nip",
        )
    accounts = _appointment_accounts(account_ids)
    appointment = Appointment(
        person_name=person_name,
        nip=nip,
        position=position,
        role=role,
        decree=decree,
        start_date=start_date,
        end_date=end_date,
    )
    _full_clean(appointment)
    appointment.save()
    appointment.accounts.set(accounts)
    DecreeItem.objects.create(
        decree=decree,
        kind=DecreeItem.Kind.APPOINTMENT,
        appointment=appointment,
        label=str(appointment)[:300],
        effect=DecreeItem.Effect.DESIGNATED,
    )
    _audit(
        actor,
        "registry.appointment.create",
        appointment,
        f"Penunjukan {appointment} oleh SK {decree.number}",
        {},
        _appointment_snapshot(appointment),
    )
    return appointment


@transaction.atomic
def appointment_update(
    *,
    actor,
    appointment: Appointment,
    person_name: str | None = None,
    nip: str | None = None,
    position: str | None = None,
    end_date: dt.date | None | type[Ellipsis] = ...,
    account_ids: Iterable[int] | None = None,
) -> Appointment:
    """Correct an appointment's person, position, end date or accounts."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("decree")
        .get(pk=appointment.pk)
    )
    before = _appointment_snapshot(appointment)
    if person_name is not None:
        appointment.person_name = _require(person_name, "person_name", "Nama")
    if position is not None:
        appointment.position = _require(position, "position", "Jabatan")
    if nip is not None:
        appointment.nip = validate_nip(nip)
    if end_date is not ...:
        appointment.end_date = end_date
    _check_appointment_dates(appointment.start_date, appointment.end_date, appointment.decree)
    _full_clean(appointment)
    appointment.save()
    if account_ids is not None:
        appointment.accounts.set(_appointment_accounts(account_ids))
    _audit(
        actor,
        "registry.appointment.update",
        appointment,
        f"Penunjukan {appointment} diubah",
        before,
        _appointment_snapshot(appointment),
    )
    return appointment


@transaction.atomic
def appointment_end(
    *,
    actor,
    appointment: Appointment,
    on: dt.date | None = None,
    decree: SuratKeputusan | int | None = None,
) -> Appointment:
    """End an appointment (optionally by an SK that says so)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not appointment.is_active:
        raise Conflict(f"Penunjukan {appointment} sudah berakhir.")
    on = on or _today()
    if on < appointment.start_date:
        raise SimpulError("Tanggal berakhir tidak boleh sebelum tanggal mulai.", field="end_date")
    ending = _active_decree(decree) if decree is not None else None
    before = _appointment_snapshot(appointment)
    appointment.status = Appointment.Status.ENDED
    appointment.end_date = on
    appointment.ended_by = ending
    appointment.save()
    if ending is not None:
        DecreeItem.objects.create(
            decree=ending,
            kind=DecreeItem.Kind.APPOINTMENT,
            appointment=appointment,
            label=str(appointment)[:300],
            effect=DecreeItem.Effect.ENDED,
        )
    _audit(
        actor,
        "registry.appointment.end",
        appointment,
        f"Penunjukan {appointment} berakhir",
        before,
        _appointment_snapshot(appointment),
    )
    return appointment


# --- audience figures -------------------------------------------------------------------------


def _month(value: dt.date | str) -> dt.date:
    if isinstance(value, str):
        text = value.strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{1,2}", text):
                raise ValueError(text)
            year, month = text.split("-")
            return dt.date(int(year), int(month), 1)
        except (ValueError, TypeError):
            raise SimpulError(
                f"Bulan {text!r} tidak sah; tulis sebagai TTTT-BB (mis. 2026-01).", field="month"
            ) from None
    return value.replace(day=1)


@transaction.atomic
def audience_record(
    *,
    actor,
    account: OfficialAccount | int,
    month: dt.date | str,
    followers: int,
    source: str = AudienceFigure.Source.ADMIN,
) -> AudienceFigure:
    """Record (or correct) an account's follower count for a month."""
    pk = account if isinstance(account, int) else account.pk
    account = OfficialAccount.objects.filter(pk=pk).first()
    if account is None:
        raise NotFound("Akun tidak ditemukan.", field="account")
    month = _month(month)
    today = _today()
    if month > today.replace(day=1):
        raise SimpulError(
            "Jumlah khalayak tidak dapat dicatat untuk bulan mendatang.", field="month"
        )
    if month < account.active_since.replace(day=1):
        raise SimpulError(
            f"Akun {account} baru resmi sejak {account.active_since:%m/%Y}.", field="month"
        )
    try:
        followers = int(followers)
    except (TypeError, ValueError):
        raise SimpulError("Jumlah pengikut harus bilangan bulat.", field="followers") from None
    if followers < 0:
        raise SimpulError("Jumlah pengikut tidak boleh negatif.", field="followers")
    figure = AudienceFigure.objects.select_for_update().filter(account=account, month=month).first()
    before = model_snapshot(figure) if figure else {}
    if figure is None:
        figure = AudienceFigure(account=account, month=month)
    figure.followers = followers
    figure.source = source
    figure.recorded_at = timezone.now()
    _full_clean(figure, validate_constraints=False)
    figure.save()
    _audit(
        actor,
        "registry.audience.record",
        figure,
        f"Khalayak {account} {month:%Y-%m}: {followers}",
        before,
        model_snapshot(figure),
    )
    return figure


def _account_for_csv(key: str, accounts: list[OfficialAccount]) -> OfficialAccount | None:
    key = key.strip()
    try:
        url = normalize_url(key) if ("/" in key or "." in key) else ""
    except UrlError:
        url = ""
    try:
        handle = normalize_handle(key)
    except UrlError:
        handle = ""
    by_url = [a for a in accounts if url and a.url == url]
    if by_url:
        return by_url[0]
    by_handle = [a for a in accounts if handle and a.handle == handle]
    return by_handle[0] if len(by_handle) == 1 else None


@transaction.atomic
def audience_import_csv(*, actor, data: bytes | str) -> int:
    """Import follower counts from CSV (`akun,bulan,pengikut`); all rows or none.

    `akun` is the account's URL or handle; `bulan` is TTTT-BB. Returns the number of rows.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SimpulError("Berkas CSV harus berenkode UTF-8.", field="file") from None
    sample = data[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(data), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    required = {"akun", "bulan", "pengikut"}
    if not required <= set(header):
        raise SimpulError(
            "Kolom CSV harus memuat: akun, bulan, pengikut (baris pertama sebagai judul kolom).",
            field="file",
        )
    reader.fieldnames = header
    accounts = list(OfficialAccount.objects.all())
    rows = []
    for line_no, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if len(rows) >= CSV_MAX_ROWS:
            raise SimpulError(f"Berkas CSV paling banyak {CSV_MAX_ROWS} baris.", field="file")
        account = _account_for_csv(row.get("akun") or "", accounts)
        if account is None:
            raise SimpulError(
                f"Baris {line_no}: akun {row.get('akun')!r} tidak ditemukan di registri.",
                field="file",
            )
        followers = (row.get("pengikut") or "").strip().replace(".", "").replace(" ", "")
        rows.append((line_no, account, row.get("bulan") or "", followers))
    if not rows:
        raise SimpulError("Berkas CSV tidak memuat satu baris data pun.", field="file")
    for line_no, account, month, followers in rows:
        try:
            audience_record(
                actor=actor,
                account=account,
                month=month,
                followers=followers,
                source=AudienceFigure.Source.CSV,
            )
        except SimpulError as exc:
            raise SimpulError(f"Baris {line_no}: {exc.message}", field="file") from None
    return len(rows)


# --- reminders --------------------------------------------------------------------------------


@transaction.atomic
def reminders_refresh(*, instansi: Instansi, today: dt.date | None = None) -> dict[str, int]:
    """Flag the registry's problems to `instansi` (public rows Diskominfo reads); idempotent.

    Runs in `instansi`'s schema. Opens a reminder per problem not yet flagged, touches those
    still open, resolves those fixed. Returns the open count per kind.
    """
    from ..models import RegistryReminder
    from .selectors import (
        _last_month,
        accounts_missing_audience,
        accounts_without_active_decree,
        appointments_expired,
    )

    today = today or _today()
    now = timezone.now()
    month = _last_month(today)
    Kind = RegistryReminder.Kind
    found: dict[str, dict[str, str]] = {kind: {} for kind in Kind.values}
    for account in accounts_without_active_decree():
        found[Kind.ACCOUNT_WITHOUT_DECREE][f"akun:{account.pk}"] = (
            f"Akun {account} masih aktif, tetapi SK {account.decree.number} "
            f"sudah {account.decree.get_status_display().lower()}."
        )
    for appointment in appointments_expired(today=today):
        found[Kind.APPOINTMENT_EXPIRED][f"penunjukan:{appointment.pk}"] = (
            f"Penunjukan {appointment} berakhir {appointment.end_date:%d-%m-%Y} "
            "tetapi belum ditutup atau diperpanjang."
        )
    for account in accounts_missing_audience(month=month).select_related(None):
        found[Kind.AUDIENCE_MISSING][f"akun:{account.pk}:{month:%Y-%m}"] = (
            f"Jumlah pengikut {account} untuk {month:%m/%Y} belum dicatat."
        )
    open_rows = {
        (r.kind, r.object_key): r
        for r in RegistryReminder.objects.select_for_update().filter(
            instansi=instansi, resolved_at__isnull=True
        )
    }
    for kind, problems in found.items():
        for key, message in problems.items():
            row = open_rows.pop((kind, key), None)
            if row is None:
                RegistryReminder.objects.create(
                    instansi=instansi,
                    kind=kind,
                    object_key=key,
                    message=message[:500],
                    first_seen_at=now,
                    last_seen_at=now,
                )
            else:
                row.message = message[:500]
                row.last_seen_at = now
                row.save(update_fields=["message", "last_seen_at"])
    for row in open_rows.values():
        row.resolved_at = now
        row.save(update_fields=["resolved_at"])
    return {kind: len(problems) for kind, problems in found.items()}
