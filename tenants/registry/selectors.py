"""Reads of the registry: active accounts, decrees, appointments, health figures, verification.

Tenant-schema reads run in the schema being served (or the one set by `schema_context`);
reads of the public directory and reminders always name the instansi or the address.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from core.freshness import newest_in_schema

from ..models import AccountDirectoryEntry, Instansi, RegistryReminder
from .models import Appointment, AudienceFigure, DecreeItem, OfficialAccount, SuratKeputusan
from .platforms import (
    PLATFORM_BY_CODE,
    UrlError,
    handle_from_url,
    normalize_handle,
    normalize_url,
    platform_for_url,
)


def official_account_list_active() -> QuerySet[OfficialAccount]:
    """The current instansi's active official accounts, with their SK (for the site pages)."""
    return (
        OfficialAccount.objects.filter(status=OfficialAccount.Status.ACTIVE)
        .select_related("decree")
        .order_by("platform", "handle", "id")
    )


def official_account_list() -> QuerySet[OfficialAccount]:
    return OfficialAccount.objects.select_related("decree", "retired_by")


def decree_list() -> QuerySet[SuratKeputusan]:
    return SuratKeputusan.objects.select_related("replaced_by").annotate(
        account_count=Count("accounts", distinct=True)
    )


def decree_active_list() -> QuerySet[SuratKeputusan]:
    return SuratKeputusan.objects.filter(
        status=SuratKeputusan.Status.ACTIVE, subject=SuratKeputusan.Subject.ACCOUNTS
    ).order_by("-date", "-id")


def decree_get(pk: int) -> SuratKeputusan | None:
    return SuratKeputusan.objects.select_related("replaced_by").filter(pk=pk).first()


def decree_items(decree: SuratKeputusan) -> QuerySet[DecreeItem]:
    """What the SK did, in order: the readable history kept after it is replaced."""
    return decree.items.select_related("account", "appointment").order_by("kind", "id")


def appointment_list() -> QuerySet[Appointment]:
    return Appointment.objects.select_related("decree").prefetch_related(
        Prefetch("accounts", queryset=OfficialAccount.objects.order_by("platform", "handle"))
    )


def audience_figure_list() -> QuerySet[AudienceFigure]:
    return AudienceFigure.objects.select_related("account")


def last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def accounts_without_active_decree() -> QuerySet[OfficialAccount]:
    return official_account_list_active().exclude(decree__status=SuratKeputusan.Status.ACTIVE)


def appointments_expired(*, today: dt.date | None = None) -> QuerySet[Appointment]:
    today = today or timezone.localdate()
    return Appointment.objects.filter(status=Appointment.Status.ACTIVE, end_date__lt=today)


def accounts_missing_audience(*, month: dt.date) -> QuerySet[OfficialAccount]:
    """Active accounts (official by then) with no follower count recorded for `month`."""
    return (
        official_account_list_active()
        .filter(active_since__lt=_next_month(month))
        .exclude(audience_figures__month=month)
    )


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def registry_health(*, today: dt.date | None = None) -> dict:
    """The registry's state in the current schema, as the evaluation reads it."""
    today = today or timezone.localdate()
    active_accounts = OfficialAccount.objects.filter(status=OfficialAccount.Status.ACTIVE)
    active_appointments = Appointment.objects.filter(status=Appointment.Status.ACTIVE)
    return {
        "active_decree": decree_active_list().filter(effective_date__lte=today).exists(),
        "decrees": SuratKeputusan.objects.count(),
        "accounts_active": active_accounts.count(),
        "accounts_without_active_decree": active_accounts.exclude(
            decree__status=SuratKeputusan.Status.ACTIVE
        ).count(),
        "officers_active": active_appointments.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        ).count(),
        "appointments_expired": active_appointments.filter(end_date__lt=today).count(),
        "accounts_missing_audience_last_month": accounts_missing_audience(
            month=last_month(today)
        ).count(),
    }


def audience_total(*, year: int) -> int | None:
    """Sum over active accounts of the latest follower count recorded in `year` (None: none)."""
    latest = (
        AudienceFigure.objects.filter(account=OuterRef("pk"), month__year=year)
        .order_by("-month")
        .values("followers")[:1]
    )
    result = (
        OfficialAccount.objects.filter(status=OfficialAccount.Status.ACTIVE)
        .annotate(
            has_figure=Exists(
                AudienceFigure.objects.filter(account=OuterRef("pk"), month__year=year)
            ),
            latest_followers=Subquery(latest),
        )
        .filter(has_figure=True)
        .aggregate(total=Sum("latest_followers"), n=Count("pk"))
    )
    return int(result["total"]) if result["n"] else None


