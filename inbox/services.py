"""Writes of the shared inbox: the one state machine of Lampiran B, the referral clock, the outbox.

Lampiran B (KoBar Pasal 9f–g) as transitions of `Inquiry.status`:

    diterima ──answer──▶ dijawab ──close──▶ ditutup
    diterima ──refer──▶ dirujuk ──(every referral answered or declined)──▶ dijawab_terkait
    dijawab_terkait ──reply──▶ dibalas ──close──▶ ditutup

A referral declined ("bukan kewenangan kami") returns the inquiry to the sender: when no
referral is left pending and none was answered, the inquiry is `diterima` again, so the petugas
answers it or refers it elsewhere. Every transition appends an `InquiryEvent`, an audit row, and
queues its notifications after commit (the inquiry is committed before anything is sent).
"""

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from core.audit import audit_record
from core.errors import Conflict, Forbidden, NotFound, SimpulError
from core.queue import send_on_commit
from tenants.models import AccountDirectoryEntry, Instansi
from tenants.registry.selectors import directory_list_for_instansi
from tenants.services import instansi_url

from .models import (
    BODY_MAX_LENGTH,
    CONTACT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    FeedbackRecommendation,
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
}
ACTION_LABELS = {
    "answer": "menjawab langsung",
    "refer": "merujuk",
    "referral_answer": "menjawab rujukan",
    "referral_decline": "menolak rujukan",
    "reply": "membalas ke masyarakat",
    "close": "menutup",
}
# Letters and digits that cannot be misread (no 0/O, 1/I/L): 31^12 ≈ 2^59 codes.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TOPICS_MAX = 10
TOPIC_MAX_LENGTH = 60
PETUGAS_GROUPS = ("Petugas Pengelola Media Sosial", "Pejabat Pengelola")


# --- helpers ---------------------------------------------------------------------------------


def actor_display_name(actor: Any) -> str:
    """A printable name for the timeline: the user's full name, the API client, or "sistem"."""
    if actor is None:
        return "sistem"
    get_full_name = getattr(actor, "get_full_name", None)
    name = get_full_name() if callable(get_full_name) else ""
    return (name or getattr(actor, "username", "") or str(actor))[:200]


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
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise SimpulError(messages[0], field=None if field == "__all__" else field) from exc


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
        actor_name=actor_display_name(actor),
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
    """Add one outbox row (once per key) and queue its delivery after commit."""
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
    from .tasks import send_notification

    send_on_commit(send_notification, notification.pk)
    return notification


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


# --- Lampiran B --------------------------------------------------------------------------------


