"""Server-rendered inline SVG charts for the console (no JavaScript, CSP-friendly)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#2f6690"
MISSING = "#b8c4ce"


def columns(items: list[tuple[str, float | None]], *, title: str, unit: str = "") -> SafeString:
    """Vertical columns (e.g. 12 months); None values are drawn as a grey stub "belum tersedia"."""
    width, height, pad, top = 640, 220, 34, 16
    n = max(len(items), 1)
    slot = (width - pad * 2) / n
    peak = max([v for _, v in items if v is not None] or [0]) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 36}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad}" y1="{height}" x2="{width - pad}" y2="{height}" stroke="#555"/>',
    ]
    for i, (label, value) in enumerate(items):
        x = pad + i * slot + slot * 0.15
        w = slot * 0.7
        if value is None:
            parts.append(
                f'<rect x="{x:.1f}" y="{height - 4}" width="{w:.1f}" height="4" fill="{MISSING}">'
                f"<title>{escape(label)}: belum tersedia</title></rect>"
            )
        else:
            h = (height - top) * value / peak
            parts.append(
                f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="{BAR}"><title>{escape(label)}: {value:g}{unit}</title></rect>'
                f'<text x="{x + w / 2:.1f}" y="{height - h - 3:.1f}" font-size="10" '
                f'text-anchor="middle">{value:g}</text>'
            )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{height + 14}" font-size="10" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bars(items: list[tuple[str, float | None]], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars with labels (distribution across instansi or buckets)."""
    label_w, width, row_h = 190, 640, 22
    height = row_h * max(len(items), 1) + 10
    peak = max([v for _, v in items if v is not None] or [0]) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">'
            f"{escape(label[:30])}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{label_w}" y="{y + 14}" font-size="11" fill="#666">belum tersedia</text>'
            )
            continue
        w = (width - label_w - 60) * value / peak
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{BAR}">'
            f"<title>{escape(label)}: {value:g}{unit}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11">{value:g}{unit}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
