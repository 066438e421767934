"""Public pages of the inbox: the inquiry form (instansi site and portal), receipt, tracking."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import SimpulError
from tenants.selectors import instansi_get

from . import selectors, services
from .forms import (
    DONT_KNOW,
    FollowUpForm,
    InquiryPublicForm,
    PortalInquiryForm,
    RateForm,
    TrackForm,
)
from .models import Inquiry
from .performance import MIN_BASE, MIN_COUNT, service_performance
from .ratelimit import limit_reached

RATE_LIMIT_MESSAGE = (
    "Terlalu banyak pesan dari alamat Anda dalam satu jam terakhir. Silakan coba lagi nanti."
)
SPAM_MESSAGE = "Pesan tidak dapat dikirim. Kosongkan kolom «Jangan diisi» lalu coba lagi."


def _submit(request, form, *, instansi, channel: str) -> Inquiry | None:
    """Validate and store; form errors explain any refusal. None when nothing was stored."""
    if not form.is_valid():
        return None
    if form.is_spam():
        form.add_error(None, SPAM_MESSAGE)
        return None
    if limit_reached(request, scope="form"):
        form.add_error(None, RATE_LIMIT_MESSAGE)
        return None
    data = form.cleaned_data
    try:
        return services.inquiry_create(
            actor=None,
            instansi=instansi,
            kind=data["kind"],
            channel=channel,
            body=data["body"],
            citizen_name=data["citizen_name"],
            citizen_contact=data["citizen_contact"],
        )
    except SimpulError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


def _receipt_redirect(request, inquiry: Inquiry, receipt_text: str = ""):
    messages.success(request, receipt_text or "Terima kasih. Pesan Anda telah kami terima.")
    url = reverse("inbox-track-detail", kwargs={"code": inquiry.tracking_code})
    return HttpResponseRedirect(f"{url}?baru=1")


def inquiry_form_page_serve(request, *, page):
    """InquiryFormPage.serve: the form on an instansi's site, received by that instansi."""
    status = 200
    if request.method == "POST":
        form = InquiryPublicForm(request.POST)
        inquiry = _submit(request, form, instansi=request.tenant, channel=Inquiry.Channel.SITUS)
        if inquiry is not None:
            return _receipt_redirect(request, inquiry, page.receipt_text)
        status = 400
    else:
        form = InquiryPublicForm()
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, "inbox/inquiry_form_page.html", context, status=status)


@require_http_methods(["GET", "POST"])
def portal_inquiry_form(request):
    """The portal's form: the citizen picks the instansi, or "tidak tahu" for Diskominfo."""
    status = 200
    if request.method == "POST":
        form = PortalInquiryForm(request.POST)
        instansi = None
        if form.is_valid() and form.cleaned_data["instansi"] != DONT_KNOW:
            instansi = instansi_get(form.cleaned_data["instansi"])
        inquiry = _submit(request, form, instansi=instansi, channel=Inquiry.Channel.PORTAL)
        if inquiry is not None:
            return _receipt_redirect(request, inquiry)
        status = 400
    else:
        form = PortalInquiryForm()
    return render(request, "inbox/portal_inquiry_form.html", {"form": form}, status=status)


@never_cache
def track(request):
    """Enter a tracking code."""
    form = TrackForm(request.GET or None)
    if form.is_valid():
        code = services.normalize_tracking_code(form.cleaned_data["code"])
        if code:
            return HttpResponseRedirect(reverse("inbox-track-detail", kwargs={"code": code}))
        form.add_error("code", "Kode lacak terdiri atas 12 huruf/angka, mis. ABCD-EFGH-JKMN.")
    return render(request, "inbox/track.html", {"form": form}, status=400 if form.errors else 200)


def _not_found(request, code: str):
    form = TrackForm(initial={"code": code})
    return render(request, "inbox/track.html", {"form": form, "not_found": True}, status=404)


def _track_page(request, inquiry: Inquiry, *, rate_form=None, follow_up_form=None, status=200):
    state = selectors.inquiry_public_state(inquiry)
    context = {
        "inquiry": inquiry,
        "is_new": request.GET.get("baru") == "1",
        "state": state,
        "events": inquiry.public_events,
        "rate_form": rate_form or (RateForm() if state["can_rate"] else None),
        "follow_up_form": follow_up_form or (FollowUpForm() if state["can_follow_up"] else None),
    }
    return render(request, "inbox/track_detail.html", context, status=status)


@never_cache
def track_detail(request, code: str):
    """Where the inquiry is, who holds it, what comes next, every answer; nothing personal."""
    inquiry = selectors.inquiry_track(code=code)
    if inquiry is None:
        return _not_found(request, code)
    return _track_page(request, inquiry)


def _citizen_action(request, code: str, form_class, run, done: str):
    """One citizen action on the tracking page: validate, rate-limit, run, or show why not."""
    inquiry = selectors.inquiry_track(code=code)
    if inquiry is None:
        return _not_found(request, code)
    form = form_class(request.POST)
    if form.is_valid():
        if limit_reached(request, scope="tracking"):
            form.add_error(None, RATE_LIMIT_MESSAGE)
        else:
            try:
                run(inquiry.tracking_code, form.cleaned_data)
            except SimpulError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, done)
                url = reverse("inbox-track-detail", kwargs={"code": inquiry.tracking_code})
                return HttpResponseRedirect(url)
        inquiry = selectors.inquiry_track(code=code)
    key = "rate_form" if form_class is RateForm else "follow_up_form"
    return _track_page(request, inquiry, status=400, **{key: form})


@never_cache
@require_POST
def track_rate(request, code: str):
    """The citizen rates the answer (1–5, once, optional comment)."""
    return _citizen_action(
        request,
        code,
        RateForm,
        lambda tracking_code, data: services.inquiry_rate(
            actor=None,
            tracking_code=tracking_code,
            rating=data["rating"],
            comment=data["comment"],
        ),
        "Terima kasih atas penilaian Anda.",
    )


@never_cache
@require_POST
def track_follow_up(request, code: str):
    """The citizen asks one follow-up question; the inquiry is reopened."""
    return _citizen_action(
        request,
        code,
        FollowUpForm,
        lambda tracking_code, data: services.inquiry_follow_up(
            actor=None, tracking_code=tracking_code, question=data["question"]
        ),
        "Pertanyaan lanjutan Anda telah kami terima dan diteruskan kepada petugas.",
    )


@require_GET
def performance(request):
    """How quickly inquiries are answered: every instansi on the portal, one on its own site.

    Not behind the page cache: the figures move with every inquiry, not with publishing; the
    page costs a fixed handful of aggregate queries (see `inbox.performance`).
    """
    tenant = getattr(request, "tenant", None)
    own = tenant if tenant is not None and tenant.schema_name != "public" else None
    report = service_performance(instansi=own)
    return render(
        request,
        "inbox/performance.html",
        {"report": report, "own": own, "min_count": MIN_COUNT, "min_base": MIN_BASE},
    )