@transaction.atomic
def inquiry_create(
    *,
    actor: Any,
    instansi: Instansi | None,
    kind: str,
    channel: str,
    body: str,
    citizen_name: str = "",
    citizen_contact: str = "",
    channel_detail: str = "",
    official_account: Any = None,
) -> Inquiry:
    """Record an inquiry received by `instansi` (None: the citizen did not know; Diskominfo).

    `official_account` (the registry id of one of the instansi's active official accounts) is
    required for the channel "akun resmi" and refused for any other channel.
    """
    if instansi is None:
        instansi = super_instansi()
        if instansi is None:
            raise SimpulError("Belum ada Diskominfo untuk menelaah pesan ini.", field="instansi")
    instansi = _active_instansi(instansi, field="instansi")
    kind = _choice(kind, Inquiry.Kind, field="kind", label="Jenis pesan")
    channel = _choice(channel, Inquiry.Channel, field="channel", label="Kanal")
    account = _official_account(official_account, instansi=instansi, channel=channel)
    channel_detail = _clean_text(
        channel_detail,
        field="channel_detail",
        label="Rincian kanal",
        max_length=300,
        required=False,
    )
    if account is not None and not channel_detail:
        # A copy of the name, so the inquiry reads the same whatever becomes of the account.
        channel_detail = official_account_label(account)
    inquiry = Inquiry(
        instansi=instansi,
        kind=kind,
        channel=channel,
        channel_detail=channel_detail,
        official_account_ref=account.account_id if account is not None else None,
        body=_clean_text(
            body, field="body", label="Isi pesan", max_length=BODY_MAX_LENGTH, required=True
        ),
        citizen_name=_clean_text(
            citizen_name,
            field="citizen_name",
            label="Nama",
            max_length=NAME_MAX_LENGTH,
            required=False,
        ),
        citizen_contact=_clean_text(
            citizen_contact,
            field="citizen_contact",
            label="Kontak",
            max_length=CONTACT_MAX_LENGTH,
            required=False,
        ),
        tracking_code=new_tracking_code(),
        created_by_name=actor_display_name(actor) if actor is not None else "masyarakat",
    )
    _full_clean(inquiry)
    inquiry.save()
    _event(
        inquiry=inquiry,
        instansi=instansi,
        action=A.RECEIVED,
        actor=actor,
        text=f"Diterima melalui {inquiry.get_channel_display().lower()}"
        + (f" {official_account_label(account)} ({account.url})." if account else "."),
        at=inquiry.created_at,
    )
    audit_record(
        actor=actor,
        action="inquiry.create",
        obj=inquiry,
        instansi=instansi,
        summary=f"Pesan {inquiry.get_kind_display().lower()} {inquiry.tracking_code} diterima",
        after={
            "kind": inquiry.kind,
            "channel": inquiry.channel,
            **({"official_account": account.url} if account else {}),
        },
    )
    _notify(
        key=f"pesan:{inquiry.pk}:baru",
        kind=N.NEW_INQUIRY,
        instansi=instansi,
        inquiry=inquiry,
        subject=f"Pesan masuk baru: {inquiry.get_kind_display()} {inquiry.tracking_code}",
        message=(
            f"{instansi.name} menerima {inquiry.get_kind_display().lower()} melalui "
            f"{inquiry.get_channel_display().lower()}.\n\n{inquiry.body[:500]}\n\n"
            f"Tanggapi di {_admin_link(instansi, inquiry)}"
        ),
    )
    return inquiry


@transaction.atomic
def inquiry_answer(*, actor: Any, instansi: Instansi, inquiry_id: int, answer: str) -> Inquiry:
    """Lampiran B step 2: the petugas answers directly; the answer is the public reply."""
    inquiry = _lock_inquiry(inquiry_id)
    _require_handler(inquiry, instansi)
    _check_transition(inquiry, "answer")
    answer = _clean_text(
        answer, field="answer", label="Jawaban", max_length=TEXT_MAX_LENGTH, required=True
    )
    now = timezone.now()
    _save_status(inquiry, S.ANSWERED, now, public_reply=answer, answered_at=now)
    _event(inquiry=inquiry, instansi=instansi, action=A.ANSWERED, actor=actor, text=answer, at=now)
    audit_record(
        actor=actor,
        action="inquiry.answer",
        obj=inquiry,
        instansi=instansi,
        summary=f"Pesan {inquiry.tracking_code} dijawab langsung",
    )
    return inquiry


