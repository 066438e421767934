"""Diskominfo's console (`diskominfo.<base>/console/`): table, drill-down, evaluation, exports, jobs.

Served only on the super-tenant's host (404 elsewhere) to its evaluators (403 for other users,
login redirect for anonymous ones). Figures come from snapshots; no view loops over schemas.
"""

import datetime
import tempfile
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name, schema_context

from core.errors import SimpulError
from tenants.selectors import instansi_get

from . import charts, exports, roles, selectors, services, tasks
from . import figures as fig
from .models import MIN_YEAR, AnnualReport, ConsoleJob

MONTH_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def console_view(platform_admin: bool = False):
    """Guard: 404 off the super-tenant, login for anonymous users, 403 for non-evaluators."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            tenant = getattr(request, "tenant", None)
            if tenant is None or not tenant.is_super:
                raise Http404("Konsol hanya tersedia di situs Diskominfo.")
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
            allowed = (
                roles.is_platform_admin(request.user, tenant)
                if platform_admin
                else roles.is_evaluator(request.user, tenant)
            )
            if not allowed:
                return render(
                    request,
                    "evaluation/console/forbidden.html",
                    {"platform_admin": platform_admin},
                    status=403,
                )
            request.console_platform_admin = roles.is_platform_admin(request.user, tenant)
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return wrapper

    return decorator


def _year(request, default: int | None = None) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("tahun") or request.POST.get("tahun") or default or today.year)
    except ValueError:
        year = today.year
    return min(max(year, MIN_YEAR), today.year + 1)


def _years() -> list[int]:
    return list(range(timezone.localdate().year, MIN_YEAR - 1, -1))


def _error(request, exc: SimpulError) -> None:
    messages.error(request, exc.message)


COLUMNS = [
    ("name", "Instansi"),
    ("status", "Laporan"),
    ("active_decree", "SK aktif"),
    ("accounts_active", "Akun"),
    ("officers_active", "Petugas"),
    ("stale_items", "Perlu diperbarui"),
    ("sop_active", "SOP"),
    ("sop_share", "Langkah sesuai standar (%)"),
    ("news_total", "Berita"),
    ("news_kegiatan", "Kegiatan"),
    ("news_isu", "Isu"),
    ("news_kebijakan", "Kebijakan"),
    ("sla_share", "Dijawab ≤24 jam (%)"),
    ("median_hours", "Median jam"),
    ("total", "Nilai"),
]


def _charts(summary: dict, year: int) -> list[charts.Chart]:
    """The four charts over every instansi matching the filters (SQL aggregates, not rows)."""
    trend = [(MONTH_SHORT[i], value) for i, (_, value) in enumerate(summary["trend"])]
    return [
        charts.column_chart(
            trend,
            title=f"Berita terbit per bulan, {year} (semua instansi)",
            label_header="Bulan",
            value_header="Berita",
        ),
        charts.bar_chart(
            [(label, float(n)) for label, n in summary["sla"]],
            title="Sebaran instansi: masukan dijawab ≤24 jam",
            label_header="Bagian dijawab ≤24 jam",
            value_header="Instansi",
        ),
        charts.bar_chart(
            [(label, float(n)) for label, n in summary["statuses"]],
            title="Status laporan tahunan",
            label_header="Status",
            value_header="Instansi",
        ),
        charts.bar_chart(
            [(name, float(n)) for name, n in summary["top_news"]],
            title="Berita terbit per instansi (15 terbanyak)",
            label_header="Instansi",
            value_header="Berita",
        ),
    ]


def _per_page(request) -> int:
    try:
        per_page = int(request.GET.get("per", selectors.PAGE_SIZE))
    except ValueError:
        return selectors.PAGE_SIZE
    return per_page if per_page in selectors.PAGE_SIZES else selectors.PAGE_SIZE


@console_view()
def console_index(request):
    """Every instansi at a glance (summary and charts over all of them, in SQL aggregates) and
    the table one page at a time: a thousand instansi never load or render at once."""
    year = _year(request)
    sort = request.GET.get("urut", "name")
    if sort not in selectors.SORT_KEYS:
        sort = "name"
    descending = request.GET.get("arah") == "turun"
    q = (request.GET.get("q") or "").strip()[:100]
    status = request.GET.get("status", "")
    per_page = _per_page(request)
    page, rows = selectors.console_page(
        year=year,
        q=q,
        status=status,
        sort=sort,
        descending=descending,
        page=request.GET.get("halaman"),
        per_page=per_page,
    )
    summary = selectors.console_summary(year=year, q=q, status=status)
    period = selectors.period_for(year)
    asked = request.GET.get("halaman")
    context = {
        "year": year,
        "years": _years(),
        "rows": rows,
        "page": page,
        "page_links": _page_links(page),
        "page_asked_past_end": bool(asked and asked.isdigit() and int(asked) > page.number),
        "per_page": per_page,
        "per_page_choices": selectors.PAGE_SIZES,
        "query": _query(
            year=year, q=q, status=status, sort=sort, descending=descending, per=per_page
        ),
        "filter_query": _query(year=year, q=q, status=status, per=per_page),
        "columns": COLUMNS,
        "sort": sort,
        "descending": descending,
        "q": q,
        "status": status,
        "statuses": [("none", "Belum dibuat"), *AnnualReport.Status.choices],
        "summary": summary,
        "charts": _charts(summary, year),
        "jobs": selectors.job_list(5),
        "extension_requests": selectors.open_extension_requests(),
        "period": period,
        "signer_missing": not period.signer_name.strip(),
        "is_platform_admin": roles.is_platform_admin(request.user, request.tenant),
        "refreshed_at": summary["refreshed_at"],
        "oldest_refreshed_at": summary["oldest_refreshed_at"],
        "stale_rows": summary["stale_rows"],
    }
    return render(request, "evaluation/console/index.html", context)


def _query(**params) -> str:
    """The console's query string for these filters (the page number is added by the links)."""
    pairs = {
        "tahun": params["year"],
        "q": params.get("q") or None,
        "status": params.get("status") or None,
        "urut": params.get("sort") if params.get("sort") not in (None, "name") else None,
        "arah": "turun" if params.get("descending") else None,
        "per": params.get("per") if params.get("per") != selectors.PAGE_SIZE else None,
    }
    return urlencode({k: v for k, v in pairs.items() if v is not None})


