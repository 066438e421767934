"""Turns the sources' raw figures into report numbers (with how they were computed) and scores.

`collect` is the one function that reads the sources for one instansi and year; snapshots store
its result, reports derive their numbers from it, the rubric derives suggested scores from it.
"""

import datetime
from typing import Any

from django.utils import timezone

from tenants.models import Instansi

from . import sources

CATEGORIES = ("kegiatan", "isu", "kebijakan")

# key, Pasal 16(3) item, label, how it is computed, source ("a+b": needs both)
REPORT_FIGURES: list[tuple[str, str, str, str, str]] = [
    (
        "audience_total",
        "b",
        "Jumlah khalayak (pengikut akun resmi)",
        "Jumlah pengikut terakhir yang tercatat pada tahun {year} untuk setiap akun resmi aktif, "
        "dijumlahkan (registri akun resmi).",
        "audience",
    ),
    (
        "news_total",
        "c",
        "Berita yang dipublikasikan",
        "Berita yang pertama kali terbit antara 1 Januari dan 31 Desember {year} "
        "(indeks berita situs instansi).",
        "news",
    ),
    (
        "news_kegiatan",
        "c",
        "Berita kegiatan instansi (Pasal 11 huruf a)",
        "Berita terbit tahun {year} dengan kategori 'kegiatan'.",
        "news",
    ),
    (
        "news_isu",
        "c",
        "Berita isu terkini daerah (Pasal 11 huruf b)",
        "Berita terbit tahun {year} dengan kategori 'isu'.",
        "news",
    ),
    (
        "news_kebijakan",
        "c",
        "Berita kebijakan pemerintah pusat/provinsi (Pasal 11 huruf c)",
        "Berita terbit tahun {year} dengan kategori 'kebijakan'.",
        "news",
    ),
    (
        "inquiries_received",
        "d",
        "Masukan masyarakat yang diterima",
        "Pertanyaan, komentar, kritik dan saran yang masuk ke kotak masuk bersama pada {year}.",
        "inbox",
    ),
    (
        "comments_received",
        "d",
        "Komentar atas materi pesan",
        "Masukan berjenis komentar yang diterima melalui kotak masuk bersama pada {year}.",
        "inbox",
    ),
    (
        "items_published",
        "e",
        "Informasi yang disebarluaskan",
        "Berita yang pertama kali terbit di situs instansi antara 1 Januari dan 31 Desember "
        "{year} (indeks berita, sama dengan butir c), ditambah unggahan ke akun media sosial "
        "resmi yang dicatat pada langkah terakhir SOP publikasi pada {year}.",
        "news+sop",
    ),
    (
        "shares_recorded",
        "e",
        "Pesan yang dikirim ke media sosial",
        "Unggahan ke akun media sosial resmi yang dicatat pada langkah terakhir SOP pada {year}.",
        "sop",
    ),
    (
        "referrals_sent",
        "f",
        "Pesan yang diteruskan ke instansi lain",
        "Masukan yang dirujuk ke instansi lain yang berwenang melalui kotak masuk pada {year}.",
        "inbox",
    ),
]
REPORT_FIGURE_KEYS = [key for key, *_ in REPORT_FIGURES]
FIGURE_LABELS = {key: label for key, _item, label, *_ in REPORT_FIGURES}


def as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day registry health is measured on: today, or the year's last day for past years."""
    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31))


def collect(instansi: Instansi, *, year: int, today: datetime.date | None = None) -> dict:
    """Everything the platform knows about `instansi` in `year`; a missing source is None."""
    return {
        "registry": sources.registry_health(instansi, today=as_of(year, today)),
        "audience": sources.audience_total(instansi, year=year),
        "news": sources.news_counts(instansi, year=year),
        "inbox": sources.inquiry_stats(instansi, year=year),
        "feedback": sources.feedback_summary(instansi, year=year),
        "sop": sources.sop_stats(instansi, year=year),
    }


