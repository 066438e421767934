"""The instansi's report screens in its Wagtail admin: start, write, correct, submit, errors."""

import pytest

from evaluation.models import AnnualReport
from tests.conftest import login_client

from .factories import NARRATIVE, logged_in, make_user

YEAR = 2026
pytestmark = pytest.mark.django_db


def test_start_write_correct_and_submit_through_the_admin(instansi):
    client = login_client("humas")
    index = client.get("/admin/laporan-tahunan/")
    assert index.status_code == 200
    assert "Susun laporan" in index.content.decode()
    response = client.post("/admin/laporan-tahunan/mulai/", {"year": YEAR})
    assert response.status_code == 302
    report = AnnualReport.objects.get(instansi=instansi["humas"], year=YEAR)
    page = client.get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    assert "Cara penghitungan" in page and "Sampaikan laporan" in page

    # Submitting an incomplete report: a clear message, nothing changes.
    response = client.post(f"/admin/laporan-tahunan/{YEAR}/sampaikan/", {}, follow=True)
    assert "Laporan belum lengkap" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"

    # A correction without a reason is refused; with one it is kept.
    response = client.post(
        f"/admin/laporan-tahunan/{YEAR}/koreksi/",
        {"key": "referrals_sent", "value": "4", "reason": ""},
        follow=True,
    )
    assert "alasan koreksi" in response.content.decode()
    client.post(
        f"/admin/laporan-tahunan/{YEAR}/koreksi/",
        {"key": "referrals_sent", "value": "4", "reason": "Rujukan lewat telepon ikut dihitung."},
    )
    report.refresh_from_db()
    assert report.figure_value("referrals_sent") == 4

    response = client.post(f"/admin/laporan-tahunan/{YEAR}/sampaikan/", NARRATIVE, follow=True)
    assert "Laporan disampaikan" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.policy_overview == NARRATIVE["policy_overview"]

    # Frozen: editing again is refused with a message.
    response = client.post(
        f"/admin/laporan-tahunan/{YEAR}/simpan/",
        {**NARRATIVE, "policy_overview": "baru"},
        follow=True,
    )
    assert "terkunci" in response.content.decode()
    report.refresh_from_db()
    assert report.policy_overview == NARRATIVE["policy_overview"]
    response = client.post(f"/admin/laporan-tahunan/{YEAR}/sampaikan/", NARRATIVE, follow=True)
    assert "sudah disampaikan" in response.content.decode()


def test_petugas_may_write_but_not_submit(instansi):
    petugas = make_user("humas", "petugasv", groups=["Petugas Pengelola Media Sosial"])
    client = logged_in("humas", petugas)
    client.post("/admin/laporan-tahunan/mulai/", {"year": YEAR})
    page = client.get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    assert "Sampaikan laporan" not in page
    response = client.post(f"/admin/laporan-tahunan/{YEAR}/sampaikan/", NARRATIVE, follow=True)
    assert "Hanya Kepala Instansi atau Pejabat Pengelola" in response.content.decode()
    assert AnnualReport.objects.get(instansi=instansi["humas"], year=YEAR).status == "draft"


def test_bad_year_is_a_message_not_a_500(instansi):
    client = login_client("humas")
    for year in ("abc", "1990", str(YEAR + 5)):
        response = client.post("/admin/laporan-tahunan/mulai/", {"year": year}, follow=True)
        assert response.status_code == 200
        assert "Tahun" in response.content.decode() or "tahun" in response.content.decode()
    assert not AnnualReport.objects.filter(instansi=instansi["humas"]).exists()


def test_next_years_report_opens_with_last_years_recommendations(instansi):
    from django.utils import timezone

    from evaluation import services
    from evaluation.models import Evaluation, Recommendation

    previous = AnnualReport.objects.create(
        instansi=instansi["humas"], year=YEAR - 1, status="evaluated"
    )
    evaluation = Evaluation.objects.create(
        report=previous,
        instansi=instansi["humas"],
        rubric=services.rubric_ensure(year=YEAR - 1),
        released_at=timezone.now(),
    )
    rec = Recommendation.objects.create(
        evaluation=evaluation, instansi=instansi["humas"], year=YEAR - 1, text="Tetapkan SK baru."
    )
    # Another instansi's recommendation never shows up here.
    other = AnnualReport.objects.create(instansi=instansi["dinkes"], year=YEAR - 1)
    other_eval = Evaluation.objects.create(
        report=other,
        instansi=instansi["dinkes"],
        rubric=evaluation.rubric,
        released_at=timezone.now(),
    )
    Recommendation.objects.create(
        evaluation=other_eval, instansi=instansi["dinkes"], year=YEAR - 1, text="Milik dinkes."
    )
    client = login_client("humas")
    client.post("/admin/laporan-tahunan/mulai/", {"year": YEAR})
    page = client.get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    assert "Tetapkan SK baru." in page and "Milik dinkes." not in page
    assert page.index("Tetapkan SK baru.") < page.index("gambaran umum kebijakan")
    client.post(
        f"/admin/laporan-tahunan/{YEAR}/sampaikan/",
        {**NARRATIVE, f"tindak_lanjut_{rec.pk}": "SK baru terbit Februari."},
    )
    report = AnnualReport.objects.get(instansi=instansi["humas"], year=YEAR)
    assert report.status == "submitted"
    assert report.followups == {str(rec.pk): "SK baru terbit Februari."}
