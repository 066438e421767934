"""Deadline extensions: the instansi asks from its report screen, Diskominfo grants or refuses."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core.errors import Conflict, Forbidden
from core.models import OutboxMessage
from evaluation import selectors, services
from evaluation.models import AnnualReport, ExtensionRequest, ReportingPeriod
from tests.conftest import login_client

from .factories import NARRATIVE, admin_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(instansi):
    """Humas' report of a year whose deadline has passed (still a draft)."""
    year = timezone.localdate().year - 1
    ReportingPeriod.objects.update_or_create(
        year=year, defaults={"deadline": timezone.localdate() - dt.timedelta(days=3)}
    )
    with schema_context("humas"):
        return services.report_start(
            instansi=instansi["humas"], year=year, actor=admin_user("humas")
        )


def _until(days: int = 14) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_request_grant_then_submit(overdue):
    humas = login_client("humas")
    url = f"/admin/laporan-tahunan/{overdue.year}/"
    page = humas.get(url).content.decode()
    assert "Minta perpanjangan batas waktu" in page and 'id="form-perpanjangan"' in page

    response = humas.post(
        url + "perpanjangan/",
        {"until": _until(), "reason": "Pejabat pengelola baru dilantik bulan lalu."},
        follow=True,
    )
    body = response.content.decode()
    assert "Permintaan perpanjangan dikirim" in body
    assert "menunggu keputusan Diskominfo" in body
    request = ExtensionRequest.objects.get(report=overdue)
    assert request.status == "open"

    # A second request while one is open: refused with a message.
    response = humas.post(
        url + "perpanjangan/",
        {"until": _until(20), "reason": "Alasan yang lain lagi."},
        follow=True,
    )
    assert response.status_code == 200
    assert ExtensionRequest.objects.filter(report=overdue).count() == 1

    console = login_client("diskominfo")
    index = console.get("/console/").content.decode()
    assert "Permintaan perpanjangan menunggu keputusan" in index
    report_page = console.get(f"/console/laporan/{overdue.pk}/").content.decode()
    assert "Pejabat pengelola baru dilantik" in report_page
    response = console.post(
        f"/console/laporan/{overdue.pk}/kabulkan-perpanjangan/",
        {"until": _until(10), "note": "Dikabulkan satu kali."},
        follow=True,
    )
    assert "Perpanjangan dikabulkan" in response.content.decode()
    overdue.refresh_from_db()
    assert overdue.extended_until == timezone.localdate() + dt.timedelta(days=10)
    assert selectors.report_deadline(overdue) == overdue.extended_until
    message = OutboxMessage.objects.get(key=f"perpanjangan:{request.pk}:granted")
    assert "dikabulkan" in message.subject and "admin@humas.localhost" in message.recipients
    page = humas.get(url).content.decode()
    assert "Dikabulkan" in page

    # The report can now be sent.
    response = humas.post(url + "sampaikan/", NARRATIVE, follow=True)
    assert "Laporan disampaikan" in response.content.decode()
    overdue.refresh_from_db()
    assert overdue.status == AnnualReport.Status.SUBMITTED


def test_refuse_needs_a_note_and_tells_the_instansi(overdue):
    actor = admin_user("humas")
    with schema_context("humas"):
        request = services.extension_request(
            report=overdue, actor=actor, reason="Data berita belum lengkap.", until=_until()
        )
    console = login_client("diskominfo")
    response = console.post(
        f"/console/laporan/{overdue.pk}/tolak-perpanjangan/", {"note": ""}, follow=True
    )
    assert response.status_code == 200
    assert "alasan penolakan" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "open"
    console.post(
        f"/console/laporan/{overdue.pk}/tolak-perpanjangan/",
        {"note": "Batas waktu sudah diumumkan sejak Januari."},
    )
    request.refresh_from_db()
    overdue.refresh_from_db()
    assert request.status == "refused" and overdue.extended_until is None
    assert OutboxMessage.objects.filter(key=f"perpanjangan:{request.pk}:refused").exists()
    # Decided once: a second decision is refused with a message, not a 500.
    response = console.post(
        f"/console/laporan/{overdue.pk}/kabulkan-perpanjangan/", {"until": _until()}, follow=True
    )
    assert (
        response.status_code == 200
        and "Tidak ada permintaan perpanjangan yang menunggu" in response.content.decode()
    )
    page = login_client("humas").get(f"/admin/laporan-tahunan/{overdue.year}/").content.decode()
    assert "Ditolak" in page and "Batas waktu sudah diumumkan" in page
    # After a refusal a new request may be made.
    assert 'id="form-perpanjangan"' in page


