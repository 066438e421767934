"""Exports: report + evaluation PDF (official format), the Bupati's one-page summary, XLSX recap.

PDFs use reportlab's platypus with the regency letterhead, numbered Pasal 16(3) items and a
signature block; the recap is an openpyxl workbook with one row per instansi and a totals row.
"""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tenants.models import Instansi

from . import figures as fig
from .models import AnnualReport, Evaluation, InstansiSnapshot
from .selectors import (
    period_for,
    previous_recommendations,
    report_auto_texts,
    report_feedback,
    report_rows,
)

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def tanggal(day) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def number(value) -> str:
    if value is None:
        return "belum tersedia"
    if isinstance(value, (float, Decimal)):
        return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{value:,}".replace(",", ".")


def _styles():
    base = getSampleStyleSheet()
    return {
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=10, leading=13),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontSize=8, leading=10),
        "h1": ParagraphStyle(
            "h1", parent=base["Title"], fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=11, leading=14),
        "head1": ParagraphStyle(
            "head1", parent=base["Title"], fontSize=14, leading=17, spaceAfter=0
        ),
        "head2": ParagraphStyle(
            "head2", parent=base["Title"], fontSize=12, leading=15, spaceAfter=0
        ),
        "head3": ParagraphStyle(
            "head3", parent=base["BodyText"], fontSize=9, leading=11, alignment=TA_CENTER
        ),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "-").replace("\n", "<br/>"), style)


def _letterhead(st, office: str = "Dinas Komunikasi dan Informatika", slug: str = "diskominfo"):
    """The regency's letterhead with the office's name and address (host and mail)."""
    regency = settings.SIMPUL_REGENCY_NAME.upper()
    return [
        Paragraph(f"PEMERINTAH {escape(regency)}", st["head1"]),
        Paragraph(escape(office.upper()), st["head2"]),
        Paragraph(
            f"Laman: {escape(slug)}.{escape(settings.SIMPUL_BASE_DOMAIN)} · "
            f"Surel: {escape(slug)}@{escape(settings.SIMPUL_BASE_DOMAIN)}",
            st["head3"],
        ),
        HRFlowable(width="100%", thickness=2, color=colors.black, spaceBefore=4, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceAfter=10),
    ]


def _place() -> str:
    return settings.SIMPUL_REGENCY_NAME.replace("Kabupaten ", "").replace("Kota ", "")


def _signature(st, year: int, *, title: str = "", name: str = "", nip: str = "", day=None):
    """The signature block: place and date, office, room to sign, name and NIP.

    Without a title it is Diskominfo's, from the year's reporting period settings.
    """
    if not title:
        period = period_for(year)
        title = period.signer_title or "Kepala Dinas Komunikasi dan Informatika"
        name, nip = period.signer_name, period.signer_nip
        if not name.strip():
            # Dots to sign on would pass for a finished document; say what is missing instead.
            lines = [
                f"{_place()}, {tanggal(day or timezone.localdate())}",
                title,
                "",
                "Penandatangan belum ditetapkan",
            ]
            table = Table(
                [["", _p(line, st["body"])] for line in lines], colWidths=[9 * cm, 8 * cm]
            )
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            return KeepTogether([Spacer(1, 0.8 * cm), table])
    lines = [
        f"{_place()}, {tanggal(day or timezone.localdate())}",
        title,
        "",
        "",
        "",
        name or "(.................................................)",
        f"NIP. {nip}" if nip else "NIP. ....................",
    ]
    table = Table([["", _p(line, st["body"])] for line in lines], colWidths=[9 * cm, 8 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 0.8 * cm), table])


def _table(rows, widths, header=True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
    ]
    if header:
        style += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ]
    table.setStyle(TableStyle(style))
    return table


def _build(story) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2 * cm,
        topMargin=1.5 * cm,
        bottomMargin=2 * cm,
        title="Simpul",
        author=settings.SIMPUL_REGENCY_NAME,
    )

    def page_number(canvas, doc_):
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Halaman {doc_.page}")

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()


