"""Official-account actions: designate, correct, retire and reactivate an account by SK."""

import datetime as dt

from django.db import IntegrityError, transaction

from core.actions import action
from core.audit import model_snapshot
from core.errors import Conflict, SimpulError
from core.validation import full_clean

from ..models import DecreeItem, OfficialAccount, SuratKeputusan
from ..platforms import PLATFORM_BY_CODE, UrlError, resolve_account_address
from ._common import _audit, _decree_item, _instansi, _require, _today
from .decrees import _active_decree
from .directory import directory_sync_account


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


@action(
    "registry.account.create",
    "Akun resmi ditetapkan",
    "Akun resmi ditetapkan dengan SK",
    permission="registry.add_officialaccount",
)
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
    full_clean(account, validate_constraints=False)
    _save_account(account)
    _decree_item(decree, account, DecreeItem.Effect.DESIGNATED)
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


@action(
    "registry.account.update",
    "Akun resmi diubah",
    "Rincian akun resmi diubah",
    permission="registry.change_officialaccount",
)
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
    full_clean(account, validate_constraints=False)
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


@action(
    "registry.account.retire",
    "Akun dihentikan",
    "Akun resmi dihentikan oleh SK",
    permission="registry.change_officialaccount",
)
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
    _decree_item(decree, account, DecreeItem.Effect.ENDED)
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


@action(
    "registry.account.reactivate",
    "Akun diaktifkan kembali",
    "Akun resmi diaktifkan kembali oleh SK",
    permission="registry.change_officialaccount",
)
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
    _decree_item(decree, account, DecreeItem.Effect.DESIGNATED)
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