def _page_links(page) -> list[int | None]:
    """Page numbers to link: the first, the last and two either side of the current (None: …)."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - 2, page.number + 3)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    links: list[int | None] = []
    for n in numbers:
        if links and n - links[-1] > 1:
            links.append(None)
        links.append(n)
    return links


@console_view()
def console_instansi(request, slug: str):
    inst = instansi_get(slug)
    if inst is None:
        raise Http404("Instansi tidak ditemukan.")
    year = _year(request)
    snapshot = selectors.snapshot_get(instansi=inst, year=year)
    raw = snapshot.data if snapshot else {}
    row = fig.console_row(raw)
    report = selectors.report_get(instansi=inst, year=year)
    news_by_month = row["news_by_month"]
    trend = charts.column_chart(
        [
            (
                MONTH_SHORT[m - 1],
                None if news_by_month is None else float(news_by_month.get(f"{year}-{m:02d}", 0)),
            )
            for m in range(1, 13)
        ],
        title=f"Berita terbit per bulan {inst.display_name}, {year}",
        label_header="Bulan",
        value_header="Berita",
    )
    context = {
        "inst": inst,
        "year": year,
        "years": _years(),
        "snapshot": snapshot,
        "freshness": selectors.freshness(
            snapshot.refreshed_at if snapshot else None, now=timezone.now()
        ),
        "raw": raw,
        "row": row,
        "report": report,
        "report_rows": selectors.report_rows(report) if report else [],
        "trend": trend,
        "reports": selectors.report_list(instansi=inst),
        "figures_preview": fig.report_figures(raw, year=year) if snapshot else {},
        "is_platform_admin": roles.is_platform_admin(request.user, request.tenant),
        "password": None,
    }
    return render(request, "evaluation/console/instansi.html", context)


@console_view()
@require_POST
def console_instansi_refresh(request, slug: str):
    year = _year(request)
    inst = instansi_get(slug)
    if inst is None:
        raise Http404
    job = services.job_create(
        actor=request.user, kind=ConsoleJob.Kind.REFRESH, year=year, params={"slug": slug}
    )
    messages.success(request, "Pembaruan snapshot dijadwalkan.")
    return redirect("evaluation_console:job", job_id=job.pk)


def _report_or_404(pk: int) -> AnnualReport:
    report = selectors.report_get_by_id(report_id=pk)
    if report is None:
        raise Http404("Laporan tidak ditemukan.")
    return report


@console_view()
def console_report(request, pk: int):
    report = _report_or_404(pk)
    evaluation = selectors.evaluation_for(report=report)
    scores = []
    if evaluation is not None:
        by_criterion = {s.criterion_id: s for s in evaluation.scores.all()}
        for criterion in evaluation.rubric.criteria.all():
            scores.append((criterion, by_criterion.get(criterion.pk)))
    recs = [r.text for r in evaluation.recommendations.all()] if evaluation else []
    context = {
        "report": report,
        "inst": report.instansi,
        "rows": selectors.report_rows(report),
        "events": report.events.all(),
        "evaluation": evaluation,
        "scores": scores,
        "recommendations_text": "\n".join(recs),
        "previous": [
            (rec, report.followups.get(str(rec.pk), ""))
            for rec in selectors.previous_recommendations(
                instansi=report.instansi, year=report.year
            )
        ],
        "deadline": selectors.report_deadline(report),
        "tagar": (report.figures.get("news_by_tagar") or {}).get("value") or {},
        "feedback": selectors.report_feedback(report),
        "extension_requests": selectors.extension_requests(report=report),
        "auto": selectors.report_auto_texts(report),
    }
    return render(request, "evaluation/console/report.html", context)


def _decide_extension(request, report: AnnualReport, *, grant: bool) -> None:
    """Grant or refuse the report's open extension request; the instansi is told by mail."""
    extension = selectors.open_extension_request(report=report)
    if extension is None:
        raise SimpulError("Tidak ada permintaan perpanjangan yang menunggu keputusan.")
    note = request.POST.get("note", "")
    if grant:
        decided = services.extension_grant(
            request=extension, actor=request.user, until=request.POST.get("until", ""), note=note
        )
        messages.success(
            request,
            f"Perpanjangan dikabulkan sampai {decided.granted_until:%d-%m-%Y}; instansi diberi tahu.",
        )
    else:
        services.extension_refuse(request=extension, actor=request.user, note=note)
        messages.success(request, "Permintaan perpanjangan ditolak; instansi diberi tahu.")