def _feedback_breakdowns(breakdowns: list[dict], st) -> list:
    """Item d's counts by kind, topic and channel, each with how it was computed."""
    lines = []
    for f in breakdowns:
        if not f["available"]:
            shown = "belum tersedia"
        else:
            shown = ", ".join(f"{name} ({number(n)})" for name, n in f["pairs"]) or "–"
        lines.append(_p(f"{f['label']}: {shown}. Cara penghitungan: {f['how']}", st["small"]))
    return lines


def _feedback_recommendations(f: dict, st) -> list:
    """Item h: the pejabat's recorded recommendations from the feedback analysis."""
    lines = [_p(f"{f['label']}. Cara penghitungan: {f['how']}", st["small"])]
    if not f["available"]:
        return [*lines, _p("belum tersedia", st["small"])]
    for rec in f["value"]:
        text = f"Periode {rec['period']}: {rec['recommendations']}"
        if rec["follow_up"]:
            text += f" Rencana tindak lanjut: {rec['follow_up']}"
        lines.append(_p(text, st["small"]))
    if not f["value"]:
        lines.append(_p("Belum ada rekomendasi yang dicatat untuk tahun ini.", st["small"]))
    return lines


def report_pdf(report: AnnualReport) -> bytes:
    """The report (eight numbered items) and, when there is one, its evaluation."""
    st = _styles()
    rows = {r["key"]: r for r in report_rows(report)}
    story = _letterhead(st, report.instansi.name, report.instansi.schema_name)
    story += [
        Paragraph(
            "LAPORAN TAHUNAN LAYANAN INFORMASI MELALUI MEDIA SOSIAL<br/>"
            f"{escape(report.instansi.name.upper())} TAHUN {report.year}",
            st["h1"],
        ),
        Paragraph(
            f"Status: {escape(report.get_status_display())}"
            + (
                f" · disampaikan {tanggal(timezone.localdate(report.submitted_at))} oleh "
                f"{escape(report.submitted_by_name)}"
                if report.submitted_at
                else ""
            ),
            st["head3"],
        ),
        Spacer(1, 0.4 * cm),
    ]

    def figures_table(keys):
        data = [["Uraian", "Jumlah", "Cara penghitungan"]]
        for key in keys:
            r = rows[key]
            how = r["how"]
            if r["correction"]:
                how += (
                    f" Dikoreksi dari {number(r['computed'])}; alasan: {r['correction']['reason']}"
                )
            data.append([_p(r["label"], st["small"]), number(r["value"]), _p(how, st["small"])])
        return _table(data, [5.5 * cm, 2.5 * cm, 8.5 * cm])

    previous = previous_recommendations(instansi=report.instansi, year=report.year)
    if previous:
        story.append(Paragraph(f"Tindak lanjut rekomendasi tahun {report.year - 1}", st["h2"]))
        data = [["No", "Rekomendasi", "Tindak lanjut"]]
        for i, rec in enumerate(previous, start=1):
            data.append(
                [
                    str(i),
                    _p(rec.text, st["small"]),
                    _p(report.followups.get(str(rec.pk), ""), st["small"]),
                ]
            )
        story.append(_table(data, [1 * cm, 7.5 * cm, 8 * cm]))

    items = [
        (
            "a",
            "Gambaran umum kebijakan layanan informasi melalui media sosial",
            None,
            report.policy_overview,
        ),
        ("b", "Jumlah khalayak", ["audience_total"], report.audience_note),
        (
            "c",
            "Pembahasan mengenai materi pesan",
            ["news_total", "news_kegiatan", "news_isu", "news_kebijakan"],
            report.content_discussion,
        ),
        (
            "d",
            "Tanggapan atas materi pesan",
            ["inquiries_received", "comments_received"],
            report.comments_discussion,
        ),
        (
            "e",
            "Jumlah informasi yang disebarluaskan dan pesan yang dikirim",
            ["items_published", "shares_recorded"],
            report.dissemination_note,
        ),
        ("f", "Jumlah pesan yang diteruskan", ["referrals_sent"], report.forwarded_note),
        (
            "g",
            "Kendala di dalam dan di luar instansi",
            None,
            f"Di dalam instansi: {report.obstacles_internal or '-'}\n"
            f"Di luar instansi: {report.obstacles_external or '-'}",
        ),
        ("h", "Rekomendasi dan rencana tindak lanjut", None, report.recommendations_plan),
    ]
    feedback = report_feedback(report)
    auto = report_auto_texts(report)
    auto_by_letter = {"b": "audience_note", "c": "content_discussion", "d": "comments_discussion"}
    auto_by_letter |= {"e": "dissemination_note", "f": "forwarded_note"}
    for letter, title, keys, text in items:
        if not (text or "").strip() and letter in auto_by_letter:
            text = auto[auto_by_letter[letter]] + " (diisi otomatis dari angka platform)"
        block = [Paragraph(f"{letter}. {escape(title)}", st["h2"])]
        if keys:
            block.append(figures_table(keys))
            if letter == "c":
                tagar = (report.figures.get("news_by_tagar") or {}).get("value") or {}
                if tagar:
                    block.append(
                        _p(
                            "Tagar terbanyak: " + ", ".join(f"{t} ({n})" for t, n in tagar.items()),
                            st["small"],
                        )
                    )
            if letter == "d":
                block += _feedback_breakdowns(feedback["d"], st)
            block.append(Spacer(1, 0.15 * cm))
        if letter == "h" and feedback["h"]:
            block += _feedback_recommendations(feedback["h"], st)
        block.append(_p(text, st["body"]))
        story.append(KeepTogether(block[:2]) if len(block) > 2 else KeepTogether(block))
        story.extend(block[2:] if len(block) > 2 else [])

    story.append(
        _signature(
            st,
            report.year,
            title=f"Kepala {report.instansi.name}",
            name=f"(disampaikan secara elektronik oleh {report.submitted_by_name})"
            if report.submitted_by_name
            else "",
            day=timezone.localdate(report.submitted_at) if report.submitted_at else None,
        )
    )
    evaluation = (
        Evaluation.objects.filter(report=report)
        .prefetch_related("scores__criterion", "recommendations")
        .first()
    )
    if evaluation is not None and evaluation.released_at is not None:
        story.append(PageBreak())
        story += _letterhead(st)
        story.append(
            Paragraph(
                f"HASIL EVALUASI LAPORAN TAHUNAN {report.year}<br/>"
                f"{escape(report.instansi.name.upper())}",
                st["h1"],
            )
        )
        data = [["No", "Kriteria", "Bobot", "Skor", "Nilai tertimbang"]]
        for i, score in enumerate(evaluation.scores.all(), start=1):
            c = score.criterion
            weighted = score.score / c.max_score * c.weight if score.score is not None else None
            data.append(
                [
                    str(i),
                    _p(c.name, st["small"]),
                    str(c.weight),
                    f"{number(score.score)} / {c.max_score}",
                    number(weighted),
                ]
            )
        data.append(["", "Jumlah", "100", "", number(evaluation.total)])
        story.append(_table(data, [1 * cm, 7.5 * cm, 1.7 * cm, 3 * cm, 3.3 * cm]))
        story.append(
            Paragraph(
                f"Nilai akhir: <b>{number(evaluation.total)}</b> — predikat "
                f"<b>{escape(evaluation.predicate)}</b>",
                st["body"],
            )
        )
        if evaluation.summary:
            story.append(_p(evaluation.summary, st["body"]))
        story.append(Paragraph("Rekomendasi (ditindaklanjuti pada tahun berikutnya)", st["h2"]))
        for i, rec in enumerate(evaluation.recommendations.all(), start=1):
            story.append(_p(f"{i}. {rec.text}", st["body"]))
        story.append(_signature(st, report.year, day=timezone.localdate(evaluation.released_at)))
    return _build(story)


