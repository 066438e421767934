"""Pre-filled numbers equal independent counts over data seeded in several schemas."""

import pytest
from django.db.models import Count, OuterRef, Subquery, Sum
from django_tenants.utils import schema_context

from evaluation import figures as fig
from evaluation import services, sources
from evaluation.models import AnnualReport

from .factories import admin_user, logged_in, seed_inbox, seed_registry, seed_sop

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


def independent_sop(slug, year):
    from sop.models import Assignment, Share

    with schema_context(slug):
        return {
            "items_published": Assignment.objects.filter(published_at__year=year).count(),
            "shares_recorded": Share.objects.filter(recorded_at__year=year).count(),
        }


@pytest.fixture
def seeded(instansi):
    humas, dinkes = instansi["humas"], instansi["dinkes"]
    seed_inbox(humas, dinkes, year=YEAR, comments=4, questions=3, referred=2)
    seed_inbox(dinkes, humas, year=YEAR, comments=1, questions=6, referred=1)
    seed_registry("humas", year=YEAR, followers=[1200, 800])
    seed_registry("dinkes", year=YEAR, followers=[5000])
    seed_sop("humas", year=YEAR, published=3, shares_per_item=2)
    seed_sop("dinkes", year=YEAR, published=1, shares_per_item=1)
    return instansi


@pytest.mark.parametrize("slug", ["humas", "dinkes", "disdik"])
def test_prefilled_numbers_equal_independent_counts(seeded, slug):
    inst = seeded[slug]
    with schema_context(slug):
        report = services.report_start(instansi=inst, year=YEAR, actor=admin_user(slug))
    expected = {}
    if sources.available("inquiry_stats"):
        expected.update(independent_inbox(inst, YEAR))
    if sources.available("audience_total"):
        expected["audience_total"] = independent_registry(slug, YEAR)
    if sources.available("sop_stats"):
        expected.update(independent_sop(slug, YEAR))
    assert expected, "no source is wired yet"
    for key, value in expected.items():
        assert report.figures[key]["value"] == value, key
        assert report.figures[key]["how"]
    if slug == "humas":
        assert report.figures["comments_received"]["value"] == 4
        assert report.figures["inquiries_received"]["value"] == 4 + 3 + 2
        assert report.figures["referrals_sent"]["value"] == 2
        assert report.figures["audience_total"]["value"] == 2000
        assert report.figures["items_published"]["value"] == 3
        assert report.figures["shares_recorded"]["value"] == 6
    if slug == "disdik":
        # No follower figures recorded: "belum tersedia", never zero.
        assert report.figures["audience_total"]["value"] is None


def test_news_figures_equal_independent_count(seeded):
    if not sources.available("news_counts"):
        report = AnnualReport(instansi=seeded["humas"], year=YEAR)
        report.figures = fig.report_figures(fig.collect(seeded["humas"], year=YEAR), year=YEAR)
        assert report.figures["news_total"]["value"] is None
        return
    from tests.evaluation.factories import seed_news

    counts = seed_news(seeded, year=YEAR)
    for slug, expected in counts.items():
        with schema_context(slug):
            report = services.report_start(instansi=seeded[slug], year=YEAR, actor=admin_user(slug))
        assert report.figures["news_total"]["value"] == sum(expected.values())
        for category, n in expected.items():
            assert report.figures[f"news_{category}"]["value"] == n


def test_missing_source_shows_belum_tersedia_not_zero(instansi, monkeypatch):
    monkeypatch.setitem(sources.SELECTORS, "inquiry_stats", ("inbox.tidak_ada", "inquiry_stats"))
    monkeypatch.setitem(sources.SELECTORS, "sop_stats", ("sop.selectors", "tidak_ada"))
    with schema_context("humas"):
        report = services.report_start(
            instansi=instansi["humas"], year=YEAR, actor=admin_user("humas")
        )
    assert report.figures["comments_received"]["value"] is None
    assert report.figures["items_published"]["value"] is None
    client = logged_in("humas", admin_user("humas"))
    page = client.get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    row = page.split('data-key="comments_received"')[1].split("</tr>")[0]
    assert "belum tersedia" in row


def test_snapshot_holds_the_same_figures_as_the_report(seeded):
    snap = services.snapshot_refresh(instansi=seeded["humas"], year=YEAR)
    row = fig.console_row(snap.data)
    assert row["received"] == 9
    assert row["accounts_active"] == 2
    assert row["sla_share"] == 100.0
