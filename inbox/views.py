"""Staff screens of the inbox inside each instansi's Wagtail admin (Indonesian).

Boxes (received, referred to us), the inquiry page with its timeline and actions, recording an
inquiry received elsewhere, feedback analysis and, for Diskominfo, overdue referrals across the
regency. Every read goes through selectors with `request.tenant`; every write through services.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import policy
from core.actors import actor_name
from core.errors import SimpulError

from . import selectors, services
from .forms import (
    AnswerForm,
    RecommendationForm,
    ReferForm,
    ReferralAnswerForm,
    ReferralDeclineForm,
    ReplyForm,
    TopicsForm,
)
from .models import Inquiry, Referral
from .permissions import RECOMMEND

PAGE_SIZE = 25


def _instansi(request):
    instansi = getattr(request, "tenant", None)
    if instansi is None:
        raise PermissionDenied
    return instansi


def _overdue_param(value: str | None) -> bool | None:
    return {"ya": True, "tidak": False}.get(value or "")


def _filters(request, status_choices) -> dict:
    status = request.GET.get("status") or ""
    kind = request.GET.get("kind") or ""
    return {
        "status": status if status in dict(status_choices) else "",
        "kind": kind if kind in Inquiry.Kind.values else "",
        "overdue": request.GET.get("terlambat")
        if request.GET.get("terlambat") in ("ya", "tidak")
        else "",
    }


def received_box(request):
    instansi = _instansi(request)
    filters = _filters(request, Inquiry.Status.choices)
    qs = selectors.inquiry_list_received(
        instansi=instansi,
        status=filters["status"] or None,
        kind=filters["kind"] or None,
        overdue=_overdue_param(filters["overdue"]),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("p"))
    now = timezone.now()
    rows = [
        {
            "inquiry": i,
            "badges": [{"referral": r, **selectors.sla_badge(r, now)} for r in i.referrals.all()],
        }
        for i in page.object_list
    ]
    return render(
        request,
        "inbox/admin/received_box.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "status_choices": Inquiry.Status.choices,
            "kind_choices": Inquiry.Kind.choices,
            "tab": "diterima",
        },
    )


def referred_box(request):
    instansi = _instansi(request)
    filters = _filters(request, Referral.Status.choices)
    qs = selectors.referral_list_received(
        instansi=instansi,
        status=filters["status"] or None,
        kind=filters["kind"] or None,
        overdue=_overdue_param(filters["overdue"]),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("p"))
    now = timezone.now()
    rows = [{"referral": r, "badge": selectors.sla_badge(r, now)} for r in page.object_list]
    return render(
        request,
        "inbox/admin/referred_box.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "status_choices": Referral.Status.choices,
            "kind_choices": Inquiry.Kind.choices,
            "tab": "dirujuk",
        },
    )


def overdue_all(request):
    """Diskominfo's escalation view (super-tenant only): every overdue referral of the regency."""
    instansi = _instansi(request)
    if not instansi.is_super:
        raise PermissionDenied
    now = timezone.now()
    rows = [
        {"referral": r, "badge": selectors.sla_badge(r, now)}
        for r in selectors.referral_list_overdue_all(now=now)[:500]
    ]
    return render(request, "inbox/admin/overdue_all.html", {"rows": rows, "tab": "terlambat"})