# --- regency-wide -----------------------------------------------------------------------------

RECAP_FIGURES = fig.REPORT_FIGURE_KEYS
# Instansi read per query by the regency-wide exports: memory stays flat at any count.
CHUNK = 200
# The Bupati's one page names at most this many instansi still waiting for an evaluation.
WAITING_NAMED = 20


def _recap_instansi(year: int):
    """Active instansi by name, in chunks of CHUNK, each with its report (and evaluation) and
    snapshot of `year` prefetched per chunk: (instansi, report or None, snapshot or None)."""
    instansi = (
        Instansi.objects.active()
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "annual_reports",
                queryset=AnnualReport.objects.filter(year=year).select_related("evaluation"),
                to_attr="year_reports",
            ),
            Prefetch(
                "evaluation_snapshots",
                queryset=InstansiSnapshot.objects.filter(year=year),
                to_attr="year_snapshots",
            ),
        )
    )
    for inst in instansi.iterator(chunk_size=CHUNK):
        report = inst.year_reports[0] if inst.year_reports else None
        snapshot = inst.year_snapshots[0] if inst.year_snapshots else None
        yield inst, report, snapshot


def recap_ranks(year: int) -> list[tuple[int, int, str, float, str]]:
    """Released evaluations of active instansi, best first: (rank, instansi id, name, total,
    predicate). One query; a rank per evaluated instansi only."""
    evaluations = (
        Evaluation.objects.filter(
            report__year=year, released_at__isnull=False, report__instansi__is_active=True
        )
        .exclude(total__isnull=True)
        .exclude(total=0)
        .order_by("-total", "report__instansi__name", "report__instansi_id")
        .values_list("report__instansi_id", "report__instansi__name", "total", "predicate")
    )
    return [
        (rank, inst_id, name, float(total), predicate)
        for rank, (inst_id, name, total, predicate) in enumerate(evaluations, start=1)
    ]


