"""The SOP matrix as a landscape A4 PDF (reportlab), fit to attach to the decree that sets it.

Executor cells hold drawn flowchart symbols (rounded box start/end, box process, diamond
decision); each symbol remembers where it landed on the page, and the connectors between
consecutive steps are drawn when the page ends, so rows may grow with their text.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .models import SopStep

SYMBOL_W = 16 * mm
SYMBOL_H = 7 * mm


class SymbolFlowable(Flowable):
    """One flowchart symbol; records its absolute centre for the connectors."""

    def __init__(self, symbol: str, order: int, positions: list):
        super().__init__()
        self.symbol = symbol
        self.order = order
        self.positions = positions

    def wrap(self, avail_width, avail_height):
        self.cell_width = avail_width
        return avail_width, SYMBOL_H + 2 * mm

    def draw(self):
        canv = self.canv
        cx = self.cell_width / 2
        cy = (SYMBOL_H + 2 * mm) / 2
        canv.setLineWidth(1)
        canv.setStrokeColor(colors.black)
        canv.setFillColor(colors.white)
        if self.symbol in (SopStep.Symbol.MULAI, SopStep.Symbol.SELESAI):
            canv.roundRect(
                cx - SYMBOL_W / 2, cy - SYMBOL_H / 2, SYMBOL_W, SYMBOL_H, SYMBOL_H / 2, fill=1
            )
        elif self.symbol == SopStep.Symbol.KEPUTUSAN:
            path = canv.beginPath()
            path.moveTo(cx, cy + SYMBOL_H / 2 + 1 * mm)
            path.lineTo(cx + SYMBOL_W / 2, cy)
            path.lineTo(cx, cy - SYMBOL_H / 2 - 1 * mm)
            path.lineTo(cx - SYMBOL_W / 2, cy)
            path.close()
            canv.drawPath(path, fill=1)
        else:
            canv.rect(cx - SYMBOL_W / 2, cy - SYMBOL_H / 2, SYMBOL_W, SYMBOL_H, fill=1)
        x, y = canv.absolutePosition(cx, cy)
        half = SYMBOL_H / 2 + (1 * mm if self.symbol == SopStep.Symbol.KEPUTUSAN else 0)
        self.positions.append((canv.getPageNumber(), self.order, x, y, half))


def _connectors(canv, positions: list, page: int) -> None:
    """Arrows from each symbol to the next one on the same page (down, across, down)."""
    on_page = sorted((p for p in positions if p[0] == page), key=lambda p: p[1])
    canv.saveState()
    canv.setStrokeColor(colors.black)
    canv.setFillColor(colors.black)
    canv.setLineWidth(0.9)
    for first, second in zip(on_page, on_page[1:], strict=False):
        _, _, x1, y1, h1 = first
        _, _, x2, y2, h2 = second
        top_of_next = y2 + h2
        elbow = top_of_next + 3 * mm
        path = canv.beginPath()
        path.moveTo(x1, y1 - h1)
        if abs(x1 - x2) < 0.5:
            path.lineTo(x2, top_of_next + 1.8 * mm)
        else:
            path.lineTo(x1, elbow)
            path.lineTo(x2, elbow)
            path.lineTo(x2, top_of_next + 1.8 * mm)
        canv.drawPath(path, stroke=1, fill=0)
        head = canv.beginPath()
        head.moveTo(x2, top_of_next)
        head.lineTo(x2 - 1.2 * mm, top_of_next + 2 * mm)
        head.lineTo(x2 + 1.2 * mm, top_of_next + 2 * mm)
        head.close()
        canv.drawPath(head, stroke=0, fill=1)
    canv.restoreState()


def matrix_pdf(matrix, *, instansi_name: str = "") -> bytes:
    """The PDF bytes of `selectors.sop_matrix(sop)`."""
    buffer = BytesIO()
    positions: list = []
    page_size = landscape(A4)
    margin = 10 * mm
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=7.5, leading=9)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold", alignment=TA_CENTER)
    title_style = ParagraphStyle(
        "title", parent=styles["Title"], fontSize=12, leading=15, spaceAfter=2 * mm
    )
    sub = ParagraphStyle("sub", parent=styles["BodyText"], fontSize=8.5, alignment=TA_CENTER)

    def p(text: str, style=cell) -> Paragraph:
        return Paragraph(escape(text or "").replace("\n", "<br/>"), style)

    sop = matrix.sop
    n_roles = len(matrix.roles)
    frame_width = page_size[0] - 2 * margin
    fixed = [8 * mm, 56 * mm]
    tail = [42 * mm, 15 * mm, 36 * mm, 46 * mm]
    role_width = max((frame_width - sum(fixed) - sum(tail)) / max(n_roles, 1), 20 * mm)
    col_widths = fixed + [role_width] * n_roles + tail

    header_1 = [p("No.", head), p("Aktivitas", head), p("Pelaksana", head)]
    header_1 += [""] * (n_roles - 1)
    header_1 += [p("Mutu Baku", head), "", "", p("Keterangan", head)]
    header_2 = ["", ""] + [p(role, head) for role in matrix.roles]
    header_2 += [p("Kelengkapan", head), p("Waktu", head), p("Output", head), ""]
    data = [header_1, header_2]
    for row in matrix.rows:
        step = row.step
        executors = [
            SymbolFlowable(c.symbol, step.order, positions) if c.symbol else "" for c in row.cells
        ]
        data.append(
            [p(str(step.order)), p(step.activity), *executors]
            + [
                p(step.kelengkapan),
                p(f"{step.standard_minutes} Menit"),
                p(step.output),
                p(step.notes),
            ]
        )
    first_role, last_role = 2, 1 + n_roles
    table = Table(data, colWidths=col_widths, repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#eef2f5")),
                ("SPAN", (0, 0), (0, 1)),
                ("SPAN", (1, 0), (1, 1)),
                ("SPAN", (first_role, 0), (last_role, 0)),
                ("SPAN", (last_role + 1, 0), (last_role + 3, 0)),
                ("SPAN", (-1, 0), (-1, 1)),
                ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
                ("VALIGN", (0, 2), (-1, -1), "TOP"),
                ("VALIGN", (first_role, 2), (last_role, -1), "MIDDLE"),
                ("TOPPADDING", (first_role, 2), (last_role, -1), 2.5 * mm),
                ("BOTTOMPADDING", (first_role, 2), (last_role, -1), 2.5 * mm),
            ]
        )
    )

    def on_page_end(canv, doc):
        _connectors(canv, positions, canv.getPageNumber())
        canv.saveState()
        canv.setFont("Helvetica", 7)
        canv.drawRightString(
            page_size[0] - margin, 6 * mm, f"Halaman {canv.getPageNumber()} · {sop}"
        )
        canv.restoreState()

    doc = BaseDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=f"Matriks SOP {sop.title}",
        author=instansi_name or "Simpul",
    )
    frame = Frame(margin, margin, frame_width, page_size[1] - 2 * margin, id="matrix")
    doc.addPageTemplates([PageTemplate(id="matrix", frames=[frame], onPageEnd=on_page_end)])
    decree = f"Ditetapkan dengan {sop.decree}" if sop.decree_id else "SK penetapan: belum dicatat"
    story = [
        p(f"STANDAR OPERASIONAL PROSEDUR (SOP) {sop.title.upper()}", title_style),
        p(f"{instansi_name} · Versi {sop.version} · {decree}", sub),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 3 * mm),
        p(
            "Simbol: kotak bersudut bulat = mulai/selesai, kotak = proses, belah ketupat = "
            "keputusan; garis berpanah = alur antarlangkah."
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
