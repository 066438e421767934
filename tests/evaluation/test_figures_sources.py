"""Pre-filled numbers equal independent counts over data seeded in several schemas."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, OuterRef, Subquery, Sum
from django_tenants.utils import schema_context

from evaluation import figures as fig
from evaluation import services, sources

from .factories import (
    FEEDBACK_PLAN,
    NARRATIVE,
    admin_user,
    logged_in,
    pdf_text,
    seed_feedback,
    seed_inbox,
    seed_news,
    seed_registry,
    seed_sop,
)

YEAR = 2026
pytestmark = pytest.mark.django_db


def independent_inbox(instansi, year):
    from inbox.models import Inquiry, Referral

    in_year = Inquiry.objects.filter(instansi=instansi, created_at__year=year)
    return {
        "inquiries_received": in_year.count(),
        "comments_received": in_year.filter(kind="komentar").count(),
        "referrals_sent": Referral.objects.filter(
            from_instansi=instansi, requested_at__year=year
        ).count(),
    }


def independent_registry(slug, year):
    from tenants.registry.models import AudienceFigure, OfficialAccount

    with schema_context(slug):
        latest = (
            AudienceFigure.objects.filter(account=OuterRef("pk"), month__year=year)
            .order_by("-month")
            .values("followers")[:1]
        )
        agg = (
            OfficialAccount.objects.filter(status="aktif")
            .annotate(last=Subquery(latest))
            .filter(last__isnull=False)
            .aggregate(total=Sum("last"), n=Count("pk"))
        )
    return agg["total"] if agg["n"] else None


def independent_news_pages(slug, year):
    """Live news pages of the schema first published in `year` (read from its own pages)."""
    from cms.models import NewsPage

    with schema_context(slug):
        return list(NewsPage.objects.live().filter(first_published_at__year=year))


def independent_dissemination(slug, year):
    """Item e: news pages published in the year plus shares recorded at the SOP's last step."""
    from sop.models import Share

    with schema_context(slug):
        shares = Share.objects.filter(recorded_at__year=year).count()
    return {
        "items_published": len(independent_news_pages(slug, year)) + shares,
        "shares_recorded": shares,
    }


def independent_tagar(slug, year):
    """Hashtags of the year's pages, counted case-insensitively, written as first used."""
    pages = sorted(independent_news_pages(slug, year), key=lambda p: (p.first_published_at, p.pk))
    counts, spelling = Counter(), {}
    for page in pages:
        for tag in page.tagar.split():
            spelling.setdefault(tag.lower(), tag)
            counts[spelling[tag.lower()]] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15])


@pytest.fixture
def seeded(instansi):
    humas, dinkes = instansi["humas"], instansi["dinkes"]
    # Rows committed by e2e tests of earlier runs (--reuse-db) count too: measure from here.
    before = independent_inbox(humas, YEAR)
    seed_inbox(humas, dinkes, year=YEAR, comments=4, questions=3, referred=2)
    seed_inbox(dinkes, humas, year=YEAR, comments=1, questions=6, referred=1)
    seed_registry("humas", year=YEAR, followers=[1200, 800])
    seed_registry("dinkes", year=YEAR, followers=[5000])
    seed_sop("humas", year=YEAR, published=3, shares_per_item=2)
    seed_sop("dinkes", year=YEAR, published=1, shares_per_item=1)
    news = seed_news(instansi, year=YEAR)
    return {**instansi, "news": news, "humas_inbox_before": before}


