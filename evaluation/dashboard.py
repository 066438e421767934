"""Annual-report panels of the admin home: the instansi's report for last year with its status
and deadline (Pasal 16), and on Diskominfo's host the reports waiting for evaluation (Pasal 17)."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tenants.dashboard import WorkItem, WorkPanel

from . import roles, selectors
from .models import AnnualReport

AWAITING_EVALUATION = (AnnualReport.Status.SUBMITTED, AnnualReport.Status.UNDER_EVALUATION)


def reports_awaiting_evaluation() -> QuerySet[AnnualReport]:
    """Every instansi's submitted or in-evaluation report, oldest submission first (the
    console's selectors read one year's table; the dashboard needs all years' queue)."""
    return (
        AnnualReport.objects.filter(status__in=AWAITING_EVALUATION)
        .select_related("instansi")
        .order_by("submitted_at", "id")
    )


class AnnualReportPanel(WorkPanel):
    name = "laporan-tahunan"
    title = "Laporan tahunan"
    order = 40

    @classmethod
    def shown_to(cls, request) -> bool:
        return getattr(request, "tenant", None) is not None and roles.can_edit_report(request.user)

    def get_items(self) -> list[WorkItem]:
        today = timezone.localdate()
        year = today.year - 1
        report = selectors.report_get(instansi=self.request.tenant, year=year)
        period = selectors.period_for(year)
        deadline = selectors.report_deadline(report, period) if report else period.deadline
        days = (deadline - today).days
        if report is None:
            status, url = "Belum disusun", reverse("evaluation_admin:index")
        else:
            status = report.get_status_display()
            url = reverse("evaluation_admin:detail", args=[year])
        if report is not None and report.status not in AnnualReport.EDITABLE:
            badge, tone = status, "good"
        elif days < 0:
            badge, tone = f"{status} · lewat {-days} hari", "critical"
        else:
            badge, tone = f"{status} · sisa {days} hari", "warning" if days <= 14 else "info"
        return [
            WorkItem(
                title=f"Laporan Tahunan {year}",
                url=url,
                details=[f"Status: {status}", f"Batas waktu {deadline:%d-%m-%Y}"],
                badge=badge,
                tone=tone,
            )
        ]


class ReportsToEvaluatePanel(WorkPanel):
    name = "laporan-dievaluasi"
    title = "Laporan tahunan menunggu evaluasi"
    empty_text = "Tidak ada laporan yang menunggu evaluasi."
    order = 6

    @classmethod
    def shown_to(cls, request) -> bool:
        return roles.is_evaluator(request.user, getattr(request, "tenant", None))

    def more_url(self) -> str:
        return "/console/"

    def get_items(self) -> list[WorkItem]:
        now = timezone.now()
        items = []
        for report in reports_awaiting_evaluation()[: self.limit + 1]:
            waited = (now - report.submitted_at).days if report.submitted_at else None
            items.append(
                WorkItem(
                    title=f"{report.instansi.name} · {report.year}",
                    url=reverse("evaluation_console:report", args=[report.pk]),
                    details=[
                        f"Status: {report.get_status_display()}",
                        f"Disampaikan {timezone.localtime(report.submitted_at):%d-%m-%Y}"
                        if report.submitted_at
                        else "Belum ada tanggal penyampaian",
                    ],
                    badge=f"Menunggu {waited} hari" if waited is not None else "",
                    tone="warning" if waited and waited > 14 else "info",
                )
            )
        return items
