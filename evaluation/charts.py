"""Server-rendered inline SVG charts for the console (no JavaScript, CSP-friendly).

The drawing is 360 units wide and shown at most 480 px wide (console.css), so a 13-unit label
reads at 12–17 px from a 390 px phone to a desktop, never the 7 px a 640-unit drawing shrunk
onto a phone gave. Every chart has its numbers as a table beside it (`Chart.rows`).
"""

import textwrap
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#2f6690"
MISSING = "#b8c4ce"
WIDTH = 360
FONT = 13
LINE = 15
LABEL_CHARS = 20  # characters per line of a wrapped label (13-unit text in a 150-unit column)


@dataclass(frozen=True)
class Chart:
    """A drawn chart and the same numbers as rows, for the table alternative."""

    title: str
    svg: SafeString
    rows: list[tuple[str, float | None]]
    label_header: str = "Uraian"
    value_header: str = "Jumlah"
    unit: str = ""


def _fmt(value: float) -> str:
    return f"{value:g}"


def columns(items: list[tuple[str, float | None]], *, title: str, unit: str = "") -> SafeString:
    """Vertical columns (e.g. 12 months); None values are drawn as a grey stub "belum tersedia"."""
    width, height, pad, top = WIDTH, 190, 12, 20
    n = max(len(items), 1)
    slot = (width - pad * 2) / n
    peak = max([v for _, v in items if v is not None] or [0]) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 24}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad}" y1="{height}" x2="{width - pad}" y2="{height}" stroke="#555"/>',
    ]
    for i, (label, value) in enumerate(items):
        x = pad + i * slot + slot * 0.12
        w = slot * 0.76
        if value is None:
            parts.append(
                f'<rect x="{x:.1f}" y="{height - 4}" width="{w:.1f}" height="4" fill="{MISSING}">'
                f"<title>{escape(label)}: belum tersedia</title></rect>"
            )
        else:
            h = (height - top) * value / peak
            parts.append(
                f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="{BAR}"><title>{escape(label)}: {_fmt(value)}{unit}</title></rect>'
            )
            # A value is written above its column only where it fits; the table has them all.
            if len(_fmt(value)) * 7 <= slot:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{height - h - 4:.1f}" font-size="{FONT - 1}" '
                    f'text-anchor="middle">{_fmt(value)}</text>'
                )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{height + 17}" font-size="{FONT - 1}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bars(items: list[tuple[str, float | None]], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars with labels wrapped over lines (never cut) and the value after the bar."""
    label_w, value_w = 150, 44
    wrapped = [textwrap.wrap(label, LABEL_CHARS) or [""] for label, _ in items]
    row_heights = [max(len(lines) * LINE + 8, 24) for lines in wrapped]
    height = sum(row_heights) + 6
    peak = max([v for _, v in items if v is not None] or [0]) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    y = 3
    for (label, value), lines, row_h in zip(items, wrapped, row_heights, strict=True):
        spans = "".join(
            f'<tspan x="{label_w - 6}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" font-size="{FONT}" text-anchor="end">'
            f"{spans}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{label_w}" y="{y + 16}" font-size="{FONT}" fill="#555">'
                "belum tersedia</text>"
            )
        else:
            w = (WIDTH - label_w - value_w) * value / peak
            parts.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="16" fill="{BAR}">'
                f"<title>{escape(label)}: {_fmt(value)}{unit}</title></rect>"
                f'<text x="{label_w + w + 4:.1f}" y="{y + 16}" font-size="{FONT}">'
                f"{_fmt(value)}{unit}</text>"
            )
        y += row_h
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def column_chart(
    items: list[tuple[str, float | None]], *, title: str, label_header: str, value_header: str
) -> Chart:
    return Chart(title, columns(items, title=title), items, label_header, value_header)


def bar_chart(
    items: list[tuple[str, float | None]], *, title: str, label_header: str, value_header: str
) -> Chart:
    return Chart(title, bars(items, title=title), items, label_header, value_header)
