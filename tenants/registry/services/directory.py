"""The regency-wide account directory, kept in step with the registry in the same transaction,
so the directory's unique constraints settle races between instansi."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from core.actions import action
from core.errors import Conflict

from ...models import AccountDirectoryEntry, Instansi
from ..models import OfficialAccount, SuratKeputusan
from ..platforms import category_of
from ._common import _instansi


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


@action("registry.directory.rebuild", "Bangun ulang direktori akun")
def directory_rebuild(*, instansi: Instansi) -> int:
    """Rewrite `instansi`'s rows of the directory from its registry; returns the row count."""
    with schema_context(instansi.schema_name):
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
