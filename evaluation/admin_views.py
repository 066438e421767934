"""The instansi's annual-report screens inside its own Wagtail admin (always its own reports).

Every read goes through selectors with `request.tenant`: the tables live in the public schema,
so an instansi never reaches another's report by changing a year or an id in the URL.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import SimpulError

from . import exports, roles, selectors, services
from .models import MIN_YEAR


def _tenant(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        raise Http404
    return tenant


def report_index(request):
    tenant = _tenant(request)
    this_year = timezone.localdate().year
    reports = list(selectors.report_list(instansi=tenant))
    existing = {r.year for r in reports}
    open_year = selectors.open_reporting_year()
    return TemplateResponse(
        request,
        "evaluation/admin/index.html",
        {
            "reports": reports,
            "start_years": [y for y in range(this_year, MIN_YEAR - 1, -1) if y not in existing][:5],
            "default_year": open_year,
            "default_period": selectors.period_for(open_year),
            "can_edit": roles.can_edit_report(request.user),
            "header_icon": "doc-full",
            "page_title": "Laporan Tahunan",
        },
    )


@require_POST
def report_start(request):
    tenant = _tenant(request)
    try:
        report = services.report_start(
            instansi=tenant, year=request.POST.get("year", ""), actor=request.user
        )
    except SimpulError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation_admin:index")
    return redirect("evaluation_admin:detail", year=report.year)


def _report(request, year: int):
    report = selectors.report_get(instansi=_tenant(request), year=year)
    if report is None:
        raise Http404("Laporan tidak ditemukan.")
    return report


def report_detail(request, year: int):
    report = _report(request, year)
    previous = selectors.previous_recommendations(instansi=report.instansi, year=report.year)
    deadline = selectors.report_deadline(report)
    extension_requests = selectors.extension_requests(report=report)
    auto_texts = selectors.report_auto_texts(report)
    return TemplateResponse(
        request,
        "evaluation/admin/detail.html",
        {
            "report": report,
            "rows": selectors.report_rows(report),
            "tagar": (report.figures.get("news_by_tagar") or {}).get("value") or {},
            "feedback": selectors.report_feedback(report),
            "previous": [(rec, report.followups.get(str(rec.pk), "")) for rec in previous],
            "evaluation": selectors.released_evaluation(report=report),
            "events": list(report.events.all()),
            "deadline": deadline,
            "deadline_passed": report.is_editable and timezone.localdate() > deadline,
            "can_edit": report.is_editable and roles.can_edit_report(request.user),
            "can_submit": report.is_editable and roles.can_submit_report(request.user),
            "missing": services.report_missing_items(report) if report.is_editable else [],
            "fields": [
                (
                    name,
                    report._meta.get_field(name).verbose_name,
                    getattr(report, name),
                    auto_texts.get(name, ""),
                )
                for name in services.NARRATIVE_FIELDS
            ],
            "extension_requests": extension_requests,
            "extension_open": any(r.status == "open" for r in extension_requests),
            "can_request_extension": report.is_editable and roles.can_edit_report(request.user),
            "header_icon": "doc-full",
            "page_title": f"Laporan Tahunan {report.year}",
        },
    )


@require_POST
def report_action(request, year: int, action: str):
    report = _report(request, year)
    try:
        if action == "simpan" or action == "sampaikan":
            followups = {
                key.removeprefix("tindak_lanjut_"): value
                for key, value in request.POST.items()
                if key.startswith("tindak_lanjut_")
            }
            if report.is_editable or action == "simpan":
                report = services.report_update(
                    report=report,
                    actor=request.user,
                    data={f: request.POST.get(f, "") for f in services.NARRATIVE_FIELDS},
                    followups=followups,
                )
            if action == "sampaikan":
                services.report_submit(report=report, actor=request.user)
                messages.success(request, "Laporan disampaikan kepada Bupati melalui Diskominfo.")
            else:
                messages.success(request, "Laporan disimpan.")
        elif action == "angka":
            services.report_refresh_figures(report=report, actor=request.user)
            messages.success(request, "Angka diperbarui dari data platform.")
        elif action == "koreksi":
            services.report_correct_figure(
                report=report,
                actor=request.user,
                key=request.POST.get("key", ""),
                value=request.POST.get("value", ""),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "Koreksi angka disimpan.")
        elif action == "perpanjangan":
            services.extension_request(
                report=report,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                until=request.POST.get("until", ""),
            )
            messages.success(request, "Permintaan perpanjangan dikirim kepada Diskominfo.")
        else:
            raise Http404
    except SimpulError as exc:
        messages.error(request, exc.message)
    return redirect("evaluation_admin:detail", year=report.year)


def report_pdf(request, year: int):
    report = _report(request, year)
    response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="laporan-{report.year}.pdf"'
    return response


urlpatterns = [
    path("", report_index, name="index"),
    path("mulai/", report_start, name="start"),
    path("<int:year>/", report_detail, name="detail"),
    path("<int:year>/pdf/", report_pdf, name="pdf"),
    path("<int:year>/<str:action>/", report_action, name="action"),
]
