"""Reads of the shared inbox, always for one instansi: boxes, detail, tracking, figures.

An instansi is a *party* to an inquiry when it received it or a referral was addressed to it;
every other instansi gets "not found". Only the receiving instansi sees the citizen's contact.
"""

import statistics
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.errors import NotFound
from core.freshness import newest_by_instansi
from tenants.models import AccountDirectoryEntry, Instansi
from tenants.registry.selectors import directory_list_for_instansi

from .models import FeedbackRecommendation, Inquiry, InquiryEvent, Notification, Referral
from .services import normalize_tracking_code, referral_sla

PUBLIC_ACTIONS = (
    InquiryEvent.Action.RECEIVED,
    InquiryEvent.Action.REFERRED,
    InquiryEvent.Action.REFERRAL_ANSWERED,
    InquiryEvent.Action.ANSWERED,
    InquiryEvent.Action.REPLIED,
    InquiryEvent.Action.CLOSED,
    InquiryEvent.Action.FOLLOW_UP,
)
# Where the citizen's inquiry stands, in plain words for the tracking page.
PLAIN_STATUS = {
    Inquiry.Status.RECEIVED: "Sedang ditelaah",
    Inquiry.Status.REFERRED: "Diteruskan ke instansi yang berwenang",
    Inquiry.Status.ANSWERED: "Sudah dijawab",
    Inquiry.Status.RELATED_ANSWERED: "Sudah dijawab",
    Inquiry.Status.REPLIED: "Sudah dijawab",
    Inquiry.Status.CLOSED: "Ditutup",
}
ANSWERED_STATES = frozenset(
    {
        Inquiry.Status.ANSWERED,
        Inquiry.Status.RELATED_ANSWERED,
        Inquiry.Status.REPLIED,
        Inquiry.Status.CLOSED,
    }
)


def _overdue_referrals(now: datetime) -> QuerySet[Referral]:
    return Referral.objects.filter(status=Referral.Status.PENDING, due_at__lte=now)


def _with_referrals(qs: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    return qs.select_related("instansi", "official_account").prefetch_related(
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("to_instansi", "from_instansi").order_by(
                "requested_at", "id"
            ),
        )
    )


def inquiry_list_received(
    *,
    instansi: Instansi,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool | None = None,
    topic: str | None = None,
    now: datetime | None = None,
) -> QuerySet[Inquiry]:
    """The "received" box: inquiries this instansi received, newest first."""
    now = now or timezone.now()
    qs = Inquiry.objects.filter(instansi=instansi)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if topic:
        qs = qs.filter(topics__contains=[topic])
    overdue_q = Exists(_overdue_referrals(now).filter(inquiry=OuterRef("pk")))
    qs = qs.annotate(has_overdue=overdue_q)
    if overdue is True:
        qs = qs.filter(has_overdue=True)
    elif overdue is False:
        qs = qs.filter(has_overdue=False)
    return _with_referrals(qs).order_by("-created_at", "-id")


def referral_list_received(
    *,
    instansi: Instansi,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool | None = None,
    now: datetime | None = None,
) -> QuerySet[Referral]:
    """The "referred to us" box: referrals addressed to this instansi, most urgent first."""
    now = now or timezone.now()
    qs = Referral.objects.filter(to_instansi=instansi)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(inquiry__kind=kind)
    if overdue is True:
        qs = qs.filter(status=Referral.Status.PENDING, due_at__lte=now)
    elif overdue is False:
        qs = qs.exclude(status=Referral.Status.PENDING, due_at__lte=now)
    pending_first = Case(When(status=Referral.Status.PENDING, then=0), default=1)
    return qs.select_related(
        "inquiry", "from_instansi", "to_instansi", "suggested_instansi"
    ).order_by(pending_first, "due_at", "id")


def referral_list_overdue_all(*, now: datetime | None = None) -> QuerySet[Referral]:
    """Diskominfo's escalation view: every pending referral past its deadline, regency-wide."""
    return (
        _overdue_referrals(now or timezone.now())
        .select_related("inquiry", "from_instansi", "to_instansi")
        .order_by("due_at", "id")
    )