@transaction.atomic
def inquiry_refer(
    *, actor: Any, instansi: Instansi, inquiry_id: int, to_instansi: Any, note: str = ""
) -> Referral:
    """Lampiran B step 3: ask the instansi whose authority it is; it must answer within the SLA."""
    inquiry = _lock_inquiry(inquiry_id)
    _require_handler(inquiry, instansi)
    _check_transition(inquiry, "refer")
    target = _active_instansi(to_instansi, field="to_instansi")
    if target.pk == instansi.pk:
        raise SimpulError("Tidak dapat merujuk pesan ke instansi sendiri.", field="to_instansi")
    if Referral.objects.filter(
        inquiry=inquiry, to_instansi=target, status=Referral.Status.PENDING
    ).exists():
        raise Conflict(f"Pesan ini sudah dirujuk ke {target.name} dan masih menunggu jawaban.")
    note = _clean_text(
        note, field="note", label="Catatan", max_length=TEXT_MAX_LENGTH, required=False
    )
    now = timezone.now()
    referral = Referral(
        inquiry=inquiry,
        from_instansi=instansi,
        to_instansi=target,
        note=note,
        requested_at=now,
        due_at=now + referral_sla(),
        requested_by_name=actor_display_name(actor),
    )
    _full_clean(referral)
    referral.save()
    _save_status(inquiry, S.REFERRED, now)
    _event(
        inquiry=inquiry,
        instansi=instansi,
        action=A.REFERRED,
        actor=actor,
        referral=referral,
        text=f"Dirujuk ke {target.name}." + (f" Catatan: {note}" if note else ""),
        at=now,
    )
    audit_record(
        actor=actor,
        action="inquiry.refer",
        obj=referral,
        instansi=instansi,
        summary=f"Pesan {inquiry.tracking_code} dirujuk ke {target.name}",
        after={"to_instansi": target.schema_name, "due_at": referral.due_at.isoformat()},
    )
    due_local = timezone.localtime(referral.due_at)
    _notify(
        key=f"rujukan:{referral.pk}:baru",
        kind=N.NEW_REFERRAL,
        instansi=target,
        inquiry=inquiry,
        referral=referral,
        subject=f"Rujukan dari {instansi.display_name}: jawab sebelum {due_local:%d-%m-%Y %H:%M}",
        message=(
            f"{instansi.name} merujuk sebuah {inquiry.get_kind_display().lower()} kepada "
            f"{target.name}.\n\n{inquiry.body[:500]}\n\nCatatan: {note or '-'}\n"
            f"Tenggat: {due_local:%d-%m-%Y %H:%M}.\nJawab di {_admin_link(target, inquiry)}"
        ),
    )
    return referral


def _lock_referral_for_target(referral_id: int, instansi: Instansi) -> tuple[Referral, Inquiry]:
    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None:
        raise NotFound("Rujukan tidak ditemukan.")
    inquiry = _lock_inquiry(referral.inquiry_id)  # lock order: inquiry first, then referral
    referral = (
        # of=("self",): FOR UPDATE on the joined instansi rows too would block every insert
        # referencing them (FK checks take KEY SHARE) and deadlock concurrent referrals.
        Referral.objects.select_for_update(of=("self",))
        .select_related("from_instansi", "to_instansi")
        .get(pk=referral_id)
    )
    if referral.to_instansi_id != instansi.pk:
        party = (
            inquiry.instansi_id == instansi.pk
            or Referral.objects.filter(inquiry=inquiry, to_instansi=instansi).exists()
        )
        if party:
            raise Forbidden("Rujukan ini ditujukan kepada instansi lain.")
        raise NotFound("Rujukan tidak ditemukan.")
    if inquiry.status == S.CLOSED:
        raise Conflict("Pesan ini sudah ditutup; tidak ada tindakan lagi yang dapat dilakukan.")
    if not referral.is_pending:
        raise Conflict(f"Rujukan ini sudah {referral.get_status_display().lower()}.")
    return referral, inquiry


def _after_referral_resolved(inquiry: Inquiry, now: datetime) -> None:
    states = set(inquiry.referrals.values_list("status", flat=True))
    if Referral.Status.PENDING in states:
        status = S.REFERRED
    elif Referral.Status.ANSWERED in states:
        status = S.RELATED_ANSWERED
    else:
        status = S.RECEIVED  # every referral declined: back to the sender to decide
    _save_status(inquiry, status, now)


