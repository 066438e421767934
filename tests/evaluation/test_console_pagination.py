"""The console at a thousand instansi: the table one page at a time, the summary over all of
them in SQL aggregates, the recap exports streamed from chunked reads."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from evaluation import exports, figures, selectors
from evaluation.models import AnnualReport, InstansiSnapshot
from tenants.models import Instansi
from tests.conftest import login_client, tenant_client

from .factories import logged_in, make_user
from .test_console_queries import YEAR, add_instansi

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr data-slug="([^"]+)"')


def slugs(page: str) -> list[str]:
    return ROW.findall(page)


def get(client, query: str) -> str:
    response = client.get(f"/console/?tahun={YEAR}&{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def sixty(instansi):
    """60 schema-less instansi with snapshots (a third with a sent report) besides the test
    instansi; every active one in name order."""
    add_instansi(60)
    return list(
        Instansi.objects.active().order_by("name", "pk").values_list("schema_name", flat=True)
    )


def summary_part(page: str) -> str:
    """The part of the page about every instansi: the summary and the charts."""
    start = page.index('id="ringkasan"')
    return page[start : page.index("</dl>", start)] + page[page.index("<h2>Grafik") :]


def test_page_two_shows_the_next_instansi_and_all_pages_cover_every_one_once(sixty):
    client = login_client("diskominfo")
    first = slugs(get(client, "per=25"))
    second_page = get(client, "per=25&halaman=2")
    second = slugs(second_page)
    assert first == sixty[:25]
    assert second == sixty[25:50]
    assert "Menampilkan instansi 26–50 dari" in second_page
    assert 'aria-current="page" aria-label="Halaman 2, halaman ini"' in second_page
    assert 'rel="prev"' in second_page and 'rel="next"' in second_page
    seen = []
    for number in range(1, 4):
        seen += slugs(get(client, f"per=25&halaman={number}"))
    assert seen == sixty  # every instansi once, in order, over the pages


def test_default_page_is_50_rows_and_the_links_keep_the_filters(sixty):
    page = get(login_client("diskominfo"), "q=Massal&urut=news_total&arah=turun")
    assert len(slugs(page)) == 50
    nav = page[page.index('<nav class="pagination"') :]
    assert "q=Massal" in nav and "urut=news_total" in nav and "arah=turun" in nav
    assert "halaman=2" in nav


def test_sorting_continues_across_pages(sixty):
    client = login_client("diskominfo")
    values = []
    for number in (1, 2):
        page = get(client, f"urut=news_total&arah=turun&per=25&halaman={number}")
        for slug in slugs(page):
            snapshot = InstansiSnapshot.objects.filter(
                instansi__schema_name=slug, year=YEAR
            ).first()
            values.append(snapshot.data["news"]["total"] if snapshot else None)
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True)
    assert values[: len(known)] == known  # "belum tersedia" only after every number


def test_a_page_past_the_end_shows_the_last_page_and_says_so(sixty):
    client = login_client("diskominfo")
    page = get(client, "per=25&halaman=999")
    assert slugs(page) == sixty[50:]
    assert "Halaman 999 tidak ada; ditampilkan halaman terakhir (3)." in page
    assert slugs(get(client, "per=25&halaman=abc")) == sixty[:25]  # not a number: the first
    assert slugs(get(client, "per=7")) == sixty[:50]  # an unknown page size: the default


def test_search_by_name_filters_before_paginating(sixty):
    page = get(login_client("diskominfo"), "q=massal 05")
    assert slugs(page) == [f"massal{i:03d}" for i in range(50, 60)]
    assert 'data-count="10"' in page


def test_summary_is_over_every_instansi_and_the_same_on_every_page(sixty):
    client = login_client("diskominfo")
    pages = [get(client, f"per=25&halaman={n}") for n in (1, 2, 3)]
    assert summary_part(pages[0]) == summary_part(pages[1]) == summary_part(pages[2])
    assert f'data-count="{len(sixty)}"' in pages[0]
    submitted = AnnualReport.objects.filter(year=YEAR, status="submitted").count()
    assert submitted == 20
    assert f'data-status="Disampaikan">{submitted}</dd>' in pages[0]


def _python_summary(year: int) -> dict:
    """The summary as the console computed it before, from every row in Python."""
    rows = []
    for inst in Instansi.objects.active():
        snap = InstansiSnapshot.objects.filter(instansi=inst, year=year).first()
        row = figures.console_row(snap.data if snap else None)
        report = AnnualReport.objects.filter(instansi=inst, year=year).first()
        row.update(name=inst.name, status=report.get_status_display() if report else None)
        rows.append(row)
    with_news = [r for r in rows if r["news_by_month"] is not None]
    trend = [
        sum(int(r["news_by_month"].get(f"{year}-{m:02d}", 0)) for r in with_news)
        if with_news
        else None
        for m in range(1, 13)
    ]
    sla = {"0–49%": 0, "50–79%": 0, "80–94%": 0, "95–100%": 0, "belum tersedia": 0}
    for r in rows:
        share = r["sla_share"]
        key = (
            "belum tersedia"
            if share is None
            else "0–49%"
            if share < 50
            else "50–79%"
            if share < 80
            else "80–94%"
            if share < 95
            else "95–100%"
        )
        sla[key] += 1
    statuses: dict[str, int] = {}
    for r in rows:
        label = r["status"] or "Belum dibuat"
        statuses[label] = statuses.get(label, 0) + 1
    top = sorted(
        (r for r in rows if r["news_total"] is not None),
        key=lambda r: (-r["news_total"], r["name"]),
    )[:15]
    return {
        "count": len(rows),
        "trend": trend,
        "sla": sla,
        "statuses": sorted(statuses.items()),
        "top_news": [(r["name"], r["news_total"]) for r in top],
    }


def test_summary_aggregates_equal_the_sums_over_every_row(sixty):
    InstansiSnapshot.objects.filter(instansi__schema_name="massal007").update(
        data={"registry": None, "news": None, "inbox": None, "sop": None}
    )
    expected = _python_summary(YEAR)
    summary = selectors.console_summary(year=YEAR)
    assert summary["count"] == expected["count"] == len(sixty)
    assert [value for _, value in summary["trend"]] == expected["trend"]
    assert dict(summary["sla"]) == expected["sla"]
    assert summary["statuses"] == expected["statuses"]
    assert summary["top_news"] == expected["top_news"]
    assert summary["stale_rows"] == len(sixty) - InstansiSnapshot.objects.filter(year=YEAR).count()


def test_csv_recap_streams_one_row_per_instansi_and_right_totals(sixty):
    response = login_client("diskominfo").get(f"/console/ekspor/{YEAR}/rekap.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "No")
    body, totals = rows[header_index + 1 : -1], rows[-1]
    assert [r[2] for r in body] == sixty  # every active instansi once, by name
    assert len(body) == Instansi.objects.active().count()
    col = rows[header_index].index(figures.FIGURE_LABELS["news_total"])
    assert totals[1] == "Jumlah"
    assert int(totals[col]) == sum(int(r[col] or 0) for r in body)


def test_xlsx_recap_has_one_row_per_instansi_read_in_chunks(sixty, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 7)  # many chunks: rows neither lost nor repeated
    response = login_client("diskominfo").get(f"/console/ekspor/{YEAR}/rekap.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "No")
    body = rows[header_index + 1 : -1]
    assert [r[2] for r in body] == sixty
    assert [r[0] for r in body] == list(range(1, len(sixty) + 1))


def test_bupati_summary_names_a_bounded_list_of_instansi_waiting(sixty):
    from .factories import pdf_text

    data = login_client("diskominfo").get(f"/console/ekspor/{YEAR}/ringkasan-bupati.pdf").content
    text = " ".join(pdf_text(data).split())
    assert f"Belum dievaluasi ({len(sixty)} instansi)" in text
    assert f"dan {len(sixty) - exports.WAITING_NAMED} instansi lainnya" in text


@pytest.mark.parametrize(
    "path",
    [
        "/console/?halaman=2",
        f"/console/ekspor/{YEAR}/rekap.csv",
        f"/console/ekspor/{YEAR}/rekap.xlsx",
        f"/console/ekspor/{YEAR}/ringkasan-bupati.pdf",
    ],
)
def test_an_instansi_admin_reaches_neither_the_console_nor_its_exports(instansi, path):
    # On its own host the console does not exist, even for the instansi's superuser ...
    assert login_client("humas").get(path).status_code == 404
    assert tenant_client("humas").get(path).status_code == 404
    # ... and on Diskominfo's host a user without the evaluator group is refused.
    staff = make_user("diskominfo", "staf-ekspor")
    response = logged_in("diskominfo", staff).get(path)
    assert response.status_code == 403
    assert b"Rekapitulasi" not in response.content and b"massal" not in response.content