def recap_iter(year: int, ranks: dict[int, int] | None = None):
    """One row per active instansi, by name: report status, stated numbers, score, predicate,
    rank, and the activity figures of the Bupati's summary. A generator over chunked queries."""
    if ranks is None:
        ranks = {inst_id: rank for rank, inst_id, *_ in recap_ranks(year)}
    for inst, report, snapshot in _recap_instansi(year):
        evaluation = getattr(report, "evaluation", None) if report else None
        released = evaluation is not None and evaluation.released_at is not None
        figures = {k: (report.figure_value(k) if report else None) for k in RECAP_FIGURES}
        # The summary is asked for before any evaluation (and before most reports are sent):
        # a sent report's frozen numbers, else the console snapshot's, never 0 for "unknown".
        if report is not None and not report.is_editable:
            activity = figures
        elif snapshot is not None:
            computed = fig.report_figures(snapshot.data, year=year)
            activity = {k: (computed.get(k) or {}).get("value") for k in RECAP_FIGURES}
        else:
            activity = figures
        yield {
            "instansi": inst.name,
            "slug": inst.schema_name,
            "status": report.get_status_display() if report else "Belum dibuat",
            "submitted": report is not None and not report.is_editable,
            "figures": figures,
            "activity": activity,
            "total": float(evaluation.total) if released and evaluation.total else None,
            "predicate": evaluation.predicate if released else "",
            "rank": ranks.get(inst.pk),
        }


def recap_rows(year: int) -> list[dict]:
    """Every row of `recap_iter` in a list (small regencies and tests; exports stream)."""
    return list(recap_iter(year))


