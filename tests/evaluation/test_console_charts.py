"""Console charts: readable labels, names wrapped (never cut), a data table beside each."""

import re

import pytest

from evaluation import charts
from tests.conftest import login_client

pytestmark = pytest.mark.django_db

LONG = "Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Kotawaringin Barat"


def _font_sizes(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]


def _rendered_px(svg: str, size: float, shown_width: float) -> float:
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    return size * shown_width / width


@pytest.mark.parametrize("shown_width", [340, 480])  # a 390 px phone's card; the widest drawing
def test_labels_are_at_least_11_px_as_shown(shown_width):
    for svg in (
        charts.bars([(LONG, 12.0), ("Humas", None)], title="t"),
        charts.columns([("Jan", 3.0), ("Feb", None)] * 6, title="t"),
    ):
        sizes = _font_sizes(svg)
        assert sizes and min(_rendered_px(svg, s, shown_width) for s in sizes) >= 11


def test_long_instansi_names_are_wrapped_not_cut():
    svg = charts.bars([(LONG, 5.0)], title="Berita")
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert len(lines) > 1
    assert " ".join(lines) == LONG


def test_every_console_chart_has_a_table_alternative(instansi):
    page = login_client("diskominfo").get("/console/").content.decode()
    charts_drawn = page.count('<svg class="chart"')
    assert charts_drawn == 4
    assert page.count('class="chart-table"') == charts_drawn
    assert "Tabel data: Status laporan tahunan" in page
    assert '<th scope="col">Bulan</th>' in page
    detail = login_client("diskominfo").get("/console/instansi/humas/").content.decode()
    assert detail.count('<svg class="chart"') == detail.count('class="chart-table"')
