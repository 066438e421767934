"""An instansi reads only its own report and evaluation, in its admin pages and through its API."""

import pytest
from django_tenants.utils import schema_context

from evaluation import services
from tenants.services import api_token_create
from tests.conftest import login_client, tenant_client

from .factories import NARRATIVE, admin_user

YEAR = 2026
pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(instansi):
    made = {}
    for slug, text in (("humas", "Rahasia humas"), ("dinkes", "Rahasia dinkes")):
        actor = admin_user(slug)
        with schema_context(slug):
            report = services.report_start(instansi=instansi[slug], year=YEAR, actor=actor)
            made[slug] = services.report_update(
                report=report, actor=actor, data={**NARRATIVE, "policy_overview": text}
            )
    return made


def api(slug):
    from tenants.models import Instansi

    _, key = api_token_create(instansi=Instansi.objects.get(schema_name=slug), name="uji")
    client = tenant_client(slug)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def test_admin_pages_show_only_own_report(reports):
    page = login_client("humas").get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    assert "Rahasia humas" in page and "Rahasia dinkes" not in page
    index = login_client("humas").get("/admin/laporan-tahunan/").content.decode()
    assert index.count(f"Laporan {YEAR}") == 1
    # disdik has no report for the year: its URL for the year is a 404, not another's report.
    assert login_client("disdik").get(f"/admin/laporan-tahunan/{YEAR}/").status_code == 404
    assert login_client("disdik").get(f"/admin/laporan-tahunan/{YEAR}/pdf/").status_code == 404


def test_api_lists_and_reads_only_own_report(reports):
    response = api("dinkes").get("/api/v1/evaluation/reports/")
    assert response.status_code == 200
    assert [r["year"] for r in response.json()] == [YEAR]
    detail = api("dinkes").get(f"/api/v1/evaluation/reports/{YEAR}/").json()
    assert detail["narrative"]["policy_overview"] == "Rahasia dinkes"
    assert detail["evaluation"] is None
    assert api("disdik").get(f"/api/v1/evaluation/reports/{YEAR}/").status_code == 404
    assert tenant_client("humas").get("/api/v1/evaluation/reports/").status_code in (401, 403)


def test_token_cannot_submit_and_post_on_other_instansi_is_refused(reports):
    response = api("humas").post(f"/api/v1/evaluation/reports/{YEAR}/submit/")
    assert response.status_code == 403
    assert "Kepala Instansi" in response.json()["detail"]
    other = api("dinkes")
    other.defaults["HTTP_HOST"] = "humas.localhost"
    assert other.get("/api/v1/evaluation/reports/").status_code in (401, 403)


def test_unreleased_evaluation_is_hidden_from_the_instansi(reports):
    actor = admin_user("humas")
    with schema_context("humas"):
        services.report_submit(report=reports["humas"], actor=actor)
    with schema_context("diskominfo"):
        evaluation = services.evaluation_start(
            report=reports["humas"], actor=admin_user("diskominfo")
        )
        criteria = {str(c.pk): 80 for c in evaluation.rubric.criteria.all()}
        services.evaluation_save(
            report=reports["humas"],
            actor=admin_user("diskominfo"),
            scores=criteria,
            recommendations=["Rekomendasi rahasia sebelum rilis."],
        )
    detail = api("humas").get(f"/api/v1/evaluation/reports/{YEAR}/").json()
    assert detail["evaluation"] is None
    page = login_client("humas").get(f"/admin/laporan-tahunan/{YEAR}/").content.decode()
    assert "Rekomendasi rahasia" not in page
    with schema_context("diskominfo"):
        services.evaluation_release(report=reports["humas"], actor=admin_user("diskominfo"))
    detail = api("humas").get(f"/api/v1/evaluation/reports/{YEAR}/").json()
    assert detail["evaluation"]["recommendations"] == ["Rekomendasi rahasia sebelum rilis."]
    assert detail["evaluation"]["predicate"] == "Baik"
    assert api("dinkes").get(f"/api/v1/evaluation/reports/{YEAR}/").json()["evaluation"] is None


def test_report_lists_have_constant_query_counts(reports, instansi, django_assert_max_num_queries):
    from evaluation.models import AnnualReport

    client = api("humas")
    client.get("/api/v1/evaluation/reports/")
    with django_assert_max_num_queries(6):
        client.get("/api/v1/evaluation/reports/")
    AnnualReport.objects.bulk_create(
        AnnualReport(instansi=instansi["humas"], year=y) for y in range(2015, 2025)
    )
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/evaluation/reports/").json()) == 11
    admin = login_client("humas")
    admin.get("/admin/laporan-tahunan/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        page = admin.get("/admin/laporan-tahunan/").content.decode()
    assert page.count("Laporan 20") == 11
    AnnualReport.objects.filter(instansi=instansi["humas"], year=2015).delete()
    with CaptureQueriesContext(connection) as fewer:
        admin.get("/admin/laporan-tahunan/")
    assert len(fewer.captured_queries) == len(ctx.captured_queries)