@transaction.atomic
def referral_answer(
    *, actor: Any, instansi: Instansi, referral_id: int, answer: str, answered_by_name: str = ""
) -> Referral:
    """Lampiran B step 4: the related instansi answers through the petugas who referred."""
    referral, inquiry = _lock_referral_for_target(referral_id, instansi)
    _check_transition(inquiry, "referral_answer")
    answer = _clean_text(
        answer, field="answer", label="Jawaban", max_length=TEXT_MAX_LENGTH, required=True
    )
    name = _clean_text(
        answered_by_name or actor_display_name(actor),
        field="answered_by_name",
        label="Nama penjawab",
        max_length=200,
        required=True,
    )
    now = timezone.now()
    referral.status = Referral.Status.ANSWERED
    referral.answer = answer
    referral.answered_at = now
    referral.answered_by_name = name
    referral.save(update_fields=["status", "answer", "answered_at", "answered_by_name"])
    _after_referral_resolved(inquiry, now)
    _event(
        inquiry=inquiry,
        instansi=instansi,
        action=A.REFERRAL_ANSWERED,
        actor=actor,
        referral=referral,
        text=answer,
        at=now,
    )
    audit_record(
        actor=actor,
        action="referral.answer",
        obj=referral,
        instansi=instansi,
        summary=f"Rujukan pesan {inquiry.tracking_code} dijawab oleh {instansi.name}",
    )
    _notify(
        key=f"rujukan:{referral.pk}:dijawab",
        kind=N.REFERRAL_ANSWERED,
        instansi=referral.from_instansi,
        inquiry=inquiry,
        referral=referral,
        subject=f"{instansi.display_name} menjawab rujukan {inquiry.tracking_code}",
        message=(
            f"Jawaban {instansi.name} ({name}):\n\n{answer}\n\n"
            f"Balas ke masyarakat di {_admin_link(referral.from_instansi, inquiry)}"
        ),
    )
    return referral


@transaction.atomic
def referral_decline(
    *,
    actor: Any,
    instansi: Instansi,
    referral_id: int,
    reason: str,
    suggested_instansi: Any = None,
) -> Referral:
    """ "Bukan kewenangan kami": the referral returns to the sender with a reason and a hint."""
    referral, inquiry = _lock_referral_for_target(referral_id, instansi)
    _check_transition(inquiry, "referral_decline")
    reason = _clean_text(
        reason, field="reason", label="Alasan", max_length=TEXT_MAX_LENGTH, required=True
    )
    suggested = None
    if suggested_instansi not in (None, ""):
        suggested = _active_instansi(suggested_instansi, field="suggested_instansi")
        if suggested.pk == instansi.pk:
            raise SimpulError(
                "Instansi yang disarankan tidak boleh instansi sendiri.",
                field="suggested_instansi",
            )
    now = timezone.now()
    referral.status = Referral.Status.DECLINED
    referral.decline_reason = reason
    referral.suggested_instansi = suggested
    referral.answered_at = now
    referral.answered_by_name = actor_display_name(actor)
    referral.save(
        update_fields=[
            "status",
            "decline_reason",
            "suggested_instansi",
            "answered_at",
            "answered_by_name",
        ]
    )
    _after_referral_resolved(inquiry, now)
    hint = f" Saran: {suggested.name}." if suggested else ""
    _event(
        inquiry=inquiry,
        instansi=instansi,
        action=A.REFERRAL_DECLINED,
        actor=actor,
        referral=referral,
        text=f"Bukan kewenangan kami: {reason}{hint}",
        at=now,
    )
    audit_record(
        actor=actor,
        action="referral.decline",
        obj=referral,
        instansi=instansi,
        summary=f"Rujukan pesan {inquiry.tracking_code} ditolak oleh {instansi.name}",
    )
    _notify(
        key=f"rujukan:{referral.pk}:ditolak",
        kind=N.REFERRAL_DECLINED,
        instansi=referral.from_instansi,
        inquiry=inquiry,
        referral=referral,
        subject=f"{instansi.display_name}: bukan kewenangan kami ({inquiry.tracking_code})",
        message=(
            f"{instansi.name} menolak rujukan: {reason}.{hint}\n\n"
            f"Tindak lanjuti di {_admin_link(referral.from_instansi, inquiry)}"
        ),
    )
    return referral