RECAP_HEADER = [
    "No",
    "Instansi",
    "Slug",
    "Status laporan",
    *[fig.FIGURE_LABELS[k] for k in RECAP_FIGURES],
    "Nilai",
    "Predikat",
    "Peringkat",
]


def _recap_line(i: int, row: dict) -> list:
    return [
        i,
        row["instansi"],
        row["slug"],
        row["status"],
        *[row["figures"][k] for k in RECAP_FIGURES],
        row["total"],
        row["predicate"],
        row["rank"],
    ]


def recap_csv_lines(year: int):
    """The recap as CSV lines (header, one per instansi, totals), produced as they are read."""
    import csv

    class Line:
        def write(self, text: str) -> str:
            return text

    writer = csv.writer(Line())
    yield "\ufeff"  # spreadsheet programs then read the file as UTF-8
    yield writer.writerow([f"Rekapitulasi laporan tahunan media sosial instansi {year}"])
    yield writer.writerow(RECAP_HEADER)
    sums = dict.fromkeys(RECAP_FIGURES, 0)
    scored: list[float] = []
    for i, row in enumerate(recap_iter(year), start=1):
        for k in RECAP_FIGURES:
            sums[k] += row["figures"][k] or 0
        if row["total"] is not None:
            scored.append(row["total"])
        yield writer.writerow(_recap_line(i, row))
    average = round(sum(scored) / len(scored), 2) if scored else None
    yield writer.writerow(
        ["", "Jumlah", "", "", *[sums[k] for k in RECAP_FIGURES], average, "rata-rata", ""]
    )