@pytest.mark.parametrize("slug", ["humas", "dinkes", "disdik"])
def test_prefilled_numbers_equal_independent_counts(seeded, slug):
    inst = seeded[slug]
    with schema_context(slug):
        report = services.report_start(instansi=inst, year=YEAR, actor=admin_user(slug))
    expected = {
        **independent_inbox(inst, YEAR),
        "audience_total": independent_registry(slug, YEAR),
        **independent_dissemination(slug, YEAR),
    }
    assert set(expected) == set(fig.REPORT_FIGURE_KEYS) - {
        "news_total",
        "news_kegiatan",
        "news_isu",
        "news_kebijakan",
    }
    for key, value in expected.items():
        assert report.figures[key]["value"] == value, key
        assert report.figures[key]["how"]
    if slug == "humas":
        before = seeded["humas_inbox_before"]
        assert report.figures["comments_received"]["value"] == before["comments_received"] + 4
        assert report.figures["inquiries_received"]["value"] == (
            before["inquiries_received"] + 4 + 3 + 2
        )
        assert report.figures["referrals_sent"]["value"] == before["referrals_sent"] + 2
        assert report.figures["audience_total"]["value"] == 2000
        # 6 news pages (3 + 1 + 2) and 3 SOP items shared twice each.
        assert report.figures["items_published"]["value"] == 6 + 6
        assert report.figures["shares_recorded"]["value"] == 6
    if slug == "disdik":
        # No follower figures recorded: "belum tersedia", never zero.
        assert report.figures["audience_total"]["value"] is None
        # Neither news nor SOP activity: a real zero (both sources answered).
        assert report.figures["items_published"]["value"] == 0


def test_dissemination_counts_news_published_without_the_sop(instansi):
    """An instansi publishing news but not using the SOP still disseminated information."""
    counts = seed_news(instansi, year=YEAR)
    with schema_context("dinkes"):
        report = services.report_start(
            instansi=instansi["dinkes"], year=YEAR, actor=admin_user("dinkes")
        )
    assert report.figures["shares_recorded"]["value"] == 0
    assert report.figures["items_published"]["value"] == sum(counts["dinkes"].values()) == 2
    how = report.figures["items_published"]["how"]
    assert "Berita yang pertama kali terbit" in how and "langkah terakhir SOP" in how
    assert str(YEAR) in how


def test_news_figures_equal_independent_count(seeded):
    for slug, expected in seeded["news"].items():
        with schema_context(slug):
            report = services.report_start(instansi=seeded[slug], year=YEAR, actor=admin_user(slug))
        assert report.figures["news_total"]["value"] == sum(expected.values())
        assert report.figures["news_total"]["value"] == len(independent_news_pages(slug, YEAR))
        for category, n in expected.items():
            assert report.figures[f"news_{category}"]["value"] == n
        tagar = report.figures["news_by_tagar"]["value"]
        assert tagar == independent_tagar(slug, YEAR)
        assert list(tagar) == list(independent_tagar(slug, YEAR))  # most used first
    humas_tagar = independent_tagar("humas", YEAR)
    assert humas_tagar == {"#SimpulUji": 6, "#Kegiatan": 3, "#Kebijakan": 2, "#Isu": 1}


def test_missing_source_shows_belum_tersedia_not_zero(instansi, monkeypatch):
    for name in ("inquiry_stats", "sop_stats", "feedback_summary"):
        monkeypatch.setitem(sources.SELECTORS, name, None)  # a source not built (yet)
    with schema_context("humas"):
        report = services.report_start(
            instansi=instansi["humas"], year=YEAR, actor=admin_user("humas")
        )
    assert report.figures["comments_received"]["value"] is None
    assert report.figures["items_published"]["value"] is None  # news alone is not the figure
    assert report.figures["feedback_by_kind"]["available"] is False
    client = logged_in("humas", admin_user("humas"))
    page = client.get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    row = page.split('data-key="comments_received"')[1].split("</tr>")[0]
    assert "belum tersedia" in row
    row = page.split('data-key="feedback_by_kind"')[1].split("</tr>")[0]
    assert "belum tersedia" in row


def test_snapshot_holds_the_same_figures_as_the_report(seeded):
    snap = services.snapshot_refresh(instansi=seeded["humas"], year=YEAR)
    row = fig.console_row(snap.data)
    assert row["received"] == seeded["humas_inbox_before"]["inquiries_received"] + 9
    assert row["accounts_active"] == 2
    assert row["sla_share"] == 100.0
    snap.refresh_from_db()  # stored as JSON, read back
    feedback = fig.feedback_figures(snap.data["feedback"], year=YEAR)
    komentar = seeded["humas_inbox_before"]["comments_received"] + 4  # not last year's one
    assert feedback["feedback_by_kind"]["value"]["Komentar"] == komentar