@transaction.atomic
def inquiry_reply(*, actor: Any, instansi: Instansi, inquiry_id: int, reply: str) -> Inquiry:
    """Lampiran B step 5: the petugas answers the public from the related instansi's answer."""
    inquiry = _lock_inquiry(inquiry_id)
    _require_handler(inquiry, instansi)
    _check_transition(inquiry, "reply")
    reply = _clean_text(
        reply, field="reply", label="Balasan", max_length=TEXT_MAX_LENGTH, required=True
    )
    now = timezone.now()
    _save_status(inquiry, S.REPLIED, now, public_reply=reply, answered_at=now)
    _event(inquiry=inquiry, instansi=instansi, action=A.REPLIED, actor=actor, text=reply, at=now)
    audit_record(
        actor=actor,
        action="inquiry.reply",
        obj=inquiry,
        instansi=instansi,
        summary=f"Pesan {inquiry.tracking_code} dibalas ke masyarakat",
    )
    return inquiry


@transaction.atomic
def inquiry_close(*, actor: Any, instansi: Instansi, inquiry_id: int) -> Inquiry:
    inquiry = _lock_inquiry(inquiry_id)
    _require_handler(inquiry, instansi)
    _check_transition(inquiry, "close")
    now = timezone.now()
    _save_status(inquiry, S.CLOSED, now, closed_at=now)
    _event(inquiry=inquiry, instansi=instansi, action=A.CLOSED, actor=actor, at=now)
    audit_record(
        actor=actor,
        action="inquiry.close",
        obj=inquiry,
        instansi=instansi,
        summary=f"Pesan {inquiry.tracking_code} ditutup",
    )
    return inquiry


def normalize_topics(topics: Any) -> list[str]:
    if isinstance(topics, str):
        topics = topics.split(",")
    cleaned: list[str] = []
    for raw in topics or []:
        topic = " ".join(str(raw).strip().lstrip("#").lower().split())
        if not topic:
            continue
        if len(topic) > TOPIC_MAX_LENGTH:
            raise SimpulError(
                f"Topik terlalu panjang (paling banyak {TOPIC_MAX_LENGTH} karakter): {topic!r}.",
                field="topics",
            )
        if topic not in cleaned:
            cleaned.append(topic)
    if len(cleaned) > TOPICS_MAX:
        raise SimpulError(f"Paling banyak {TOPICS_MAX} topik per pesan.", field="topics")
    return cleaned


@transaction.atomic
def inquiry_set_topics(*, actor: Any, instansi: Instansi, inquiry_id: int, topics: Any) -> Inquiry:
    """Pasal 9h: the petugas tags the input so it can be analysed as feedback."""
    inquiry = _lock_inquiry(inquiry_id)
    _require_handler(inquiry, instansi)
    cleaned = normalize_topics(topics)
    if cleaned == inquiry.topics:
        return inquiry
    before = list(inquiry.topics)
    inquiry.topics = cleaned
    inquiry.updated_at = timezone.now()
    inquiry.save(update_fields=["topics", "updated_at"])
    _event(
        inquiry=inquiry,
        instansi=instansi,
        action=A.TOPICS,
        actor=actor,
        text=", ".join(cleaned) or "(tanpa topik)",
    )
    audit_record(
        actor=actor,
        action="inquiry.topics",
        obj=inquiry,
        instansi=instansi,
        summary=f"Topik pesan {inquiry.tracking_code} diubah",
        before={"topics": before},
        after={"topics": cleaned},
    )
    return inquiry


