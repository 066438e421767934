"""Lampiran B as actions: receive, answer, refer, answer or decline a referral, reply, close, topics."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from core.actions import action
from core.actors import actor_name
from core.audit import record_change
from core.errors import Conflict, Forbidden, NotFound, SimpulError
from tenants.models import Instansi

from ..models import (
    BODY_MAX_LENGTH,
    CONTACT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Inquiry,
    Referral,
)
from ..permissions import HANDLE, RECORD, RESPOND
from ._common import (
    TOPIC_MAX_LENGTH,
    TOPICS_MAX,
    A,
    N,
    S,
    _active_instansi,
    _admin_link,
    _check_transition,
    _choice,
    _clean_text,
    _event,
    _full_clean,
    _lock_inquiry,
    _notify,
    _official_account,
    _require_handler,
    _save_status,
    new_tracking_code,
    official_account_label,
    referral_sla,
    super_instansi,
)
from .citizen import _tell_citizen_answer_ready


@action("inquiry.create", "Pesan masyarakat diterima", permission=RECORD)
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
        created_by_name=actor_name(actor) if actor is not None else "masyarakat",
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
    record_change(
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


@action("inquiry.answer", "Pesan dijawab langsung", permission=HANDLE)
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
    _tell_citizen_answer_ready(inquiry)
    record_change(
        actor=actor,
        action="inquiry.answer",
        obj=inquiry,
        instansi=instansi,
        summary=f"Pesan {inquiry.tracking_code} dijawab langsung",
    )
    return inquiry


@action("inquiry.refer", "Pesan dirujuk", permission=HANDLE)
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
        requested_by_name=actor_name(actor),
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
    record_change(
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


@action("referral.answer", "Rujukan dijawab", permission=RESPOND)
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
        answered_by_name or actor_name(actor),
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
    # The tracking page shows a related instansi's answer at once: the citizen may read it now.
    _tell_citizen_answer_ready(inquiry)
    record_change(
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


@action("referral.decline", "Rujukan ditolak", permission=RESPOND)
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
    referral.answered_by_name = actor_name(actor)
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
    record_change(
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


@action("inquiry.reply", "Balasan kepada masyarakat", permission=HANDLE)
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
    _tell_citizen_answer_ready(inquiry)
    record_change(
        actor=actor,
        action="inquiry.reply",
        obj=inquiry,
        instansi=instansi,
        summary=f"Pesan {inquiry.tracking_code} dibalas ke masyarakat",
    )
    return inquiry


@action("inquiry.close", "Pesan ditutup", permission=HANDLE)
def inquiry_close(*, actor: Any, instansi: Instansi, inquiry_id: int) -> Inquiry:
    inquiry = _lock_inquiry(inquiry_id)
    _require_handler(inquiry, instansi)
    _check_transition(inquiry, "close")
    now = timezone.now()
    _save_status(inquiry, S.CLOSED, now, closed_at=now)
    _event(inquiry=inquiry, instansi=instansi, action=A.CLOSED, actor=actor, at=now)
    record_change(
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


@action("inquiry.topics", "Topik pesan diubah", permission=HANDLE)
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
    record_change(
        actor=actor,
        action="inquiry.topics",
        obj=inquiry,
        instansi=instansi,
        summary=f"Topik pesan {inquiry.tracking_code} diubah",
        before={"topics": before},
        after={"topics": cleaned},
    )
    return inquiry