@pytest.mark.parametrize(
    "until, reason, message",
    [
        ("bukan-tanggal", "Alasan yang cukup panjang.", "Tanggal yang diminta tidak sah"),
        ("", "Alasan yang cukup panjang.", "Tanggal yang diminta tidak sah"),
        ("2000-01-01", "Alasan yang cukup panjang.", "harus sesudah batas waktu"),
        (None, "pendek", "alasan permintaan"),
        ("far", "Alasan yang cukup panjang.", "paling lama 90 hari"),
    ],
)
def test_bad_request_input_is_an_indonesian_message(overdue, until, reason, message):
    until = {None: _until(), "far": _until(200)}.get(until, until)
    response = login_client("humas").post(
        f"/admin/laporan-tahunan/{overdue.year}/perpanjangan/",
        {"until": until, "reason": reason},
        follow=True,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExtensionRequest.objects.filter(report=overdue).exists()


def test_instansi_cannot_grant_its_own_nor_see_another_request(overdue, instansi):
    actor = admin_user("humas")
    with schema_context("humas"):
        request = services.extension_request(
            report=overdue, actor=actor, reason="Data berita belum lengkap.", until=_until()
        )
        with pytest.raises(Forbidden):
            services.extension_grant(request=request, actor=actor)
    # The console's decision URL is not served on an instansi's host.
    response = login_client("humas").post(
        f"/console/laporan/{overdue.pk}/kabulkan-perpanjangan/", {"until": _until()}
    )
    assert response.status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == "open"
    # Dinkes' report screen of the same year shows nothing of humas' request.
    dinkes = login_client("dinkes")
    dinkes.post("/admin/laporan-tahunan/mulai/", {"year": overdue.year})
    page = dinkes.get(f"/admin/laporan-tahunan/{overdue.year}/").content.decode()
    assert "Data berita belum lengkap" not in page
    assert selectors.extension_requests(report=overdue)[0].instansi_id == instansi["humas"].pk


def test_a_submitted_report_cannot_ask_and_grant_checks_dates(overdue):
    actor = admin_user("humas")
    with schema_context("humas"):
        services.extension_request(
            report=overdue, actor=actor, reason="Data berita belum lengkap.", until=_until()
        )
        with pytest.raises(Conflict):
            services.extension_request(
                report=overdue, actor=actor, reason="Permintaan kedua kali.", until=_until(5)
            )
    console = login_client("diskominfo")
    response = console.post(
        f"/console/laporan/{overdue.pk}/kabulkan-perpanjangan/",
        {"until": "31-12-2026"},
        follow=True,
    )
    assert "Tanggal perpanjangan tidak sah" in response.content.decode()
    assert console.post("/console/laporan/999999/kabulkan-perpanjangan/").status_code == 404


def test_report_index_defaults_to_the_open_reporting_year(instansi):
    today = timezone.localdate()
    page = login_client("humas").get("/admin/laporan-tahunan/").content.decode()
    open_year = selectors.open_reporting_year(today)
    assert selectors.period_for(open_year).deadline >= today
    assert f'<option value="{open_year}" selected>' in page
    # In January the previous year is still open; after its deadline the current year is.
    assert selectors.open_reporting_year(dt.date(2026, 1, 10)) == 2025
    assert selectors.open_reporting_year(dt.date(2026, 2, 10)) == 2026


def test_items_b_to_f_show_their_generated_text(overdue):
    page = login_client("humas").get(f"/admin/laporan-tahunan/{overdue.year}/").content.decode()
    assert "Diisi otomatis" in page
    assert f"Sepanjang tahun {overdue.year} instansi mempublikasikan" in page
    texts = selectors.report_auto_texts(overdue)
    assert set(texts) == {
        "audience_note",
        "content_discussion",
        "comments_discussion",
        "dissemination_note",
        "forwarded_note",
    }
    assert "pesan" in texts["forwarded_note"]
    console = login_client("diskominfo").get(f"/console/laporan/{overdue.pk}/").content.decode()
    assert f"Sepanjang tahun {overdue.year} instansi mempublikasikan" in console
    assert "(diisi otomatis)" in console
