"""What the inbox's writes share: the transition table, checks, the timeline event, notices."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.actors import actor_name
from core.errors import Conflict, Forbidden, NotFound, SimpulError
from core.outbox import outbox_enqueue, staff_emails
from core.validation import full_clean
from tenants.models import AccountDirectoryEntry, Instansi
from tenants.registry.selectors import directory_list_for_instansi
from tenants.services import instansi_url

from ..models import (
    Inquiry,
    InquiryEvent,
    Notification,
    Referral,
)

S = Inquiry.Status
A = InquiryEvent.Action
N = Notification.Kind

# Which statuses each action may start from: the whole of Lampiran B in one table.
TRANSITIONS: dict[str, frozenset[str]] = {
    "answer": frozenset({S.RECEIVED}),
    "refer": frozenset({S.RECEIVED, S.REFERRED, S.RELATED_ANSWERED}),
    "referral_answer": frozenset({S.REFERRED}),
    "referral_decline": frozenset({S.REFERRED}),
    "reply": frozenset({S.RELATED_ANSWERED}),
    "close": frozenset({S.ANSWERED, S.REPLIED}),
    # The citizen, on the tracking page, once an answer is there to read.
    "rate": frozenset({S.ANSWERED, S.RELATED_ANSWERED, S.REPLIED, S.CLOSED}),
    "follow_up": frozenset({S.ANSWERED, S.RELATED_ANSWERED, S.REPLIED, S.CLOSED}),
}
ACTION_LABELS = {
    "answer": "menjawab langsung",
    "refer": "merujuk",
    "referral_answer": "menjawab rujukan",
    "referral_decline": "menolak rujukan",
    "reply": "membalas ke masyarakat",
    "close": "menutup",
    "rate": "menilai jawaban",
    "follow_up": "mengajukan pertanyaan lanjutan",
}
# Letters and digits that cannot be misread (no 0/O, 1/I/L): 31^12 ≈ 2^59 codes.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TOPICS_MAX = 10
TOPIC_MAX_LENGTH = 60
PETUGAS_GROUPS = ("Petugas Pengelola Media Sosial", "Pejabat Pengelola")


def referral_sla() -> timedelta:
    return timedelta(hours=settings.SIMPUL_REFERRAL_SLA_HOURS)


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_tracking_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(raw) != 12:
        return ""
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool):
    value = (value or "").strip()
    if required and not value:
        raise SimpulError(f"{label} wajib diisi.", field=field)
    if len(value) > max_length:
        raise SimpulError(
            f"{label} terlalu panjang: {len(value)} karakter, paling banyak {max_length}.",
            field=field,
        )
    return value


def _choice(value: str | None, choices: type, *, field: str, label: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise SimpulError(f"{label} tidak dikenal: {value!r}. Pilihan: {allowed}.", field=field)
    return value


def _full_clean(obj) -> None:
    full_clean(obj)


def _check_transition(inquiry: Inquiry, action: str) -> None:
    if inquiry.status in TRANSITIONS[action]:
        return
    if inquiry.status == S.CLOSED:
        raise Conflict("Pesan ini sudah ditutup; tidak ada tindakan lagi yang dapat dilakukan.")
    raise Conflict(
        f"Tidak dapat {ACTION_LABELS[action]}: pesan berstatus «{inquiry.get_status_display()}»."
    )


def _lock_inquiry(inquiry_id: int) -> Inquiry:
    inquiry = Inquiry.objects.select_for_update().filter(pk=inquiry_id).first()
    if inquiry is None:
        raise NotFound("Pesan tidak ditemukan.")
    return inquiry


def _require_handler(inquiry: Inquiry, instansi: Instansi) -> None:
    """Only the receiving instansi acts on the inquiry itself; others do not even see it."""
    if inquiry.instansi_id == instansi.pk:
        return
    if Referral.objects.filter(inquiry=inquiry, to_instansi=instansi).exists():
        raise Forbidden("Hanya instansi penerima pesan yang dapat melakukan tindakan ini.")
    raise NotFound("Pesan tidak ditemukan.")


def _event(
    *,
    inquiry: Inquiry,
    instansi: Instansi,
    action: str,
    actor: Any,
    text: str = "",
    referral: Referral | None = None,
    at: datetime | None = None,
) -> InquiryEvent:
    event = InquiryEvent(
        inquiry=inquiry,
        referral=referral,
        instansi=instansi,
        action=action,
        actor_name=actor_name(actor),
        status_after=inquiry.status,
        text=text,
        created_at=at or timezone.now(),
    )
    event.save()
    return event


def _save_status(inquiry: Inquiry, status: str, now: datetime, **fields: Any) -> None:
    inquiry.status = status
    inquiry.updated_at = now
    for name, value in fields.items():
        setattr(inquiry, name, value)
    inquiry.save(update_fields=["status", "updated_at", *fields])


def _notify(
    *,
    key: str,
    kind: str,
    instansi: Instansi,
    inquiry: Inquiry,
    subject: str,
    message: str,
    referral: Referral | None = None,
) -> Notification | None:
    """Add one notice (once per key) with its mail in the kernel's outbox, delivered after
    commit by the kernel's task and retried by its sweeper."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key,
                kind=kind,
                instansi=instansi,
                inquiry=inquiry,
                referral=referral,
                subject=subject[:200],
                message=message,
            )
    except IntegrityError:
        return None  # already made by an earlier run: exactly one notice per key
    _enqueue_mail(notification)
    return notification