def is_party(*, inquiry: Inquiry, instansi: Instansi) -> bool:
    return inquiry.instansi_id == instansi.pk or any(
        r.to_instansi_id == instansi.pk for r in inquiry.referrals.all()
    )


def inquiry_get_for(*, instansi: Instansi, inquiry_id: Any) -> Inquiry:
    """One inquiry as `instansi` may see it; NotFound when it is not a party to it."""
    try:
        pk = int(inquiry_id)
    except (TypeError, ValueError):
        raise NotFound("Pesan tidak ditemukan.") from None
    referred_to_us = Referral.objects.filter(inquiry=OuterRef("pk"), to_instansi=instansi)
    inquiry = (
        _with_referrals(
            Inquiry.objects.filter(Q(instansi=instansi) | Exists(referred_to_us), pk=pk)
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=InquiryEvent.objects.select_related("instansi").order_by(
                    "created_at", "id"
                ),
            )
        )
        .first()
    )
    if inquiry is None:
        raise NotFound("Pesan tidak ditemukan.")
    return inquiry


def referral_get_for(*, instansi: Instansi, referral_id: Any) -> Referral:
    try:
        pk = int(referral_id)
    except (TypeError, ValueError):
        raise NotFound("Rujukan tidak ditemukan.") from None
    referral = (
        Referral.objects.filter(pk=pk)
        .filter(Q(to_instansi=instansi) | Q(inquiry__instansi=instansi))
        .select_related("inquiry", "from_instansi", "to_instansi", "suggested_instansi")
        .first()
    )
    if referral is None:
        raise NotFound("Rujukan tidak ditemukan.")
    return referral


def inquiry_track(*, code: str) -> Inquiry | None:
    """The inquiry behind a public tracking code (None for an unknown or malformed code)."""
    code = normalize_tracking_code(code)
    if not code:
        return None
    return (
        Inquiry.objects.filter(tracking_code=code)
        .select_related("instansi")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=InquiryEvent.objects.filter(action__in=PUBLIC_ACTIONS)
                .select_related("instansi", "referral__to_instansi")
                .order_by("created_at", "id"),
                to_attr="public_events",
            ),
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("to_instansi").order_by("requested_at"),
            ),
        )
        .first()
    )


def official_account_choices(*, instansi: Instansi) -> list[AccountDirectoryEntry]:
    """The instansi's active official accounts, as the regency-wide directory lists them."""
    return list(
        directory_list_for_instansi(instansi=instansi).filter(
            status=AccountDirectoryEntry.Status.ACTIVE
        )
    )


def inquiry_clock_referral(inquiry: Inquiry) -> Referral | None:
    """The pending referral whose deadline the public waits on: the latest-due one (Open311)."""
    pending = [r for r in inquiry.referrals.all() if r.is_pending]
    return max(pending, key=lambda r: (r.due_at, r.requested_at, r.pk)) if pending else None


def inquiry_expected_at(inquiry: Inquiry) -> datetime | None:
    """When an answer is expected: the latest pending referral's deadline (Open311)."""
    referral = inquiry_clock_referral(inquiry)
    return referral.due_at if referral else None