def _raw_value(raw: dict, key: str) -> Any:
    news, inbox, sop = raw.get("news"), raw.get("inbox"), raw.get("sop")
    if key == "audience_total":
        return raw.get("audience")
    if key == "news_total":
        return None if news is None else int(news.get("total", 0))
    if key.startswith("news_"):
        if news is None:
            return None
        return int((news.get("by_category") or {}).get(key.removeprefix("news_"), 0))
    if key == "inquiries_received":
        return None if inbox is None else int(inbox.get("received", 0))
    if key == "comments_received":
        return None if inbox is None else int(inbox.get("comments", 0))
    if key == "referrals_sent":
        return None if inbox is None else int(inbox.get("referrals_sent", 0))
    if key == "items_published":
        if news is None or sop is None:
            return None
        return int(news.get("total", 0)) + int(sop.get("shares_recorded", 0))
    if key == "shares_recorded":
        return None if sop is None else int(sop.get(key, 0))
    raise KeyError(key)


def report_figures(raw: dict, *, year: int) -> dict:
    """{key: {"value", "label", "item", "how", "available"}} for the report's numbered items."""
    figures = {}
    for key, item, label, how, source in REPORT_FIGURES:
        value = _raw_value(raw, key)
        source_present = all(raw.get(name) is not None for name in source.split("+"))
        if key == "audience_total":
            # The registry exists but has no follower figures for the year: still not a zero.
            source_present = sources.available("audience_total")
        figures[key] = {
            "value": value,
            "label": label,
            "item": item,
            "how": how.format(year=year),
            "available": value is not None,
            "source_present": source_present,
        }
    news = raw.get("news") or {}
    figures["news_by_tagar"] = {
        "value": dict(
            sorted((news.get("by_tagar") or {}).items(), key=lambda kv: (-kv[1], kv[0]))[:15]
        ),
        "label": "Tagar yang paling sering dipakai",
        "item": "c",
        "how": f"Tagar pada berita yang terbit tahun {year}, 15 terbanyak.",
        "available": raw.get("news") is not None,
        "correctable": False,
    }
    figures.update(feedback_figures(raw.get("feedback"), year=year))
    return figures


# Breakdowns of the feedback analysis (Pasal 9h–i) shown with items d and h, in this order.
FEEDBACK_FIGURE_KEYS = (
    "feedback_by_kind",
    "feedback_by_topic",
    "feedback_by_channel",
    "feedback_recommendations",
)
TOPICS_SHOWN = 15


def _period_label(start: str, end: str) -> str:
    """The half-open period [start, end) the pejabat analysed, e.g. 01-01-2026 s.d. 31-01-2026."""
    first = datetime.date.fromisoformat(start)
    last = datetime.date.fromisoformat(end) - datetime.timedelta(days=1)
    return f"{first:%d-%m-%Y} s.d. {last:%d-%m-%Y}"