# --- the public directory and verification ----------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """The answer to "is this account official?" (status: resmi / dihentikan / tidak_terdaftar)."""

    status: str
    query: str
    entry: AccountDirectoryEntry | None = None
    # True when the address itself is not in the directory but names a listed account's
    # platform and handle (a post, or another spelling of the profile address).
    by_handle: bool = False

    OFFICIAL = "resmi"
    RETIRED = "dihentikan"
    UNKNOWN = "tidak_terdaftar"

    @property
    def official(self) -> bool:
        return self.status == self.OFFICIAL

    @property
    def message(self) -> str:
        e = self.entry
        if e is None:
            return (
                f"{self.query} tidak terdaftar sebagai akun resmi instansi mana pun di "
                "kabupaten ini. Berhati-hatilah terhadap akun yang mengatasnamakan instansi."
            )
        via = (
            f"Alamat {self.query} menunjuk akun {e.platform_label} @{e.handle} ({e.url}). "
            if self.by_handle
            else ""
        )
        if self.official:
            text = via + (
                f"{e.url} adalah akun resmi {e.instansi.name} sejak {e.active_since:%d-%m-%Y}, "
                f"ditetapkan dengan SK {e.decree_number} tanggal {e.decree_date:%d-%m-%Y}."
            )
            if not e.decree_active:
                text += " Perhatian: SK penetapannya sudah tidak berlaku dan sedang diperbarui."
            return text
        ended = f" pada {e.retired_on:%d-%m-%Y}" if e.retired_on else ""
        by = f" oleh SK {e.retired_decree_number}" if e.retired_decree_number else ""
        return via + (
            f"{e.url} dahulu akun resmi {e.instansi.name}, tetapi sudah dihentikan{ended}{by}; "
            "akun ini tidak lagi mewakili instansi."
        )

    def as_dict(self) -> dict:
        e = self.entry
        data = {
            "status": self.status,
            "official": self.official,
            "query": self.query,
            "message": self.message,
            "instansi": None,
            "account": None,
            "decree": None,
            "official_since": None,
            "retired_on": None,
        }
        if e is not None:
            data.update(
                instansi={"slug": e.instansi.schema_name, "name": e.instansi.name},
                account={
                    "platform": e.platform,
                    "platform_label": e.platform_label,
                    "category": e.category,
                    "handle": e.handle,
                    "url": e.url,
                    "display_name": e.display_name,
                },
                decree={
                    "number": e.decree_number,
                    "date": e.decree_date.isoformat(),
                    "active": e.decree_active,
                },
                official_since=e.active_since.isoformat(),
                retired_on=e.retired_on.isoformat() if e.retired_on else None,
            )
        return data


def account_verify(*, url: str = "", platform: str = "", handle: str = "") -> Verification:
    """Look an address (or platform + handle) up in the regency-wide directory.

    An address with no row of its own (a post, `youtube.com/c/x` for `youtube.com/@x`) is
    looked up by the platform and handle it names, as the registry itself derives them.
    Raises UrlError (message for the user) for missing or malformed input.
    """
    entries = AccountDirectoryEntry.objects.select_related("instansi").filter(
        instansi__is_active=True, instansi__is_template=False
    )
    by_handle = False
    if url:
        query = normalize_url(url)
        entry = _preferred_entry(entries.filter(url=query))
        spec, url_handle = platform_for_url(query), handle_from_url(query)
        if entry is None and spec is not None and url_handle:
            entry = _preferred_entry(entries.filter(platform=spec.code, handle=url_handle))
            by_handle = entry is not None
    elif platform or handle:
        if platform not in PLATFORM_BY_CODE:
            raise UrlError(
                f"Platform {platform!r} tidak dikenal; pilih salah satu: "
                f"{', '.join(PLATFORM_BY_CODE)}."
                if platform
                else "Parameter platform wajib diisi bersama handle."
            )
        handle = normalize_handle(handle)
        if not handle:
            raise UrlError("Parameter handle wajib diisi bersama platform.")
        query = f"{PLATFORM_BY_CODE[platform].label} @{handle}"
        entry = _preferred_entry(entries.filter(platform=platform, handle=handle))
    else:
        raise UrlError("Isi alamat (url) akun, atau platform dan handle-nya.")
    if entry is None:
        return Verification(Verification.UNKNOWN, query)
    status = (
        Verification.OFFICIAL
        if entry.status == AccountDirectoryEntry.Status.ACTIVE
        else Verification.RETIRED
    )
    return Verification(status, query, entry, by_handle=by_handle)


def _preferred_entry(entries: QuerySet[AccountDirectoryEntry]) -> AccountDirectoryEntry | None:
    """The active row if there is one; otherwise the most recently retired one."""
    return entries.order_by("status", "-retired_on", "-updated_at").first()


def directory_list_for_instansi(*, instansi: Instansi) -> QuerySet[AccountDirectoryEntry]:
    return AccountDirectoryEntry.objects.filter(instansi=instansi).order_by("platform", "handle")


def reminder_list_open(*, instansi: Instansi | None = None) -> QuerySet[RegistryReminder]:
    """Open registry reminders of one instansi, or of every instansi (Diskominfo's view)."""
    reminders = RegistryReminder.objects.select_related("instansi").filter(resolved_at__isnull=True)
    if instansi is not None:
        reminders = reminders.filter(instansi=instansi)
    return reminders.order_by("instansi__name", "kind", "first_seen_at")


def reminder_counts_by_instansi() -> dict[str, dict[str, int]]:
    """{slug: {kind: open count}} for Diskominfo's overview."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        RegistryReminder.objects.filter(resolved_at__isnull=True)
        .values("instansi__schema_name", "kind")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["instansi__schema_name"], {})[row["kind"]] = row["n"]
    return counts


def registry_last_change() -> dt.datetime | None:
    """The newest change among the registry rows of the schema in use (decrees, accounts,
    appointments, audience figures): when the instansi's registry figures last moved."""
    return newest_in_schema(
        [
            (SuratKeputusan, ("created_at", "updated_at")),
            (OfficialAccount, ("created_at", "updated_at")),
            (Appointment, ("created_at", "updated_at")),
            (DecreeItem, ("created_at",)),
            (AudienceFigure, ("recorded_at",)),
        ]
    )