def inquiry_public_state(inquiry: Inquiry, *, now: datetime | None = None) -> dict:
    """What the tracking page tells the citizen: where the inquiry is, who holds it, what
    happens next and by when, and every answer that can be read (a related instansi's answer
    at once, before the receiving instansi relays it). Reads the inquiry's prefetched
    referrals (`inquiry_track`); nothing personal."""
    now = now or timezone.now()
    referrals = list(inquiry.referrals.all())
    pending = [r for r in referrals if r.is_pending]
    answered = [r for r in referrals if r.status == Referral.Status.ANSWERED]
    receiving = inquiry.instansi.name
    due_at = None
    if pending:
        names = ", ".join(dict.fromkeys(r.to_instansi.name for r in pending))
        due_at = max(r.due_at for r in pending)
        explanation = (
            f"{receiving} meneruskan pesan Anda kepada {names}, instansi yang berwenang "
            f"menjawabnya. {receiving} tetap memantau pesan Anda."
        )
        next_step = (
            f"{names} wajib menjawab dalam {int(referral_sla().total_seconds() // 3600)} jam"
        )
    elif inquiry.status == Inquiry.Status.RECEIVED:
        # No clock runs on a received inquiry; the regulation's 24 hours are the aim shown.
        due_at = (inquiry.follow_up_at or inquiry.created_at) + referral_sla()
        explanation = f"Pesan Anda sudah diterima {receiving} dan sedang ditelaah petugas."
        next_step = (
            f"Petugas {receiving} menjawab langsung, atau meneruskannya ke instansi yang "
            "berwenang bila bukan kewenangannya"
        )
    elif inquiry.status == Inquiry.Status.CLOSED:
        explanation = f"Pesan Anda sudah dijawab dan ditutup oleh {receiving}."
        next_step = ""
    else:
        by = ", ".join(dict.fromkeys(r.to_instansi.name for r in answered)) or receiving
        explanation = f"Pesan Anda sudah dijawab oleh {by}. Jawabannya ada di bawah."
        next_step = (
            f"{receiving} dapat menambahkan balasan"
            if inquiry.status == Inquiry.Status.RELATED_ANSWERED
            else ""
        )
    answers = [
        {"by": r.to_instansi.name, "text": r.answer, "at": r.answered_at, "related": True}
        for r in sorted(answered, key=lambda r: (r.answered_at, r.pk))
    ]
    if inquiry.public_reply:
        answers.append(
            {
                "by": receiving,
                "text": inquiry.public_reply,
                "at": inquiry.answered_at,
                "related": False,
            }
        )
    answered_now = inquiry.status in ANSWERED_STATES
    return {
        "status_text": PLAIN_STATUS.get(inquiry.status, inquiry.get_status_display()),
        "explanation": explanation,
        "receiving": receiving,
        "related": list(
            dict.fromkeys(
                r.to_instansi.name for r in referrals if r.status != Referral.Status.DECLINED
            )
        ),
        "next_step": next_step,
        "due_at": due_at,
        # Diskominfo watches overdue referrals (the referral clock), not received inquiries.
        "overdue": bool(pending) and due_at is not None and due_at <= now,
        "answers": answers,
        "can_rate": answered_now and inquiry.rated_at is None,
        "can_follow_up": answered_now and inquiry.follow_up_at is None,
    }


def inquiry_public_list(
    *,
    instansi: Instansi | None = None,
    kind: str | None = None,
    status_open: bool | None = None,
    public_ids: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 200,
) -> list[Inquiry]:
    """Inquiries for the Open311 listing (callers show non-personal fields only), found by their
    public request ids, never by the secret tracking code."""
    qs = Inquiry.objects.all()
    if public_ids is not None:
        qs = qs.filter(public_request_id__in=public_ids)
    if instansi is not None:
        qs = qs.filter(instansi=instansi)
    if kind:
        qs = qs.filter(kind=kind)
    if status_open is True:
        qs = qs.exclude(status=Inquiry.Status.CLOSED)
    elif status_open is False:
        qs = qs.filter(status=Inquiry.Status.CLOSED)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    return list(_with_referrals(qs).order_by("-created_at", "-id")[:limit])


def topic_suggestions(*, instansi: Instansi, prefix: str = "", limit: int = 20) -> list[str]:
    """Topics this instansi used before, most used first (suggestions when tagging)."""
    counts: Counter[str] = Counter()
    rows = (
        Inquiry.objects.filter(instansi=instansi)
        .exclude(topics=[])
        .values_list("topics", flat=True)[:2000]
    )
    for topics in rows:
        counts.update(topics)
    prefix = prefix.strip().lstrip("#").lower()
    return [t for t, _ in counts.most_common() if t.startswith(prefix)][:limit]


def notification_list_pending() -> QuerySet[Notification]:
    return Notification.objects.filter(sent_at__isnull=True).order_by("created_at")


# --- figures ---------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * share
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime(value.year, value.month, value.day))