@transaction.atomic
def feedback_recommendation_save(
    *,
    actor: Any,
    instansi: Instansi,
    period_start: date,
    period_end: date,
    recommendations: str,
    findings: str = "",
    follow_up: str = "",
) -> FeedbackRecommendation:
    """Pasal 9i: the pejabat records recommendations for policy follow-up for one period."""
    if not period_start or not period_end or period_end <= period_start:
        raise SimpulError("Akhir periode harus sesudah awal periode.", field="period_end")
    values = {
        "findings": _clean_text(
            findings, field="findings", label="Temuan", max_length=TEXT_MAX_LENGTH, required=False
        ),
        "recommendations": _clean_text(
            recommendations,
            field="recommendations",
            label="Rekomendasi",
            max_length=TEXT_MAX_LENGTH,
            required=True,
        ),
        "follow_up": _clean_text(
            follow_up,
            field="follow_up",
            label="Rencana tindak lanjut",
            max_length=TEXT_MAX_LENGTH,
            required=False,
        ),
        "recorded_by_name": actor_display_name(actor),
        "recorded_at": timezone.now(),
    }
    record = (
        FeedbackRecommendation.objects.select_for_update()
        .filter(instansi=instansi, period_start=period_start, period_end=period_end)
        .first()
    )
    before = {}
    if record is None:
        record = FeedbackRecommendation(
            instansi=instansi, period_start=period_start, period_end=period_end, **values
        )
    else:
        before = {k: getattr(record, k) for k in ("findings", "recommendations", "follow_up")}
        for name, value in values.items():
            setattr(record, name, value)
    _full_clean(record)
    record.save()
    audit_record(
        actor=actor,
        action="feedback.recommend",
        obj=record,
        instansi=instansi,
        summary=f"Rekomendasi masukan {period_start:%d-%m-%Y}–{period_end:%d-%m-%Y}",
        before={k: str(v) for k, v in before.items()},
        after={"recommendations": record.recommendations[:200]},
    )
    return record


# --- the referral clock ------------------------------------------------------------------------


def referral_clock_candidates(*, now: datetime):
    """(id, requested_at, due_at) of every pending referral whose reminder point can have
    passed and that has no overdue notice yet, by deadline.

    Only what decides the action is read, so PostgreSQL answers the range from the partial
    index `inbox_referral_clock` alone (an index-only scan); whole rows are loaded just for
    the referrals that get a notice.
    """
    return (
        Referral.objects.filter(
            status=Referral.Status.PENDING, due_at__lte=now + referral_sla() * 0.25
        )
        .exclude(notifications__kind=N.OVERDUE)
        .order_by("due_at")
        .values_list("pk", "requested_at", "due_at")
    )