# --- the feedback analysis (Pasal 9h–i) in items d and h ----------------------------------------


def independent_feedback(instansi, year):
    from inbox.models import FeedbackRecommendation, Inquiry

    in_year = Inquiry.objects.filter(instansi=instansi, created_at__year=year)
    kinds = dict(Inquiry.Kind.choices)
    channels = dict(Inquiry.Channel.choices)
    topics = Counter(t for row in in_year.values_list("topics", flat=True) for t in row)
    return {
        "feedback_by_kind": {
            label: in_year.filter(kind=code).count() for code, label in kinds.items()
        },
        "feedback_by_channel": {
            channels[row["channel"]]: row["n"]
            for row in in_year.values("channel").annotate(n=Count("id"))
        },
        "feedback_by_topic": dict(topics),
        # Periods [start, end) that overlap the year.
        "recommendations": list(
            FeedbackRecommendation.objects.filter(
                instansi=instansi,
                period_start__lt=dt.date(year + 1, 1, 1),
                period_end__gt=dt.date(year, 1, 1),
            )
            .order_by("period_start")
            .values_list("recommendations", flat=True)
        ),
    }


def test_feedback_analysis_fills_items_d_and_h_and_freezes_on_submission(instansi):
    humas = instansi["humas"]
    seed_feedback(humas, year=YEAR)
    actor = admin_user("humas")
    with schema_context("humas"):
        report = services.report_start(instansi=humas, year=YEAR, actor=actor)
        report = services.report_update(report=report, actor=actor, data=NARRATIVE)
    expected = independent_feedback(humas, YEAR)
    for key in ("feedback_by_kind", "feedback_by_channel", "feedback_by_topic"):
        assert report.figures[key]["value"] == expected[key], key
        assert report.figures[key]["item"] == "d"
        assert str(YEAR) in report.figures[key]["how"]
    assert report.figures["feedback_by_kind"]["value"]["Kritik"] == 2
    assert report.figures["feedback_by_topic"]["value"] == {"antrean": 3, "jadwal": 2, "layanan": 1}
    assert sum(report.figures["feedback_by_channel"]["value"].values()) >= len(FEEDBACK_PLAN)
    recs = report.figures["feedback_recommendations"]
    assert recs["item"] == "h" and "pejabat" in recs["how"]
    assert [r["recommendations"] for r in recs["value"]] == expected["recommendations"]
    assert recs["value"][0]["period"] == f"01-01-{YEAR} s.d. 30-06-{YEAR}"
    assert recs["value"][0]["follow_up"] == "Usulan anggaran perubahan."

    client = logged_in("humas", actor)
    page = client.get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    row = page.split('data-key="feedback_by_topic"')[1].split("</tr>")[0]
    assert "antrean (3)" in row and "jadwal (2)" in row
    row = page.split('data-key="feedback_by_channel"')[1].split("</tr>")[0]
    assert "Formulir situs instansi (2)" in row
    block = page.split('id="masukan-rekomendasi"')[1].split("</div>")[0]
    assert "Buka pendaftaran daring." in block and "Rekomendasi tahun lalu." not in block

    with schema_context("humas"):
        report = services.report_submit(report=report, actor=actor)
    frozen = {k: report.figures[k]["value"] for k in fig.FEEDBACK_FIGURE_KEYS}
    # Later input and advice do not change the submitted report.
    seed_feedback(humas, year=YEAR + 1)  # recommendation periods of YEAR+1 and YEAR
    from inbox.models import Inquiry

    Inquiry.objects.create(
        instansi=humas,
        kind="kritik",
        channel="situs",
        topics=["antrean"],
        body="Masukan sesudah laporan disampaikan.",
        tracking_code="FBLATE0000001",
    )
    report.refresh_from_db()
    assert {k: report.figures[k]["value"] for k in fig.FEEDBACK_FIGURE_KEYS} == frozen
    page = client.get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    assert "antrean (3)" in page.split('data-key="feedback_by_topic"')[1].split("</tr>")[0]

    from evaluation.exports import report_pdf

    text = " ".join(pdf_text(report_pdf(report)).split())
    assert "antrean (3)" in text and "Buka pendaftaran daring." in text