def inquiry_stats(*, instansi: Instansi, start: date | datetime, end: date | datetime) -> dict:
    """Figures of one instansi for [start, end), read by the evaluation (KoBar Pasal 16–17).

    Response times are those of referrals addressed to the instansi (the 24-hour clock of
    Lampiran B step 4): hours from request to answer or decline. A referral counts against the
    SLA share once it was answered or its deadline passed.
    """
    start, end = _as_datetime(start), _as_datetime(end)
    now = timezone.now()
    received = Inquiry.objects.filter(instansi=instansi, created_at__gte=start, created_at__lt=end)
    by_kind = {kind: 0 for kind in Inquiry.Kind.values}
    for row in received.values("kind").annotate(n=Count("id")):
        by_kind[row["kind"]] = row["n"]
    referrals_in = list(
        Referral.objects.filter(
            to_instansi=instansi, requested_at__gte=start, requested_at__lt=end
        ).values("status", "requested_at", "due_at", "answered_at")
    )
    referrals_sent = Referral.objects.filter(
        from_instansi=instansi, requested_at__gte=start, requested_at__lt=end
    ).count()
    hours = [
        (r["answered_at"] - r["requested_at"]).total_seconds() / 3600
        for r in referrals_in
        if r["answered_at"] is not None
    ]
    judged = [r for r in referrals_in if r["answered_at"] is not None or r["due_at"] <= now]
    within = [r for r in judged if r["answered_at"] is not None and r["answered_at"] <= r["due_at"]]
    median = statistics.median(hours) if hours else None
    p90 = _percentile(hours, 0.9)
    return {
        "received": sum(by_kind.values()),
        "by_kind": by_kind,
        "comments": by_kind[Inquiry.Kind.KOMENTAR],
        "referrals_sent": referrals_sent,
        "referrals_received": len(referrals_in),
        "referrals_answered": sum(
            1 for r in referrals_in if r["status"] == Referral.Status.ANSWERED
        ),
        "answered_within_sla_share": (len(within) / len(judged)) if judged else None,
        "median_response_hours": round(median, 2) if median is not None else None,
        "p90_response_hours": round(p90, 2) if p90 is not None else None,
        "overdue_open": sum(
            1 for r in referrals_in if r["status"] == Referral.Status.PENDING and r["due_at"] <= now
        ),
    }


def feedback_summary(*, instansi: Instansi, start: date, end: date) -> dict:
    """Pasal 9h–i: input of one instansi in [start, end) analysed as feedback.

    Returns counts by kind, topic and channel (with the kinds' and channels' labels), the
    monthly trend, the change against the previous period of equal length, notable items
    (criticism and suggestions on the most frequent topics, newest first; no personal data)
    and the pejabat's recommendations.
    """
    start_dt, end_dt = _as_datetime(start), _as_datetime(end)
    qs = Inquiry.objects.filter(instansi=instansi, created_at__gte=start_dt, created_at__lt=end_dt)
    by_kind = {kind: 0 for kind in Inquiry.Kind.values}
    for row in qs.values("kind").annotate(n=Count("id")):
        by_kind[row["kind"]] = row["n"]
    by_channel = {
        row["channel"]: row["n"]
        for row in qs.values("channel").annotate(n=Count("id")).order_by("-n", "channel")
    }
    topic_counts: Counter[str] = Counter()
    for topics in qs.exclude(topics=[]).values_list("topics", flat=True):
        topic_counts.update(topics)
    by_month = {
        f"{row['month']:%Y-%m}": row["n"]
        for row in qs.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    }
    total = sum(by_kind.values())
    length = end_dt - start_dt
    previous = Inquiry.objects.filter(
        instansi=instansi, created_at__gte=start_dt - length, created_at__lt=start_dt
    ).count()
    top_topics = [t for t, _ in topic_counts.most_common(3)]
    notable_qs = qs.filter(kind__in=[Inquiry.Kind.KRITIK, Inquiry.Kind.SARAN])
    if top_topics:
        notable_qs = notable_qs.filter(topics__overlap=top_topics)
    notable = [
        {
            "id": i.pk,
            "kind": i.kind,
            "kind_label": i.get_kind_display(),
            "created_at": i.created_at,
            "topics": i.topics,
            "excerpt": i.body[:200],
            "status": i.status,
        }
        for i in notable_qs.order_by("-created_at")[:10]
    ]
    recommendations = [
        {
            "period_start": r.period_start,
            "period_end": r.period_end,
            "findings": r.findings,
            "recommendations": r.recommendations,
            "follow_up": r.follow_up,
            "recorded_by_name": r.recorded_by_name,
            "recorded_at": r.recorded_at,
        }
        for r in FeedbackRecommendation.objects.filter(
            instansi=instansi, period_start__lt=_date(end), period_end__gt=_date(start)
        ).order_by("period_start")
    ]
    channel_labels = dict(Inquiry.Channel.choices)
    return {
        "total": total,
        "by_kind": by_kind,
        "kind_labels": dict(Inquiry.Kind.choices),
        "by_topic": dict(topic_counts.most_common()),
        "by_channel": by_channel,
        "channel_labels": {code: channel_labels.get(code, code) for code in by_channel},
        "by_month": by_month,
        "previous_period_total": previous,
        "trend": (total - previous) / previous if previous else None,
        "notable": notable,
        "recommendations": recommendations,
    }