def referral_clock_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Remind at 75 % of each pending referral's window, notify and escalate at 100 %.

    Safe to run as often as wanted and concurrently: each notice has a unique key, so it is
    made (and its timeline event written) exactly once.
    """
    now = now or timezone.now()
    counts = {"reminders": 0, "overdue": 0}
    due_now = []
    for pk, requested_at, due_at in referral_clock_candidates(now=now):
        if now >= due_at:
            due_now.append((pk, "overdue"))
        elif now >= requested_at + (due_at - requested_at) * 0.75:
            due_now.append((pk, "reminders"))
    if not due_now:
        return counts
    referrals = Referral.objects.select_related("inquiry", "from_instansi", "to_instansi").in_bulk(
        [pk for pk, _ in due_now]
    )
    diskominfo = super_instansi()
    for pk, action in due_now:
        referral = referrals.get(pk)
        if referral is None:  # deleted meanwhile
            continue
        if action == "overdue":
            made = _referral_overdue(referral, now=now, diskominfo=diskominfo)
        else:
            made = _referral_remind(referral, now=now)
        counts[action] += int(bool(made))
    return counts


@transaction.atomic
def _referral_remind(referral: Referral, *, now: datetime) -> bool:
    inquiry = referral.inquiry
    due_local = timezone.localtime(referral.due_at)
    made = _notify(
        key=f"rujukan:{referral.pk}:pengingat",
        kind=N.REMINDER,
        instansi=referral.to_instansi,
        inquiry=inquiry,
        referral=referral,
        subject=f"Pengingat: rujukan {inquiry.tracking_code} jatuh tempo {due_local:%d-%m %H:%M}",
        message=(
            f"Rujukan dari {referral.from_instansi.name} belum dijawab. Tenggat "
            f"{due_local:%d-%m-%Y %H:%M}.\n\n{inquiry.body[:500]}\n\n"
            f"Jawab di {_admin_link(referral.to_instansi, inquiry)}"
        ),
    )
    if made is None:
        return False
    _event(
        inquiry=inquiry,
        instansi=referral.to_instansi,
        action=A.REMINDER,
        actor=None,
        referral=referral,
        text=f"Pengingat dikirim ke {referral.to_instansi.name}.",
        at=now,
    )
    return True


@transaction.atomic
def _referral_overdue(referral: Referral, *, now: datetime, diskominfo: Instansi | None) -> bool:
    inquiry = referral.inquiry
    made = _notify(
        key=f"rujukan:{referral.pk}:terlambat",
        kind=N.OVERDUE,
        instansi=referral.to_instansi,
        inquiry=inquiry,
        referral=referral,
        subject=f"Terlambat: rujukan {inquiry.tracking_code} melewati tenggat",
        message=(
            f"Rujukan dari {referral.from_instansi.name} melewati tenggat "
            f"{settings.SIMPUL_REFERRAL_SLA_HOURS} jam dan dilaporkan ke Diskominfo.\n\n"
            f"Jawab segera di {_admin_link(referral.to_instansi, inquiry)}"
        ),
    )
    if made is None:
        return False
    if diskominfo is not None:
        _notify(
            key=f"rujukan:{referral.pk}:eskalasi",
            kind=N.ESCALATION,
            instansi=diskominfo,
            inquiry=inquiry,
            referral=referral,
            subject=(
                f"Eskalasi: {referral.to_instansi.display_name} belum menjawab rujukan "
                f"{referral.from_instansi.display_name}"
            ),
            message=(
                f"Rujukan #{referral.pk} dari {referral.from_instansi.name} kepada "
                f"{referral.to_instansi.name} melewati tenggat "
                f"{timezone.localtime(referral.due_at):%d-%m-%Y %H:%M}.\n"
                f"Pantau di {instansi_url(diskominfo, '/admin/kotak-masuk/terlambat/')}"
            ),
        )
    _event(
        inquiry=inquiry,
        instansi=referral.to_instansi,
        action=A.OVERDUE,
        actor=None,
        referral=referral,
        text=f"{referral.to_instansi.name} melewati tenggat; dilaporkan ke Diskominfo.",
        at=now,
    )
    return True


# --- the outbox ----------------------------------------------------------------------------------


def notification_recipients(instansi: Instansi) -> list[str]:
    """E-mail addresses of the instansi's petugas and pejabat (its admins when none is set)."""
    from django.contrib.auth import get_user_model

    with schema_context(instansi.schema_name):
        users = get_user_model().objects.filter(is_active=True).exclude(email="")
        emails = list(
            users.filter(groups__name__in=PETUGAS_GROUPS).values_list("email", flat=True).distinct()
        )
        if not emails:
            emails = list(users.filter(is_superuser=True).values_list("email", flat=True))
    return sorted(set(emails))


def notification_deliver(*, notification_id: int) -> bool:
    """Send one outbox row if it is still unsent; True when this call sent it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("instansi")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False  # sent already, or another worker is sending it right now
        recipients = notification_recipients(notification.instansi)
        if recipients:
            send_mail(
                notification.subject,
                notification.message,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
                fail_silently=False,
            )
        notification.sent_at = timezone.now()
        notification.recipients = ", ".join(recipients)
        notification.attempts += 1
        notification.save(update_fields=["sent_at", "recipients", "attempts"])
    return True


IDEMPOTENCY_KEEP_DAYS = 7


def notifications_sweep(*, older_than_seconds: int = 60, limit: int = 500) -> int:
    """Deliver what the queue did not (broker down, worker lost): returns how many were sent.

    Also forgets Idempotency-Key answers older than a week (clients retry within minutes).
    """
    from .models import IdempotencyRecord

    IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=IDEMPOTENCY_KEEP_DAYS)
    ).delete()
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = list(
        Notification.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in pending if notification_deliver(notification_id=pk))


def referral_filter_overdue(now: datetime | None = None) -> Q:
    return Q(status=Referral.Status.PENDING, due_at__lte=now or timezone.now())