def feedback_figures(feedback: dict | None, *, year: int) -> dict:
    """{key: {"value", "label", "item", "how", "available", "correctable"}} of the analysis."""
    data = feedback or {}
    kind_labels = data.get("kind_labels") or {}
    channel_labels = data.get("channel_labels") or {}
    topics = sorted((data.get("by_topic") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    values = {
        "feedback_by_kind": {
            kind_labels.get(kind, kind): n for kind, n in (data.get("by_kind") or {}).items()
        },
        "feedback_by_topic": dict(topics[:TOPICS_SHOWN]),
        "feedback_by_channel": {
            channel_labels.get(code, code): n
            for code, n in sorted(
                (data.get("by_channel") or {}).items(), key=lambda kv: (-kv[1], kv[0])
            )
        },
        "feedback_recommendations": [
            {
                "period": _period_label(rec["period_start"], rec["period_end"]),
                "findings": rec.get("findings") or "",
                "recommendations": rec.get("recommendations") or "",
                "follow_up": rec.get("follow_up") or "",
                "recorded_by_name": rec.get("recorded_by_name") or "",
            }
            for rec in data.get("recommendations") or []
        ],
    }
    described = {
        "feedback_by_kind": (
            "d",
            "Masukan menurut jenis",
            f"Masukan yang diterima kotak masuk bersama pada {year}, dihitung per jenis "
            "(pertanyaan, komentar, kritik, saran) oleh analisis masukan (Pasal 9 huruf h).",
        ),
        "feedback_by_topic": (
            "d",
            "Masukan menurut topik",
            f"Topik yang diberikan petugas pada masukan {year}, {TOPICS_SHOWN} terbanyak; satu "
            "masukan dapat memiliki lebih dari satu topik (analisis masukan, Pasal 9 huruf h).",
        ),
        "feedback_by_channel": (
            "d",
            "Masukan menurut kanal",
            f"Masukan yang diterima pada {year}, dihitung per kanal penerimaan (analisis "
            "masukan, Pasal 9 huruf h).",
        ),
        "feedback_recommendations": (
            "h",
            "Rekomendasi tindak lanjut dari analisis masukan",
            "Rekomendasi dan rencana tindak lanjut yang dicatat pejabat pengelola pada analisis "
            f"masukan, untuk periode yang beririsan dengan tahun {year} (Pasal 9 huruf i).",
        ),
    }
    return {
        key: {
            "value": values[key],
            "label": label,
            "item": item,
            "how": how,
            "available": feedback is not None,
            "correctable": False,
        }
        for key, (item, label, how) in described.items()
    }


# --- console columns --------------------------------------------------------------------------


def console_row(raw: dict | None) -> dict:
    """Flat, sortable values of a snapshot (None where a source is not available yet)."""
    raw = raw or {}
    reg, news, inbox, sop = raw.get("registry"), raw.get("news"), raw.get("inbox"), raw.get("sop")
    row: dict[str, Any] = {
        "active_decree": None if reg is None else bool(reg.get("active_decree")),
        "accounts_active": None if reg is None else reg.get("accounts_active"),
        "officers_active": None if reg is None else reg.get("officers_active"),
        "stale_items": None
        if reg is None
        else sum(
            int(reg.get(k) or 0)
            for k in (
                "accounts_without_active_decree",
                "appointments_expired",
                "accounts_missing_audience_last_month",
            )
        ),
        "sop_active": None if sop is None else bool(sop.get("sop_active")),
        "sop_share": None if sop is None else _pct(sop.get("share_within_standard")),
        "news_total": None if news is None else int(news.get("total", 0)),
        "sla_share": None if inbox is None else _pct(inbox.get("answered_within_sla_share")),
        "median_hours": None if inbox is None else inbox.get("median_response_hours"),
        "received": None if inbox is None else inbox.get("received"),
        "overdue_open": None if inbox is None else inbox.get("overdue_open"),
        "audience": raw.get("audience"),
        "news_by_month": None if news is None else dict(news.get("by_month") or {}),
    }
    by_cat = (news or {}).get("by_category") or {}
    for cat in CATEGORIES:
        row[f"news_{cat}"] = None if news is None else int(by_cat.get(cat, 0))
    return row


def _pct(share: float | None) -> float | None:
    return None if share is None else round(float(share) * 100, 1)


# --- suggested scores -------------------------------------------------------------------------


def suggested_score(code: str, raw: dict | None, report=None, deadline=None) -> float | None:
    """A 0–100 suggestion for a default criterion from the measured figures (None: no data)."""
    raw = raw or {}
    reg, news, inbox, sop = raw.get("registry"), raw.get("news"), raw.get("inbox"), raw.get("sop")
    if code == "responsif":
        share = None if inbox is None else inbox.get("answered_within_sla_share")
        if share is None:
            return None
        return round(float(share) * 100, 1)
    if code == "akun_sk":
        if reg is None:
            return None
        if not reg.get("active_decree"):
            return 0.0
        score = 100.0
        if not reg.get("accounts_active"):
            score -= 25
        if not reg.get("officers_active"):
            score -= 25
        if reg.get("accounts_without_active_decree"):
            score -= 25
        if reg.get("appointments_expired"):
            score -= 15
        if reg.get("accounts_missing_audience_last_month"):
            score -= 10
        return max(score, 0.0)
    if code == "sop":
        if sop is None:
            return None
        if not sop.get("sop_active"):
            return 0.0
        share = sop.get("share_within_standard")
        return 50.0 if share is None else round(50 + float(share) * 50, 1)
    if code == "konten":
        if news is None:
            return None
        total = int(news.get("total", 0))
        if total == 0:
            return 0.0
        present = sum(1 for c in CATEGORIES if (news.get("by_category") or {}).get(c))
        return round(min(total, 24) / 24 * 70 + present * 10, 1)
    if code == "tepat_waktu":
        if report is None or report.submitted_at is None:
            return 0.0
        submitted = timezone.localdate(report.submitted_at)
        return 100.0 if deadline is None or submitted <= deadline else 50.0
    return None