def inquiry_feedback_figures(
    *, instansi: Instansi, start: date | datetime, end: date | datetime
) -> dict:
    """The citizens' word on the answers of one instansi for inquiries received in [start, end):
    the average rating (1–5) and the reopen rate, the share of answered inquiries on which the
    citizen asked a follow-up question (None when nothing was rated or answered)."""
    qs = Inquiry.objects.filter(
        instansi=instansi, created_at__gte=_as_datetime(start), created_at__lt=_as_datetime(end)
    )
    row = qs.aggregate(
        rating_average=Avg("rating"),
        rated=Count("id", filter=Q(rating__isnull=False)),
        answered=Count(
            "id",
            filter=Q(answered_at__isnull=False)
            | Q(status__in=ANSWERED_STATES)
            | Q(follow_up_at__isnull=False),
        ),
        reopened=Count("id", filter=Q(follow_up_at__isnull=False)),
    )
    average = row["rating_average"]
    return {
        "rating_average": round(float(average), 2) if average is not None else None,
        "rating_count": row["rated"],
        "answered": row["answered"],
        "reopened": row["reopened"],
        "reopen_rate": round(row["reopened"] / row["answered"], 4) if row["answered"] else None,
    }


def _date(value: date | datetime) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def feedback_recommendation_get(
    *, instansi: Instansi, period_start: date, period_end: date
) -> FeedbackRecommendation | None:
    return FeedbackRecommendation.objects.filter(
        instansi=instansi, period_start=period_start, period_end=period_end
    ).first()


def sla_badge(referral: Referral, now: datetime | None = None) -> dict:
    """How a referral stands against its deadline, for the admin's badges."""
    now = now or timezone.now()
    if referral.status == Referral.Status.ANSWERED:
        in_time = referral.answered_at and referral.answered_at <= referral.due_at
        return {
            "label": "Tepat waktu" if in_time else "Dijawab terlambat",
            "tone": "good" if in_time else "warning",
        }
    if referral.status == Referral.Status.DECLINED:
        return {"label": "Ditolak", "tone": "info"}
    if now >= referral.due_at:
        late = now - referral.due_at
        return {"label": f"Terlambat {_hours(late)}", "tone": "critical"}
    left = referral.due_at - now
    window = referral.due_at - referral.requested_at
    tone = "warning" if left <= window * 0.25 else "info"
    return {"label": f"Sisa {_hours(left)}", "tone": tone}


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} mnt"
    return f"{minutes // 60} jam {minutes % 60} mnt"


# The console's freshness check (evaluation) reads when an instansi's inbox figures last moved.
INBOX_CHANGE_FIELDS = [
    (Inquiry, "instansi", ("created_at", "updated_at")),
    (InquiryEvent, "instansi", ("created_at",)),
    (Referral, "from_instansi", ("requested_at", "answered_at")),
    (Referral, "to_instansi", ("requested_at", "answered_at")),
    (FeedbackRecommendation, "instansi", ("recorded_at",)),
]


def inbox_last_changes(*, instansi_ids: list[int]) -> dict[int, datetime | None]:
    """{instansi id: newest inquiry, event, referral or feedback timestamp} (None: no rows)."""
    return newest_by_instansi(INBOX_CHANGE_FIELDS, instansi_ids)
