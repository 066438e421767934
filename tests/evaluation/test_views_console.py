"""Console screens: drill-down, evaluation forms, rubric and deadline settings, onboarding."""

import pytest
from django_tenants.utils import schema_context

from evaluation import services
from evaluation.models import AnnualReport, ConsoleJob, ReportingPeriod, Rubric
from tests.conftest import login_client

from .factories import NARRATIVE, admin_user, logged_in, make_user

YEAR = 2026
pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(instansi):
    actor = admin_user("humas")
    with schema_context("humas"):
        report = services.report_start(instansi=instansi["humas"], year=YEAR, actor=actor)
        report = services.report_update(report=report, actor=actor, data=NARRATIVE)
        return services.report_submit(report=report, actor=actor)


def test_evaluate_through_the_console(submitted, instansi):
    console = login_client("diskominfo")
    page = console.get(f"/console/instansi/humas/?tahun={YEAR}").content.decode()
    assert instansi["humas"].name in page and "Laporan tahunan" in page
    assert console.get(f"/console/laporan/{submitted.pk}/").status_code == 200
    console.post(f"/console/laporan/{submitted.pk}/mulai/")
    submitted.refresh_from_db()
    assert submitted.status == "under_evaluation"
    criteria = list(submitted.evaluation.rubric.criteria.all())
    bad = {f"skor_{c.pk}": 50 for c in criteria} | {f"skor_{criteria[0].pk}": 150}
    response = console.post(f"/console/laporan/{submitted.pk}/nilai/", bad, follow=True)
    assert "harus antara 0 dan 100" in response.content.decode()
    good = {f"skor_{c.pk}": 80 for c in criteria}
    response = console.post(
        f"/console/laporan/{submitted.pk}/selesai/",
        {**good, "rekomendasi": "Perbarui SK akun resmi.\nTambah petugas.", "summary": "Baik."},
        follow=True,
    )
    assert "Hasil evaluasi disampaikan" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "evaluated"
    assert str(submitted.evaluation.total) == "80.00"
    instansi_page = login_client("humas").get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    assert "Perbarui SK akun resmi." in instansi_page and "Baik" in instansi_page
    pdf = console.get(f"/console/laporan/{submitted.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"


def test_return_through_the_console_needs_a_reason(submitted):
    console = login_client("diskominfo")
    response = console.post(
        f"/console/laporan/{submitted.pk}/kembalikan/", {"note": ""}, follow=True
    )
    assert "alasan pengembalian" in response.content.decode()
    console.post(
        f"/console/laporan/{submitted.pk}/kembalikan/", {"note": "Lengkapi angka rujukan."}
    )
    submitted.refresh_from_db()
    assert submitted.status == AnnualReport.Status.RETURNED
    page = login_client("humas").get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    assert "Lengkapi angka rujukan." in page


def test_rubric_settings_refuse_bad_weights(instansi):
    console = login_client("diskominfo")
    page = console.get(f"/console/pengaturan/{YEAR}/").content.decode()
    assert "Layanan responsif" in page
    rubric = Rubric.objects.get(year=YEAR)
    data = {"form": "rubrik", "rows": "5", "bands": "90-100 Sangat baik\n0-89.99 Lainnya"}
    for i, c in enumerate(rubric.criteria.all()):
        data.update({f"id_{i}": c.pk, f"code_{i}": c.code, f"name_{i}": c.name, f"weight_{i}": 10})
    response = console.post(f"/console/pengaturan/{YEAR}/", data, follow=True)
    assert "Jumlah bobot harus 100 (sekarang 50)" in response.content.decode()
    assert sum(c.weight for c in rubric.criteria.all()) == 100
    for i in range(5):
        data[f"weight_{i}"] = 20
    console.post(f"/console/pengaturan/{YEAR}/", data)
    rubric.refresh_from_db()
    assert [c.weight for c in rubric.criteria.all()] == [20] * 5
    assert rubric.predicate_for(50) == "Lainnya"


def test_deadline_setting(instansi):
    console = login_client("diskominfo")
    response = console.post(
        f"/console/pengaturan/{YEAR}/",
        {"form": "periode", "deadline": f"{YEAR + 1}-02-15", "reminder_days": "10,3"},
        follow=True,
    )
    assert "Pengaturan periode disimpan" in response.content.decode()
    period = ReportingPeriod.objects.get(year=YEAR)
    assert period.deadline.isoformat() == f"{YEAR + 1}-02-15"
    assert period.reminder_day_list() == [10, 3]
    response = console.post(
        f"/console/pengaturan/{YEAR}/",
        {"form": "periode", "deadline": "bukan-tanggal", "reminder_days": "x"},
        follow=True,
    )
    assert "tidak sah" in response.content.decode()


def test_onboarding_form_validates_and_queues_a_job(instansi, django_capture_on_commit_callbacks):
    console = login_client("diskominfo")
    response = console.post("/console/instansi/baru/", {"slug": "X!", "name": "Dinas Baru"})
    assert "Slug harus" in response.content.decode()
    assert not ConsoleJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        response = console.post(
            "/console/instansi/baru/", {"slug": "dispar", "name": "Dinas Pariwisata"}
        )
    job = ConsoleJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/pekerjaan/{job.pk}/")
    assert job.kind == "provision" and job.params["slug"] == "dispar"
    page = console.get(f"/console/pekerjaan/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "Menunggu" in page


def test_reset_admin_shows_password_once(instansi):
    console = login_client("diskominfo")
    response = console.post("/console/instansi/disdik/reset-admin/")
    assert response.status_code == 200
    password = response.context["password"]
    assert password and password in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    with schema_context("disdik"):
        from django.contrib.auth import get_user_model

        assert get_user_model().objects.get(username="admin").check_password(password)


def test_extension_and_on_demand_refresh_from_the_console(
    instansi, django_capture_on_commit_callbacks
):
    import datetime as dt

    actor = admin_user("humas")
    with schema_context("humas"):
        report = services.report_start(instansi=instansi["humas"], year=YEAR - 1, actor=actor)
    console = login_client("diskominfo")
    response = console.post(
        f"/console/laporan/{report.pk}/perpanjang/", {"until": "kemarin"}, follow=True
    )
    assert "tidak sah" in response.content.decode()
    until = dt.date.today() + dt.timedelta(days=10)
    console.post(f"/console/laporan/{report.pk}/perpanjang/", {"until": until.isoformat()})
    report.refresh_from_db()
    assert report.extended_until == until
    with django_capture_on_commit_callbacks(execute=False):
        response = console.post("/console/instansi/humas/perbarui/", {"tahun": YEAR})
    job = ConsoleJob.objects.get()
    assert job.params == {"slug": "humas"} and job.kind == "refresh"
    from evaluation import tasks

    assert tasks.run_console_job(job.pk) == "done"
    job.refresh_from_db()
    assert job.total == 1
    response = console.post("/console/pekerjaan/", {"kind": "hapus", "tahun": YEAR}, follow=True)
    assert "tidak dikenal" in response.content.decode()
    assert console.get("/console/instansi/tidakada/").status_code == 404
    assert console.get("/console/laporan/999999/").status_code == 404


def test_archive_and_restore_from_the_console(instansi):
    from tenants.models import Instansi

    console = login_client("diskominfo")
    response = console.post("/console/instansi/disdik/arsip/", follow=True)
    assert "diarsipkan" in response.content.decode()
    assert not Instansi.objects.get(schema_name="disdik").is_active
    response = console.post("/console/instansi/disdik/arsip/", follow=True)
    assert "sudah diarsipkan" in response.content.decode()
    console.post("/console/instansi/disdik/pulihkan/")
    assert Instansi.objects.get(schema_name="disdik").is_active
    evaluator = make_user("diskominfo", "evaluator2", groups=["Evaluator Diskominfo"])
    assert (
        logged_in("diskominfo", evaluator).post("/console/instansi/disdik/arsip/").status_code
        == 403
    )
    assert Instansi.objects.get(schema_name="disdik").is_active