def inquiry_detail(request, inquiry_id: int):
    instansi = _instansi(request)
    try:
        inquiry = selectors.inquiry_get_for(instansi=instansi, inquiry_id=inquiry_id)
    except SimpulError as exc:
        messages.error(request, exc.message)
        return redirect("inbox_admin:received")
    is_handler = inquiry.instansi_id == instansi.pk
    now = timezone.now()
    referrals = [{"referral": r, **selectors.sla_badge(r, now)} for r in inquiry.referrals.all()]
    my_referrals = [
        r for r in inquiry.referrals.all() if r.to_instansi_id == instansi.pk and r.is_pending
    ]
    allowed = {
        action for action, states in services.TRANSITIONS.items() if inquiry.status in states
    }
    context = {
        "inquiry": inquiry,
        "is_handler": is_handler,
        "referrals": referrals,
        "my_referrals": my_referrals,
        "events": inquiry.events.all(),
        "can_answer": is_handler and "answer" in allowed,
        "can_refer": is_handler and "refer" in allowed,
        "can_reply": is_handler and "reply" in allowed,
        "can_close": is_handler and "close" in allowed,
        "answer_form": AnswerForm(),
        "refer_form": ReferForm(instansi=instansi),
        "reply_form": ReplyForm(initial={"reply": _reply_draft(inquiry)}),
        "referral_answer_form": ReferralAnswerForm(
            initial={"answered_by_name": actor_name(request.user)}
        ),
        "referral_decline_form": ReferralDeclineForm(instansi=instansi),
        "topics_form": TopicsForm(initial={"topics": ", ".join(inquiry.topics)}),
        "topic_suggestions": selectors.topic_suggestions(instansi=instansi)[:12]
        if is_handler
        else [],
    }
    return render(request, "inbox/admin/inquiry_detail.html", context)


def _reply_draft(inquiry: Inquiry) -> str:
    """The related instansi's answers, as a starting point for the reply to the citizen."""
    return "\n\n".join(r.answer for r in inquiry.referrals.all() if r.answer)