@console_view()
@require_POST
def console_report_action(request, pk: int, action: str):
    report = _report_or_404(pk)
    try:
        if action == "mulai":
            services.evaluation_start(report=report, actor=request.user)
            messages.success(request, "Evaluasi dimulai; skor saran sudah diisi dari data.")
        elif action == "kembalikan":
            services.report_return(
                report=report, actor=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, "Laporan dikembalikan untuk perbaikan.")
        elif action == "perpanjang":
            try:
                until = datetime.date.fromisoformat(request.POST.get("until", ""))
            except ValueError as exc:
                raise SimpulError("Tanggal perpanjangan tidak sah (format TTTT-BB-HH).") from exc
            services.report_extend_deadline(report=report, actor=request.user, until=until)
            messages.success(request, f"Batas waktu diperpanjang sampai {until:%d-%m-%Y}.")
        elif action in ("kabulkan-perpanjangan", "tolak-perpanjangan"):
            _decide_extension(request, report, grant=action == "kabulkan-perpanjangan")
        elif action in ("nilai", "selesai"):
            scores = {
                key.removeprefix("skor_"): value
                for key, value in request.POST.items()
                if key.startswith("skor_")
            }
            notes = {
                key.removeprefix("catatan_"): value
                for key, value in request.POST.items()
                if key.startswith("catatan_")
            }
            recs = request.POST.get("rekomendasi", "").splitlines()
            services.evaluation_save(
                report=report,
                actor=request.user,
                scores=scores,
                notes=notes,
                summary=request.POST.get("summary", ""),
                recommendations=recs,
            )
            if action == "selesai":
                services.evaluation_release(report=report, actor=request.user)
                messages.success(request, "Hasil evaluasi disampaikan kepada instansi.")
            else:
                messages.success(request, "Penilaian disimpan.")
        else:
            raise Http404
    except SimpulError as exc:
        _error(request, exc)
    return redirect("evaluation_console:report", pk=report.pk)


