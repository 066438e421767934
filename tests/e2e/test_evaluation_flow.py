"""In headless Chromium: an instansi submits its report, Diskominfo scores it and returns
recommendations, the instansi sees them (committed data on a real server)."""

import datetime as dt

import pytest

from tests.conftest import browser_login, url_for

E2E_YEAR = 2024
NARRATIVE = {
    "policy_overview": "Kebijakan layanan informasi melalui akun resmi humas.",
    "content_discussion": "Pesan kegiatan pimpinan daerah mendominasi.",
    "comments_discussion": "Komentar umumnya meminta jadwal acara.",
    "obstacles_internal": "Petugas terbatas.",
    "obstacles_external": "Jaringan lemah di pedalaman.",
    "recommendations_plan": "Menambah petugas dan kalender konten.",
}
RECOMMENDATION = "Tetapkan kalender konten bulanan dan laporkan tindak lanjutnya."


def _clean(django_db_blocker):
    from evaluation.models import AnnualReport, ReportingPeriod

    with django_db_blocker.unblock():
        AnnualReport.objects.filter(instansi__schema_name="humas", year=E2E_YEAR).delete()
        ReportingPeriod.objects.update_or_create(
            year=E2E_YEAR, defaults={"deadline": dt.date.today() + dt.timedelta(days=30)}
        )


@pytest.fixture
def clean_year(django_db_blocker):
    _clean(django_db_blocker)
    yield
    _clean(django_db_blocker)


def login(page, live_server_url, slug, next_path, django_db_blocker):
    # Diskominfo's admin must pass two-factor sign-in: browser_login enrols or enters the code.
    browser_login(page, live_server_url, slug, next_path, django_db_blocker=django_db_blocker)


@pytest.mark.e2e
def test_submit_evaluate_and_see_recommendations(
    live_server_url, page, clean_year, django_db_blocker
):
    # The instansi writes and submits its report.
    login(page, live_server_url, "humas", "/admin/laporan-tahunan/", django_db_blocker)
    page.goto(url_for(live_server_url, "humas", "/admin/laporan-tahunan/"))
    page.select_option("#id_year", str(E2E_YEAR))
    page.get_by_role("button", name="Susun laporan").click()
    page.wait_for_url(f"**/admin/laporan-tahunan/{E2E_YEAR}/")
    assert page.locator("#angka-laporan").is_visible()
    for name, text in NARRATIVE.items():
        page.fill(f"#id_{name}", text)
    page.get_by_role("button", name="Sampaikan laporan").click()
    page.wait_for_load_state()
    assert "Disampaikan" in page.locator("#status-laporan").inner_text()

    # Diskominfo's evaluator scores it and returns recommendations.
    login(page, live_server_url, "diskominfo", f"/console/?tahun={E2E_YEAR}", django_db_blocker)
    page.goto(url_for(live_server_url, "diskominfo", f"/console/?tahun={E2E_YEAR}"))
    page.locator('tr[data-slug="humas"] td:nth-child(2) a').click()
    page.get_by_role("button", name="Mulai evaluasi").click()
    page.wait_for_load_state()
    assert "Sedang dievaluasi" in page.locator("#status-laporan").inner_text()
    for field in page.locator("#form-penilaian input[name^=skor_]").all():
        field.fill("85")
    page.fill("#rekomendasi", RECOMMENDATION)
    page.get_by_role("button", name="Simpan dan sampaikan hasil").click()
    page.wait_for_load_state()
    assert "Selesai dievaluasi" in page.locator("#status-laporan").inner_text()

    # The instansi sees its result and the recommendations.
    page.goto(url_for(live_server_url, "humas", f"/admin/laporan-tahunan/{E2E_YEAR}/"))
    result = page.locator("#hasil-evaluasi")
    assert RECOMMENDATION in result.inner_text()
    assert "85" in result.inner_text() and "Baik" in result.inner_text()
