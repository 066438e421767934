"""Public pages of the inbox: the inquiry form (instansi site and portal), receipt, tracking."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tenants.errors import SimpulError
from tenants.selectors import instansi_get

from . import selectors, services
from .forms import DONT_KNOW, InquiryPublicForm, PortalInquiryForm, TrackForm
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


@never_cache
def track_detail(request, code: str):
    """Status, public timeline and the public reply of one inquiry; nothing personal."""
    inquiry = selectors.inquiry_track(code=code)
    if inquiry is None:
        form = TrackForm(initial={"code": code})
        return render(
            request,
            "inbox/track.html",
            {"form": form, "not_found": True},
            status=404,
        )
    context = {
        "inquiry": inquiry,
        "is_new": request.GET.get("baru") == "1",
        "expected_at": selectors.inquiry_expected_at(inquiry),
        "events": inquiry.public_events,
    }
    return render(request, "inbox/track_detail.html", context)


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
