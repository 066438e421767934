"""The Bupati summary before any evaluation, its signer, and the console around it."""

import re

import pytest
from django.utils import timezone

from evaluation import figures, services
from evaluation.models import ReportingPeriod
from tests.conftest import login_client

from .factories import pdf_text, seed_inbox

YEAR = timezone.localdate().year
pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_summary_shows_activity_before_any_evaluation(instansi):
    seed_inbox(
        instansi["humas"], instansi["dinkes"], year=YEAR, comments=3, questions=4, referred=2
    )
    expected = 0
    for slug in ("humas", "dinkes"):
        snap = services.snapshot_refresh(instansi=instansi[slug], year=YEAR)
        value = figures.report_figures(snap.data, year=YEAR)["inquiries_received"]["value"]
        expected += value or 0
    assert expected >= 9
    data = login_client("diskominfo").get(f"/console/ekspor/{YEAR}/ringkasan-bupati.pdf").content
    text = _flat(pdf_text(data))
    assert f"Masukan masyarakat yang diterima {expected}" in text
    assert "Nilai rata-rata belum dievaluasi" in text
    assert "Belum dievaluasi (" in text and instansi["humas"].name in text


def test_missing_signer_is_warned_on_the_console_and_said_in_the_pdf(instansi):
    ReportingPeriod.objects.filter(year=YEAR).delete()
    console = login_client("diskominfo")
    page = console.get(f"/console/?tahun={YEAR}").content.decode()
    assert 'id="penandatangan-belum"' in page and "belum ditetapkan" in page
    text = _flat(pdf_text(console.get(f"/console/ekspor/{YEAR}/ringkasan-bupati.pdf").content))
    assert "Penandatangan belum ditetapkan" in text
    assert "NIP. ...." not in text and "(......" not in text

    ReportingPeriod.objects.create(
        year=YEAR,
        deadline=timezone.localdate(),
        signer_name="Dr. Sari Wulandari",
        signer_nip="197001012000032001",
    )
    page = console.get(f"/console/?tahun={YEAR}").content.decode()
    assert 'id="penandatangan-belum"' not in page
    text = _flat(pdf_text(console.get(f"/console/ekspor/{YEAR}/ringkasan-bupati.pdf").content))
    assert "Dr. Sari Wulandari" in text and "NIP. 197001012000032001" in text
    assert "Penandatangan belum ditetapkan" not in text


def test_console_links_the_late_referrals_and_back(instansi):
    console = login_client("diskominfo")
    page = console.get("/console/").content.decode()
    assert 'href="/admin/kotak-masuk/terlambat/"' in page
    late = console.get("/admin/kotak-masuk/terlambat/").content.decode()
    assert 'href="/console/"' in late and "Konsol evaluasi" in late
    # An instansi's own admin has no console to go back to.
    late_humas = login_client("humas").get("/admin/kotak-masuk/terlambat/")
    assert 'href="/console/"' not in late_humas.content.decode()