def recap_xlsx(year: int, target=None):
    """The recap workbook (one row per instansi, a totals row, a ranking sheet), written row by
    row (openpyxl's write-only mode keeps rows on disk) into `target`, a path or binary file;
    without one, the workbook's bytes."""
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"Rekap {year}")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EDF3")

    def styled(ws_, values, *, header=False, font=None):
        cells = []
        for value in values:
            cell = WriteOnlyCell(ws_, value=value)
            if header:
                cell.font, cell.fill = bold, fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif font is not None:
                cell.font = font
            cells.append(cell)
        return cells

    for col in range(1, len(RECAP_HEADER) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 34 if col == 2 else 14
    ws.freeze_panes = "C4"
    ws.append(
        styled(
            ws,
            [f"Rekapitulasi laporan tahunan media sosial instansi {year}"],
            font=Font(bold=True, size=13),
        )
    )
    ws.append([settings.SIMPUL_REGENCY_NAME])
    ws.append(styled(ws, RECAP_HEADER, header=True))
    ranked = recap_ranks(year)
    sums = dict.fromkeys(RECAP_FIGURES, 0)
    scored: list[float] = []
    for i, row in enumerate(
        recap_iter(year, {inst_id: rank for rank, inst_id, *_ in ranked}), start=1
    ):
        for k in RECAP_FIGURES:
            sums[k] += row["figures"][k] or 0
        if row["total"] is not None:
            scored.append(row["total"])
        ws.append(_recap_line(i, row))
    average = round(sum(scored) / len(scored), 2) if scored else None
    ws.append(
        styled(
            ws,
            ["", "Jumlah", "", "", *[sums[k] for k in RECAP_FIGURES], average, "rata-rata", ""],
            font=bold,
        )
    )
    rank_ws = wb.create_sheet(f"Peringkat {year}")
    rank_ws.column_dimensions["B"].width = 40
    rank_ws.append(styled(rank_ws, ["Peringkat", "Instansi", "Nilai", "Predikat"], header=True))
    for rank, _, name, total, predicate in ranked:
        rank_ws.append([rank, name, total, predicate])
    if target is not None:
        wb.save(target)
        return None
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def bupati_summary_pdf(year: int) -> bytes:
    """One page for the Bupati: coverage, average score, predicates, best and lowest, totals.

    Read from the chunked recap (memory flat at any count); only evaluated instansi are kept,
    as small tuples, for the best and lowest."""
    st = _styles()
    activity_keys = ("news_total", "inquiries_received", "referrals_sent", "audience_total")
    count = submitted = 0
    activity_sums = dict.fromkeys(activity_keys, 0)
    activity_known = dict.fromkeys(activity_keys, False)
    waiting: list[str] = []
    waiting_count = 0
    ranked = recap_ranks(year)
    for row in recap_iter(year, {inst_id: rank for rank, inst_id, *_ in ranked}):
        count += 1
        submitted += row["status"] not in ("Belum dibuat", "Draf")
        for key in activity_keys:
            value = row["activity"].get(key)
            if value is not None:
                activity_sums[key] += value
                activity_known[key] = True
        if row["total"] is None:
            waiting_count += 1
            if len(waiting) < WAITING_NAMED:
                waiting.append(row["instansi"])
    scored = [
        {"rank": rank, "instansi": name, "total": total, "predicate": predicate}
        for rank, _, name, total, predicate in ranked
    ]
    predicates: dict[str, int] = {}
    for r in scored:
        predicates[r["predicate"]] = predicates.get(r["predicate"], 0) + 1
    story = _letterhead(st)
    story.append(
        Paragraph(
            f"RINGKASAN EVALUASI LAYANAN INFORMASI MELALUI MEDIA SOSIAL TAHUN {year}<br/>"
            "Disampaikan kepada Bupati",
            st["h1"],
        )
    )
    average = sum(r["total"] for r in scored) / len(scored) if scored else None
    data = [
        ["Uraian", "Jumlah"],
        ["Instansi aktif", str(count)],
        ["Laporan disampaikan", str(submitted)],
        ["Laporan selesai dievaluasi", str(len(scored))],
        ["Laporan belum dievaluasi", str(waiting_count)],
        ["Nilai rata-rata", number(average) if scored else "belum dievaluasi"],
    ]
    for key in activity_keys:
        data.append(
            [
                fig.FIGURE_LABELS[key],
                number(activity_sums[key]) if activity_known[key] else "belum tersedia",
            ]
        )
    for label, n in sorted(predicates.items()):
        data.append([f"Predikat {label}", str(n)])
    story += [Spacer(1, 0.3 * cm), _table(data, [11 * cm, 5.5 * cm]), Spacer(1, 0.2 * cm)]
    story.append(
        _p(
            "Angka kegiatan diambil dari laporan yang sudah disampaikan; untuk instansi lain dari "
            "data platform terakhir (snapshot konsol), sebelum dievaluasi.",
            st["small"],
        )
    )
    if waiting:
        more = waiting_count - len(waiting)
        story.append(
            _p(
                f"Belum dievaluasi ({waiting_count} instansi): "
                + ", ".join(waiting)
                + (f", dan {more} instansi lainnya (lihat rekap XLSX atau CSV)." if more else "."),
                st["small"],
            )
        )
    story.append(Spacer(1, 0.2 * cm))
    if scored:
        best = [["Peringkat", "Instansi", "Nilai", "Predikat"]] + [
            [str(r["rank"]), _p(r["instansi"], st["small"]), number(r["total"]), r["predicate"]]
            for r in scored[:5]
        ]
        story += [
            Paragraph("Lima nilai tertinggi", st["h2"]),
            _table(best, [2 * cm, 9 * cm, 2.5 * cm, 3 * cm]),
        ]
        if len(scored) > 5:
            low = [["Peringkat", "Instansi", "Nilai", "Predikat"]] + [
                [str(r["rank"]), _p(r["instansi"], st["small"]), number(r["total"]), r["predicate"]]
                for r in scored[-3:]
            ]
            story += [
                Paragraph("Perlu pembinaan", st["h2"]),
                _table(low, [2 * cm, 9 * cm, 2.5 * cm, 3 * cm]),
            ]
    story.append(_signature(st, year))
    return _build(story)
