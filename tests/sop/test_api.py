"""The SOP API on an instansi host: reads, writes by the roles, bad input, constant queries."""

import pytest
from django.db import connection

from sop import services
from sop.models import Sop
from tenants.models import Instansi
from tests.conftest import login_client, tenant_client

from .factories import START


def _public():
    connection.set_schema_to_public()


@pytest.fixture
def kasubbag_client(sintang, people):
    _public()
    return login_client("humas", "kasubbag")


def test_list_and_detail_of_sops(sintang, humas_admin):
    _public()
    listing = humas_admin.get("/api/v1/sop/")
    assert listing.status_code == 200
    active = [s for s in listing.json() if s["status"] == "aktif"]
    assert [(s["id"], s["title"]) for s in active] == [
        (sintang.pk, "Penyebarluasan Informasi Kegiatan")
    ]
    detail = humas_admin.get(f"/api/v1/sop/{sintang.pk}/").json()
    assert [s["standard_minutes"] for s in detail["steps"]] == [60, 60, 5, 5, 5]
    assert detail["steps"][3]["role"] == "Kabag Humas dan Protokol"


def test_assignment_create_and_bad_input(kasubbag_client):
    ok = kasubbag_client.post(
        "/api/v1/sop/penugasan/baru/",
        {
            "event": "Musrenbang kecamatan",
            "place": "Kantor Camat",
            "event_at": START.isoformat(),
            "assignee": "staf",
            "nota_dinas": "ND/1/2026",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["sop_version"] == 1
    missing = kasubbag_client.post(
        "/api/v1/sop/penugasan/baru/",
        {"event": "", "place": "x", "event_at": "kemarin", "assignee": "staf"},
        content_type="application/json",
    )
    assert missing.status_code == 400 and "event_at" in missing.json()
    stranger = kasubbag_client.post(
        "/api/v1/sop/penugasan/baru/",
        {"event": "A", "place": "B", "event_at": START.isoformat(), "assignee": "tidakada"},
        content_type="application/json",
    )
    assert stranger.status_code == 400
    assert stranger.json() == {"assignee": ["Petugas liputan tidak ditemukan."]}


def test_staff_cannot_assign_and_gets_a_clear_403(sintang, people):
    _public()
    client = login_client("humas", "staf")
    response = client.post(
        "/api/v1/sop/penugasan/baru/",
        {"event": "A", "place": "B", "event_at": START.isoformat(), "assignee": "staf"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "Hanya anggota grup" in response.json()["detail"]


def test_sop_update_with_bad_steps_keeps_the_active_version(sintang, humas_admin):
    steps = services.steps_as_input(sintang)
    payload = [{**s, "role": s["role"].pk} for s in steps]
    payload[2]["standard_minutes"] = 0
    _public()
    response = humas_admin.post(
        f"/api/v1/sop/{sintang.pk}/ubah/", {"steps": payload}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "waktu harus lebih dari 0 menit" in response.json()["steps"][0]
    connection.set_tenant(Instansi.objects.get(schema_name="humas"))
    assert Sop.objects.get(pk=sintang.pk).status == Sop.Status.AKTIF
    assert Sop.objects.filter(lineage=sintang.lineage).count() == 1


def test_assignment_list_has_constant_queries(
    sintang, people, humas_admin, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            services.assignment_create(
                actor=people["kasubbag"],
                event=f"Kegiatan {i}",
                place="Aula",
                event_at=START,
                assignee=people["staf"],
            )

    add(2)
    _public()
    with django_assert_max_num_queries(30) as first:
        assert len(humas_admin.get("/api/v1/sop/penugasan/").json()) == 2
    connection.set_tenant(Instansi.objects.get(schema_name="humas"))
    add(8)
    _public()
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(humas_admin.get("/api/v1/sop/penugasan/").json()) == 10
    with django_assert_max_num_queries(60) as admin_first:
        assert humas_admin.get("/admin/sop/penugasan/").status_code == 200
    connection.set_tenant(Instansi.objects.get(schema_name="humas"))
    add(5)
    _public()
    with django_assert_max_num_queries(len(admin_first.captured_queries)):
        assert humas_admin.get("/admin/sop/penugasan/").content.count(b"Kegiatan ") >= 15


def test_stats_endpoint_and_bad_dates(sintang, humas_admin):
    _public()
    response = humas_admin.get("/api/v1/sop/statistik/?dari=2026-01-01&sampai=2026-12-31")
    assert response.status_code == 200
    assert response.json()["sop_active"] is True
    bad = humas_admin.get("/api/v1/sop/statistik/?dari=31-01-2026")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["detail"]


def test_anonymous_is_refused(sintang):
    _public()
    assert tenant_client("humas").get("/api/v1/sop/").status_code in (401, 403)
