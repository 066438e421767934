"""The citizen's side after asking: told by mail when the answer is ready, rates it, follows up.

The citizen acts with the tracking code alone (no account): the code is the key to the inquiry,
so these actions find the inquiry by it and by nothing else. They name no permission
(`permission=None` in the one policy): the public holds none, and knowing the code is the check.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from core.actions import action
from core.audit import record_change
from core.errors import Conflict, NotFound, SimpulError
from core.outbox import outbox_enqueue
from tenants.services import instansi_url

from ..models import Inquiry, Referral
from ._common import (
    TRANSITIONS,
    A,
    N,
    S,
    _admin_link,
    _clean_text,
    _event,
    _full_clean,
    _notify,
    _save_status,
    normalize_tracking_code,
    referral_sla,
)

CITIZEN_OUTBOX_KIND = "inbox_warga"
CITIZEN_ACTOR = "masyarakat"
RATING_MESSAGE = "Pilih nilai 1 sampai 5."
COMMENT_MAX_LENGTH = 1000
FOLLOW_UP_MAX_LENGTH = 2000


def citizen_email(inquiry: Inquiry) -> str:
    """The citizen's contact when it is an e-mail address (the form takes a phone too)."""
    contact = (inquiry.citizen_contact or "").strip()
    try:
        validate_email(contact)
    except ValidationError:
        return ""
    return contact


def tracking_url(inquiry: Inquiry) -> str:
    """The tracking page on the receiving instansi's site (it also serves /lacak/)."""
    return instansi_url(inquiry.instansi, f"/lacak/{inquiry.tracking_code}/")


def _answer_round(inquiry: Inquiry) -> int:
    return 2 if inquiry.follow_up_at else 1


def _tell_citizen_answer_ready(inquiry: Inquiry) -> None:
    """Mail the citizen who left an e-mail address that an answer can be read: once per round
    (the question, then the one follow-up), whichever answer comes first in that round; the
    outbox row commits with the answer and is sent after commit."""
    email = citizen_email(inquiry)
    if not email:
        return
    outbox_enqueue(
        key=f"warga:{inquiry.pk}:jawaban:{_answer_round(inquiry)}",
        kind=CITIZEN_OUTBOX_KIND,
        recipients=[email],
        subject=f"Pesan Anda {inquiry.tracking_code} sudah dijawab",
        body=(
            f"Yth. {inquiry.citizen_name or 'Bapak/Ibu'},\n\n"
            f"{inquiry.get_kind_display()} Anda kepada {inquiry.instansi.name} sudah dijawab. "
            f"Baca jawabannya, beri penilaian, atau ajukan pertanyaan lanjutan di:\n"
            f"{tracking_url(inquiry)}\n\n"
            "Tautan ini memuat kode lacak Anda; jangan dibagikan kepada orang lain.\n"
        ),
    )


def _lock_by_code(tracking_code: str) -> Inquiry:
    code = normalize_tracking_code(tracking_code)
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("instansi")
        .filter(tracking_code=code)
        .first()
        if code
        else None
    )
    if inquiry is None:
        raise NotFound("Kode lacak tidak ditemukan.")
    return inquiry


def _clean_rating(value: Any) -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        raise SimpulError(RATING_MESSAGE, field="rating") from None
    if not 1 <= rating <= 5:
        raise SimpulError(RATING_MESSAGE, field="rating")
    return rating


@action("inquiry.rate", "Jawaban dinilai warga", permission=None)
def inquiry_rate(
    *, actor: Any = None, tracking_code: str, rating: Any, comment: str = ""
) -> Inquiry:
    """The citizen rates the answer 1–5 with an optional comment, once."""
    inquiry = _lock_by_code(tracking_code)
    if inquiry.rated_at is not None:
        raise Conflict("Jawaban ini sudah Anda nilai. Penilaian hanya dapat diberikan sekali.")
    if inquiry.status not in TRANSITIONS["rate"]:
        raise Conflict("Penilaian dapat diberikan setelah pesan Anda dijawab.")
    rating = _clean_rating(rating)
    comment = _clean_text(
        comment,
        field="comment",
        label="Komentar",
        max_length=COMMENT_MAX_LENGTH,
        required=False,
    )
    now = timezone.now()
    inquiry.rating, inquiry.rating_comment, inquiry.rated_at = rating, comment, now
    _full_clean(inquiry)
    inquiry.save(update_fields=["rating", "rating_comment", "rated_at"])
    _event(
        inquiry=inquiry,
        instansi=inquiry.instansi,
        action=A.RATED,
        actor=None,
        text=f"Nilai {rating} dari 5." + (f" {comment}" if comment else ""),
        at=now,
    )
    record_change(
        actor=actor,
        action="inquiry.rate",
        obj=inquiry,
        instansi=inquiry.instansi,
        summary=f"Jawaban pesan {inquiry.tracking_code} dinilai {rating} oleh warga",
        after={"rating": rating},
    )
    return inquiry