@console_view()
def console_report_pdf(request, pk: int):
    report = _report_or_404(pk)
    response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="laporan-{report.year}-{report.instansi.schema_name}.pdf"'
    )
    return response


@console_view()
def console_recap_xlsx(request, year: int):
    """The recap workbook, written row by row to a temporary file and sent from it in blocks
    (an XLSX is a zip: it cannot be sent before it is whole, but it never sits in memory)."""
    workbook = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    exports.recap_xlsx(year, workbook)
    workbook.seek(0)
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=f"rekap-laporan-{year}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@console_view()
def console_recap_csv(request, year: int):
    """The recap as CSV, streamed while the instansi are read in chunks."""
    response = StreamingHttpResponse(
        exports.recap_csv_lines(year), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="rekap-laporan-{year}.csv"'
    return response


@console_view()
def console_bupati_pdf(request, year: int):
    response = HttpResponse(exports.bupati_summary_pdf(year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ringkasan-bupati-{year}.pdf"'
    return response


def _parse_bands(text: str) -> list[dict]:
    bands = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        head, _, label = line.partition(" ")
        low = head.split("-")[0].split("–")[0]
        bands.append({"min": low, "label": label.strip()})
    return bands


@console_view()
def console_settings_current(request):
    return redirect("evaluation_console:settings", year=timezone.localdate().year)


@console_view()
def console_settings(request, year: int):
    """The year's rubric (criteria, weights, bands) and deadline settings."""
    if year < MIN_YEAR or year > timezone.localdate().year + 1:
        raise Http404
    rubric = services.rubric_ensure(year=year)
    period = selectors.period_for(year)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "periode":
                try:
                    deadline = datetime.date.fromisoformat(request.POST.get("deadline", ""))
                except ValueError as exc:
                    raise SimpulError("Batas waktu tidak sah (format TTTT-BB-HH).") from exc
                services.period_set(
                    actor=request.user,
                    year=year,
                    deadline=deadline,
                    reminder_days=request.POST.get("reminder_days", ""),
                    signer_name=request.POST.get("signer_name", ""),
                    signer_title=request.POST.get("signer_title", ""),
                    signer_nip=request.POST.get("signer_nip", ""),
                )
                messages.success(request, "Pengaturan periode disimpan.")
            else:
                criteria = []
                for i in range(int(request.POST.get("rows", "0") or 0) + 1):
                    name = request.POST.get(f"name_{i}", "").strip()
                    if not name:
                        continue
                    criteria.append(
                        {
                            "id": request.POST.get(f"id_{i}", ""),
                            "code": request.POST.get(f"code_{i}", ""),
                            "name": name,
                            "description": request.POST.get(f"description_{i}", ""),
                            "weight": request.POST.get(f"weight_{i}", ""),
                            "max_score": request.POST.get(f"max_score_{i}", "") or 100,
                        }
                    )
                services.rubric_update(
                    actor=request.user,
                    year=year,
                    criteria=criteria,
                    bands=_parse_bands(request.POST.get("bands", "")),
                )
                messages.success(request, "Rubrik disimpan.")
            return redirect("evaluation_console:settings", year=year)
        except (SimpulError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "Isian tidak sah."))
    criteria = list(rubric.criteria.all())
    bands = sorted(rubric.bands, key=lambda b: -b["min"])
    band_lines = []
    upper = 100
    for band in bands:
        band_lines.append(f"{band['min']:g}-{upper:g} {band['label']}")
        upper = band["min"] - 0.01
    return render(
        request,
        "evaluation/console/settings.html",
        {
            "year": year,
            "rubric": rubric,
            "criteria": criteria,
            "rows": len(criteria),
            "weight_total": sum(c.weight for c in criteria),
            "bands_text": "\n".join(band_lines),
            "period": period,
        },
    )


@console_view()
@require_POST
def console_job_start(request):
    year = _year(request)
    kind = request.POST.get("kind", "")
    if kind not in (ConsoleJob.Kind.REFRESH, ConsoleJob.Kind.PDF):
        messages.error(request, "Jenis pekerjaan tidak dikenal.")
        return redirect(f"{reverse('evaluation_console:index')}?tahun={year}")
    job = services.job_create(actor=request.user, kind=kind, year=year)
    return redirect("evaluation_console:job", job_id=job.pk)


@console_view()
def console_job(request, job_id: int):
    job = selectors.job_get(job_id)
    if job is None:
        raise Http404
    password = None
    if (
        job.kind == ConsoleJob.Kind.PROVISION
        and job.state == ConsoleJob.State.DONE
        and roles.is_platform_admin(request.user, request.tenant)
    ):
        password = tasks.take_password(job.pk)
    return render(request, "evaluation/console/job.html", {"job": job, "password": password})


@console_view()
def console_job_download(request, job_id: int):
    job = selectors.job_get(job_id)
    if job is None or not job.result:
        raise Http404
    return FileResponse(
        job.result.open("rb"), as_attachment=True, filename=job.result.name.rsplit("/", 1)[-1]
    )


@console_view(platform_admin=True)
def console_onboard(request):
    """Provision a new instansi (as a job with progress); the admin password is shown once."""
    if request.method == "POST":
        params = {
            key: request.POST.get(key, "").strip()
            for key in ("slug", "name", "short_name", "admin_email", "kind")
        }
        try:
            from tenants.services import validate_slug

            validate_slug(params["slug"])
            if not params["name"]:
                raise SimpulError("Nama instansi wajib diisi.")
            job = services.job_create(
                actor=request.user, kind=ConsoleJob.Kind.PROVISION, params=params
            )
        except SimpulError as exc:
            _error(request, exc)
            return render(request, "evaluation/console/onboard.html", {"params": params})
        return redirect("evaluation_console:job", job_id=job.pk)
    return render(request, "evaluation/console/onboard.html", {"params": {}})


@console_view(platform_admin=True)
@require_POST
def console_instansi_admin(request, slug: str, action: str):
    """Archive an instansi or reissue its admin's access (the password is shown once)."""
    from tenants.services import instansi_archive, instansi_reset_admin, instansi_restore

    inst = instansi_get(slug)
    if inst is None:
        raise Http404
    try:
        # Instansi rows are written from the public schema only (django-tenants' rule).
        if action == "arsip":
            with schema_context(get_public_schema_name()):
                instansi_archive(slug=slug, actor=request.user)
            messages.success(request, f"{inst.name} diarsipkan; datanya tetap tersimpan.")
        elif action == "pulihkan":
            with schema_context(get_public_schema_name()):
                instansi_restore(slug=slug, actor=request.user)
            messages.success(request, f"{inst.name} dilayani kembali.")
        elif action == "reset-admin":
            password = instansi_reset_admin(slug=slug, actor=request.user)
            return render(
                request,
                "evaluation/console/password.html",
                {"inst": inst, "password": password},
            )
        else:
            raise Http404
    except SimpulError as exc:
        _error(request, exc)
    return redirect("evaluation_console:instansi", slug=slug)