def _act(request, inquiry_id: int, form, run, success: str):
    """Validate the form, run the service, show the outcome on the inquiry page."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except SimpulError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    else:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, "Periksa isian: " + " ".join(errors))
    return redirect("inbox_admin:detail", inquiry_id=inquiry_id)


@require_POST
def inquiry_answer(request, inquiry_id: int):
    instansi = _instansi(request)
    return _act(
        request,
        inquiry_id,
        AnswerForm(request.POST),
        lambda d: services.inquiry_answer(
            actor=request.user, instansi=instansi, inquiry_id=inquiry_id, answer=d["answer"]
        ),
        "Jawaban tersimpan dan tampil di halaman lacak.",
    )


@require_POST
def inquiry_refer(request, inquiry_id: int):
    instansi = _instansi(request)
    return _act(
        request,
        inquiry_id,
        ReferForm(request.POST, instansi=instansi),
        lambda d: services.inquiry_refer(
            actor=request.user,
            instansi=instansi,
            inquiry_id=inquiry_id,
            to_instansi=d["to_instansi"],
            note=d["note"],
        ),
        "Pesan dirujuk; instansi tujuan wajib menjawab dalam "
        f"{services.referral_sla().total_seconds() / 3600:.0f} jam.",
    )


@require_POST
def inquiry_reply(request, inquiry_id: int):
    instansi = _instansi(request)
    return _act(
        request,
        inquiry_id,
        ReplyForm(request.POST),
        lambda d: services.inquiry_reply(
            actor=request.user, instansi=instansi, inquiry_id=inquiry_id, reply=d["reply"]
        ),
        "Balasan tersimpan dan tampil di halaman lacak.",
    )


@require_POST
def inquiry_close(request, inquiry_id: int):
    instansi = _instansi(request)
    from django import forms

    return _act(
        request,
        inquiry_id,
        forms.Form(request.POST),
        lambda d: services.inquiry_close(
            actor=request.user, instansi=instansi, inquiry_id=inquiry_id
        ),
        "Pesan ditutup.",
    )


@require_POST
def inquiry_topics(request, inquiry_id: int):
    instansi = _instansi(request)
    return _act(
        request,
        inquiry_id,
        TopicsForm(request.POST),
        lambda d: services.inquiry_set_topics(
            actor=request.user, instansi=instansi, inquiry_id=inquiry_id, topics=d["topics"]
        ),
        "Topik tersimpan.",
    )


def _referral_inquiry_id(instansi, referral_id: int) -> int | None:
    try:
        return selectors.referral_get_for(instansi=instansi, referral_id=referral_id).inquiry_id
    except SimpulError:
        return None


@require_POST
def referral_answer(request, referral_id: int):
    instansi = _instansi(request)
    inquiry_id = _referral_inquiry_id(instansi, referral_id)
    if inquiry_id is None:
        messages.error(request, "Rujukan tidak ditemukan.")
        return redirect("inbox_admin:referred")
    return _act(
        request,
        inquiry_id,
        ReferralAnswerForm(request.POST),
        lambda d: services.referral_answer(
            actor=request.user,
            instansi=instansi,
            referral_id=referral_id,
            answer=d["answer"],
            answered_by_name=d["answered_by_name"],
        ),
        "Jawaban rujukan terkirim ke instansi pengirim.",
    )


@require_POST
def referral_decline(request, referral_id: int):
    instansi = _instansi(request)
    inquiry_id = _referral_inquiry_id(instansi, referral_id)
    if inquiry_id is None:
        messages.error(request, "Rujukan tidak ditemukan.")
        return redirect("inbox_admin:referred")
    return _act(
        request,
        inquiry_id,
        ReferralDeclineForm(request.POST, instansi=instansi),
        lambda d: services.referral_decline(
            actor=request.user,
            instansi=instansi,
            referral_id=referral_id,
            reason=d["reason"],
            suggested_instansi=d["suggested_instansi"] or None,
        ),
        "Rujukan dikembalikan ke instansi pengirim: bukan kewenangan kami.",
    )


def inquiry_record(request):
    """The petugas records an inquiry received on social media, by phone, e-mail or in person."""
    from .forms import RecordForm

    instansi = _instansi(request)
    accounts = selectors.official_account_choices(instansi=instansi)
    form = RecordForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inquiry = services.inquiry_create(
                actor=request.user,
                instansi=instansi,
                kind=data["kind"],
                channel=data["channel"],
                channel_detail=data["channel_detail"],
                official_account=data["official_account"] or None,
                body=data["body"],
                citizen_name=data["citizen_name"],
                citizen_contact=data["citizen_contact"],
            )
        except SimpulError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Pesan tercatat dengan kode lacak {inquiry.tracking_code}.")
            return redirect("inbox_admin:detail", inquiry_id=inquiry.pk)
    return render(request, "inbox/admin/record.html", {"form": form, "tab": "catat"})


def _period(request) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("mulai") or "")
    except ValueError:
        start = today.replace(day=1)
    try:
        end = date.fromisoformat(request.GET.get("sampai") or "")
    except ValueError:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if end <= start:
        end = start + timedelta(days=1)
    return start, end


def feedback_analysis(request):
    """Pasal 9h–i: the period's input by kind, topic, channel and trend; the pejabat's advice."""
    instansi = _instansi(request)
    start, end = _period(request)
    existing = selectors.feedback_recommendation_get(
        instansi=instansi, period_start=start, period_end=end
    )
    may_record = policy.allows(request.user, RECOMMEND)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = RecommendationForm(request.POST)
        if form.is_valid():
            try:
                services.feedback_recommendation_save(
                    actor=request.user,
                    instansi=instansi,
                    period_start=start,
                    period_end=end,
                    **form.cleaned_data,
                )
            except SimpulError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Rekomendasi tindak lanjut tersimpan.")
                url = reverse("inbox_admin:analysis")
                return redirect(f"{url}?mulai={start.isoformat()}&sampai={end.isoformat()}")
    else:
        form = RecommendationForm(
            initial={
                "findings": existing.findings,
                "recommendations": existing.recommendations,
                "follow_up": existing.follow_up,
            }
            if existing
            else None
        )
    summary = selectors.feedback_summary(instansi=instansi, start=start, end=end)
    channel_labels = dict(Inquiry.Channel.choices)
    return render(
        request,
        "inbox/admin/analysis.html",
        {
            "summary": summary,
            "kind_rows": [(label, summary["by_kind"][k]) for k, label in Inquiry.Kind.choices],
            "channel_rows": [
                (channel_labels.get(k, k), n) for k, n in summary["by_channel"].items()
            ],
            "stats": selectors.inquiry_stats(instansi=instansi, start=start, end=end),
            "start": start,
            "end": end,
            "form": form,
            "may_record": may_record,
            "existing": existing,
            "tab": "analisis",
        },
    )
