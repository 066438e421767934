"""The public service-performance page: figures from live inbox rows, small numbers hidden."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import Inquiry, Referral
from inbox.performance import count_figure, hours_figure, service_performance, share_figure

pytestmark = pytest.mark.django_db

_n = iter(range(1, 10_000))


def _inquiry(instansi, *, created, answered_after: timedelta | None = None) -> Inquiry:
    n = next(_n)
    return Inquiry.objects.create(
        instansi=instansi,
        kind=Inquiry.Kind.PERTANYAAN,
        channel=Inquiry.Channel.PORTAL,
        body=f"Pertanyaan uji {n}",
        tracking_code=f"KINERJA{n:05d}",
        created_at=created,
        answered_at=created + answered_after if answered_after is not None else None,
        status=Inquiry.Status.ANSWERED if answered_after is not None else Inquiry.Status.RECEIVED,
    )


def _refer(inquiry, *, to, when):
    return Referral.objects.create(
        inquiry=inquiry,
        from_instansi=inquiry.instansi,
        to_instansi=to,
        requested_at=when,
        due_at=when + timedelta(hours=24),
    )


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def busy(instansi, now):
    """Dinkes: 12 answered inquiries this month (10 within 24 h, median 3 h), 2 unanswered
    older than a day; Humas: 3 inquiries (a small number); 2 referrals Dinkes → Humas."""
    dinkes, humas = instansi["dinkes"], instansi["humas"]
    base = now - timedelta(days=2)
    made = []
    for hours in (1, 2, 2, 3, 3, 3, 3, 4, 5, 6, 30, 40):
        made.append(_inquiry(dinkes, created=base, answered_after=timedelta(hours=hours)))
    for _ in range(2):
        _inquiry(dinkes, created=base)
    for _ in range(3):
        _inquiry(humas, created=base, answered_after=timedelta(hours=1))
    # Older than twelve months: not counted.
    _inquiry(dinkes, created=now - timedelta(days=400), answered_after=timedelta(hours=1))
    for inquiry in made[:2]:
        _refer(inquiry, to=humas, when=base)
    return dinkes, humas


def test_regency_page_shows_each_instansi_with_small_numbers_hidden(portal_client, busy):
    html = portal_client.get("/kinerja/").content.decode()
    assert '<html lang="id">' in html
    dinkes_row = html[html.index('<th scope="row">Dinas Kesehatan</th>') :].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in dinkes_row.split("<td>")[1:]]
    # 14 received; 10 of 14 judged within 24 h = 71%; median of 12 answers = 3 h;
    # 2 referrals made (< 5).
    assert cells[:5] == ["14", "71%", "3,0 jam", "&lt; 5", "0"]
    humas_row = html[html.index("Bagian Humas dan Protokol Setda</th>") :].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in humas_row.split("<td>")[1:]]
    assert cells[:5] == ["&lt; 5", "—", "—", "0", "&lt; 5"]  # no percentage on 3 inquiries
    assert "Penilaian warga" not in html  # the inbox records no ratings
    # The monthly trend is a table (with an SVG bar where the count may be shown).
    assert "<caption>Pesan diterima dan dijawab tepat waktu tiap bulan" in html
    assert html.count('<th scope="row"><time datetime=') == 12
    assert '<rect width="100"' in html


def test_instansi_page_is_scoped_to_itself(dinkes_client, humas_client, busy):
    html = dinkes_client.get("/kinerja/").content.decode()
    assert "Kinerja layanan pengaduan Dinkes" in html
    assert "Bagian Humas dan Protokol Setda" not in html
    assert "<dd>14</dd>" in html and "<dd>71%</dd>" in html
    assert "/kinerja/" in html and "Lihat kinerja semua instansi" in html
    humas = humas_client.get("/kinerja/").content.decode()
    assert "<dd>&lt; 5</dd>" in humas and "<dd>14</dd>" not in humas


def test_figures_follow_new_answers(instansi, now):
    dinkes = instansi["dinkes"]
    before = service_performance(instansi=dinkes, now=now).regency.received.value
    for _ in range(5):
        _inquiry(dinkes, created=now - timedelta(hours=1), answered_after=timedelta(minutes=30))
    after = service_performance(instansi=dinkes, now=now).regency
    assert after.received.value == (before or 0) + 5


def test_months_are_regency_months(instansi):
    tz = ZoneInfo("Asia/Jakarta")
    now = datetime(2026, 3, 15, 12, 0, tzinfo=tz)
    # 1 March 00:30 in Jakarta is still February in UTC: it belongs to March here.
    for _ in range(6):
        _inquiry(instansi["disdik"], created=datetime(2026, 3, 1, 0, 30, tzinfo=tz))
    report = service_performance(instansi=instansi["disdik"], now=now)
    months = {m.key: m.received.shown for m in report.months}
    assert list(months)[0] == "2025-04" and list(months)[-1] == "2026-03"
    assert months["2026-03"] == "6" and months["2026-02"] == "0"


def test_query_count_is_fixed(portal_client, dinkes_client, busy):
    portal_client.get("/kinerja/")
    with CaptureQueriesContext(connection) as queries:
        assert portal_client.get("/kinerja/").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]
    assert len(reads) <= 6, reads
    dinkes_client.get("/kinerja/")
    with CaptureQueriesContext(connection) as queries:
        assert dinkes_client.get("/kinerja/").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]
    assert len(reads) <= 8, reads


def test_small_number_rules():
    assert count_figure(0).shown == "0"
    assert count_figure(4).shown == "< 5" and count_figure(4).value is None
    assert count_figure(1234).shown == "1.234"
    assert share_figure(3, 9).shown == "—"
    assert share_figure(9, 10).shown == "90%"
    assert hours_figure(timedelta(minutes=20), 10).shown == "20 menit"
    assert hours_figure(timedelta(hours=2), 4).shown == "—"