def _last_answering_referral(inquiry: Inquiry) -> Referral | None:
    return (
        inquiry.referrals.filter(status=Referral.Status.ANSWERED)
        .select_related("to_instansi", "from_instansi")
        .order_by("-answered_at", "-id")
        .first()
    )


def _reopen(inquiry: Inquiry, question: str, now: datetime) -> Referral | None:
    """Back to the instansi that answered. A related instansi answered: a new referral to it
    with a fresh deadline, on the referral clock like any other. The receiving instansi
    answered: `diterima` again, so its petugas answers (or refers) anew."""
    answered = _last_answering_referral(inquiry)
    fields = {"follow_up": question, "follow_up_at": now, "closed_at": None}
    if answered is None:
        _save_status(inquiry, S.RECEIVED, now, **fields)
        return None
    referral = Referral(
        inquiry=inquiry,
        from_instansi=inquiry.instansi,
        to_instansi=answered.to_instansi,
        note=f"Pertanyaan lanjutan warga: {question}",
        requested_at=now,
        due_at=now + referral_sla(),
        requested_by_name=CITIZEN_ACTOR,
    )
    _full_clean(referral)
    referral.save()
    _save_status(inquiry, S.REFERRED, now, **fields)
    return referral


@action("inquiry.follow_up", "Pertanyaan lanjutan warga", permission=None)
def inquiry_follow_up(*, actor: Any = None, tracking_code: str, question: str) -> Inquiry:
    """The citizen asks one follow-up question on the answer; the inquiry is reopened."""
    inquiry = _lock_by_code(tracking_code)
    if inquiry.follow_up_at is not None:
        raise Conflict("Pertanyaan lanjutan hanya dapat diajukan sekali untuk setiap pesan.")
    if inquiry.status not in TRANSITIONS["follow_up"]:
        raise Conflict("Pertanyaan lanjutan dapat diajukan setelah pesan Anda dijawab.")
    question = _clean_text(
        question,
        field="question",
        label="Pertanyaan lanjutan",
        max_length=FOLLOW_UP_MAX_LENGTH,
        required=True,
    )
    now = timezone.now()
    referral = _reopen(inquiry, question, now)
    holder = referral.to_instansi if referral is not None else inquiry.instansi
    _event(
        inquiry=inquiry,
        instansi=inquiry.instansi,
        action=A.FOLLOW_UP,
        actor=None,
        referral=referral,
        text=question,
        at=now,
    )
    record_change(
        actor=actor,
        action="inquiry.follow_up",
        obj=inquiry,
        instansi=inquiry.instansi,
        summary=f"Pertanyaan lanjutan warga pada pesan {inquiry.tracking_code}",
        after={"status": inquiry.status, "holder": holder.schema_name},
    )
    _notify(
        key=f"pesan:{inquiry.pk}:lanjutan",
        kind=N.FOLLOW_UP,
        instansi=inquiry.instansi,
        inquiry=inquiry,
        subject=f"Pertanyaan lanjutan warga: {inquiry.tracking_code}",
        message=(
            f"Warga mengajukan pertanyaan lanjutan atas jawaban pesan {inquiry.tracking_code}:"
            f"\n\n{question}\n\n"
            + (
                f"Diteruskan ke {holder.name}, tenggat "
                f"{timezone.localtime(referral.due_at):%d-%m-%Y %H:%M}.\n"
                if referral is not None
                else ""
            )
            + f"Lihat di {_admin_link(inquiry.instansi, inquiry)}"
        ),
    )
    if referral is not None:
        due_local = timezone.localtime(referral.due_at)
        _notify(
            key=f"rujukan:{referral.pk}:baru",
            kind=N.NEW_REFERRAL,
            instansi=holder,
            inquiry=inquiry,
            referral=referral,
            subject=f"Pertanyaan lanjutan warga: jawab sebelum {due_local:%d-%m-%Y %H:%M}",
            message=(
                f"Warga bertanya lanjut atas jawaban {holder.name}:\n\n{question}\n\n"
                f"Pesan awal:\n{inquiry.body[:500]}\n\nTenggat: {due_local:%d-%m-%Y %H:%M}.\n"
                f"Jawab di {_admin_link(holder, inquiry)}"
            ),
        )
    return inquiry