OUTBOX_KIND = "inbox"


def notice_outbox_key(notification: Notification) -> str:
    return f"inbox:{notification.key}"


def _enqueue_mail(notification: Notification) -> int | None:
    """The notice's mail as an outbox message, to the instansi's petugas and pejabat."""
    message = outbox_enqueue(
        key=notice_outbox_key(notification),
        kind=OUTBOX_KIND,
        recipients=staff_emails(
            notification.instansi.schema_name, groups=PETUGAS_GROUPS, superusers="fallback"
        ),
        subject=notification.subject,
        body=notification.message,
    )
    return message.pk if message is not None else None


def _admin_link(instansi: Instansi, inquiry: Inquiry) -> str:
    return instansi_url(instansi, f"/admin/kotak-masuk/pesan/{inquiry.pk}/")


def super_instansi() -> Instansi | None:
    """Diskominfo: triages "tidak tahu" inquiries and watches overdue referrals."""
    return Instansi.objects.active().filter(kind=Instansi.Kind.SUPER).order_by("pk").first()


def _active_instansi(value: Any, *, field: str) -> Instansi:
    if isinstance(value, Instansi):
        instansi = value
    else:
        instansi = Instansi.objects.served().filter(schema_name=str(value or "")).first()
    if instansi is None or instansi.is_template:
        raise SimpulError(f"Instansi tidak dikenal: {value!r}.", field=field)
    if not instansi.is_active:
        raise SimpulError(f"Instansi {instansi.name} tidak aktif.", field=field)
    return instansi


def official_account_label(entry: AccountDirectoryEntry) -> str:
    """How an official account is named on screens and in the timeline: "Instagram @akun"."""
    return f"{entry.platform_label} {entry.handle or entry.url}"[:300]


def _official_account(
    value: Any, *, instansi: Instansi, channel: str
) -> AccountDirectoryEntry | None:
    """The receiving instansi's active account the message arrived on, from the public directory.

    `value` is the account's id in the instansi's registry (as the registry API lists it) or a
    directory row. The channel "akun resmi" requires one, and no other channel takes one.
    """
    if value in (None, ""):
        if channel == Inquiry.Channel.AKUN_RESMI:
            raise SimpulError(
                "Pilih akun resmi tempat pesan diterima: kanal «Akun media sosial resmi» "
                "wajib menyebut akunnya.",
                field="official_account",
            )
        return None
    if channel != Inquiry.Channel.AKUN_RESMI:
        raise SimpulError(
            "Akun resmi hanya diisi untuk kanal «Akun media sosial resmi».",
            field="official_account",
        )
    if isinstance(value, AccountDirectoryEntry):
        account_id = value.account_id if value.instansi_id == instansi.pk else None
    elif isinstance(value, bool):
        account_id = None
    else:
        try:
            account_id = int(str(value).strip())
        except ValueError:
            account_id = None
    entry = None
    if account_id is not None and 0 < account_id < 2**63:
        entry = (
            directory_list_for_instansi(instansi=instansi)
            .filter(account_id=account_id, status=AccountDirectoryEntry.Status.ACTIVE)
            .first()
        )
    if entry is None:
        raise SimpulError(
            f"Akun {value!r} bukan akun resmi aktif {instansi.name}. Pilih salah satu akun "
            "resmi instansi ini yang masih berlaku.",
            field="official_account",
        )
    return entry
