"""The Open311 GeoReport v2 facade on the portal: services, requests (GET/POST), one request."""

import pytest

from inbox import services
from inbox.models import Inquiry
from tenants.models import Instansi
from tests.conftest import tenant_client

from .helpers import random_ip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_address(monkeypatch):
    """Each test speaks from its own address: per-IP counts of other runs do not apply."""
    from django.test import Client

    ip = random_ip()
    original = Client.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.defaults.setdefault("REMOTE_ADDR", ip)

    monkeypatch.setattr(Client, "__init__", init)


def test_services_list_kinds_per_instansi():
    rows = tenant_client(None).get("/open311/v2/services.json").json()
    codes = {r["service_code"] for r in rows}
    assert {"dinkes.pertanyaan", "humas.saran", "tidak-tahu.kritik"} <= codes
    row = next(r for r in rows if r["service_code"] == "dinkes.pertanyaan")
    assert set(row) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert row["metadata"] is False and row["type"] == "realtime"
    assert row["group"] == "Dinas Kesehatan"


def test_post_creates_inquiry_and_get_follows_it():
    client = tenant_client(None)
    r = client.post(
        "/open311/v2/requests.json",
        {
            "service_code": "dinkes.pertanyaan",
            "description": "Apakah puskesmas buka Minggu?",
            "first_name": "Ani",
            "last_name": "Wijaya",
            "email": "ani@example.org",
            "address_string": "Puskesmas Kota, Jl. Merdeka 1",
        },
    )
    assert r.status_code == 201
    [created] = r.json()
    code = created["service_request_id"]
    inquiry = Inquiry.objects.get(public_request_id=code)
    assert inquiry.instansi.schema_name == "dinkes" and inquiry.channel == "open311"
    assert inquiry.citizen_name == "Ani Wijaya" and inquiry.citizen_contact == "ani@example.org"
    assert inquiry.channel_detail == "Puskesmas Kota, Jl. Merdeka 1"

    [row] = client.get(f"/open311/v2/requests/{code}.json").json()
    assert row["status"] == "open" and row["agency_responsible"] == "Dinas Kesehatan"
    assert row["expected_datetime"] is None
    assert "ani@example.org" not in str(row) and row["description"] is None

    dinkes = inquiry.instansi
    referral = services.inquiry_refer(
        actor=None, instansi=dinkes, inquiry_id=inquiry.pk, to_instansi="disdik"
    )
    [row] = client.get(f"/open311/v2/requests.json?service_request_id={code}").json()
    assert row["expected_datetime"] == referral.due_at.isoformat()
    services.referral_answer(
        actor=None,
        instansi=Instansi.objects.get(schema_name="disdik"),
        referral_id=referral.pk,
        answer="Ya",
    )
    services.inquiry_reply(
        actor=None, instansi=dinkes, inquiry_id=inquiry.pk, reply="Buka Minggu 08.00–12.00."
    )
    services.inquiry_close(actor=None, instansi=dinkes, inquiry_id=inquiry.pk)
    [row] = client.get(f"/open311/v2/requests/{code}.json").json()
    assert row["status"] == "closed" and row["status_notes"] == "Buka Minggu 08.00–12.00."
    closed = client.get("/open311/v2/requests.json?status=closed&service_code=dinkes.pertanyaan")
    assert code in {r["service_request_id"] for r in closed.json()}
    assert code not in {
        r["service_request_id"] for r in client.get("/open311/v2/requests.json?status=open").json()
    }


def test_dont_know_service_goes_to_diskominfo_and_json_body_works():
    r = tenant_client(None).post(
        "/open311/v2/requests.json",
        {"service_code": "tidak-tahu.saran", "description": "Saran", "lat": -0.5, "long": 117.15},
        content_type="application/json",
    )
    assert r.status_code == 201
    code = r.json()[0]["service_request_id"]
    inquiry = Inquiry.objects.get(public_request_id=code)
    assert inquiry.instansi.schema_name == "diskominfo"
    assert inquiry.channel_detail == "lat -0.5, long 117.15"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"description": "x"}, "service_code"),
        ({"service_code": "dinkes.keluhan", "description": "x"}, "service_code"),
        ({"service_code": "tidakada.saran", "description": "x"}, "service_code"),
        ({"service_code": "dinkes.saran", "description": ""}, "Isi pesan wajib"),
        ({"service_code": "dinkes.saran", "description": "x" * 5001}, "5000"),
    ],
)
def test_bad_posts_use_the_open311_error_format(data, fragment):
    before = Inquiry.objects.count()
    r = tenant_client(None).post("/open311/v2/requests.json", {**data, "address_id": "A-1"})
    assert r.status_code == 400
    [error] = r.json()
    assert error["code"] == 400 and fragment in error["description"]
    assert Inquiry.objects.count() == before


def test_bad_gets_and_unknown_request():
    client = tenant_client(None)
    r = client.get("/open311/v2/requests/ZZZZ-ZZZZ-ZZZZ.json")
    assert r.status_code == 404 and r.json()[0]["code"] == 404
    r = client.get("/open311/v2/requests.json?status=half")
    assert r.status_code == 400 and r.json()[0]["code"] == 400
    r = client.get("/open311/v2/requests.json?start_date=kemarin")
    assert r.status_code == 400
    assert client.get("/open311/v2/discovery.json").status_code == 200


def test_post_is_limited_per_address_with_the_inquiry_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "inquiry": "2/hour",
        },
    }
    client = tenant_client(None)
    data = {"service_code": "dinkes.saran", "description": "Saran berulang", "address_id": "A-1"}
    assert client.post("/open311/v2/requests.json", data).status_code == 201
    assert client.post("/open311/v2/requests.json", data).status_code == 201
    r = client.post("/open311/v2/requests.json", data)
    assert r.status_code == 429 and r.json()[0]["code"] == 429
    assert Inquiry.objects.filter(body="Saran berulang").count() == 2


OPEN311_REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def test_agency_responsible_follows_the_pending_referral_clock():
    client = tenant_client(None)
    humas, dinkes, disdik = (
        Instansi.objects.get(schema_name=s) for s in ("humas", "dinkes", "disdik")
    )
    inquiry = services.inquiry_create(
        actor=None, instansi=humas, kind="pertanyaan", channel="situs", body="Jadwal PPDB?"
    )
    url = f"/open311/v2/requests/{inquiry.public_request_id}.json"

    def row():
        [data] = client.get(url).json()
        assert set(data) == OPEN311_REQUEST_FIELDS  # the standard field list, nothing added
        return data

    assert row()["agency_responsible"] == humas.name
    to_dinkes = services.inquiry_refer(
        actor=None, instansi=humas, inquiry_id=inquiry.pk, to_instansi="dinkes"
    )
    data = row()
    assert data["agency_responsible"] == dinkes.name
    assert data["expected_datetime"] == to_dinkes.due_at.isoformat()
    to_disdik = services.inquiry_refer(
        actor=None, instansi=humas, inquiry_id=inquiry.pk, to_instansi="disdik"
    )
    data = row()
    # The latest-due pending referral drives expected_datetime; it names the same instansi.
    assert data["expected_datetime"] == to_disdik.due_at.isoformat()
    assert data["agency_responsible"] == disdik.name
    services.referral_decline(actor=None, instansi=disdik, referral_id=to_disdik.pk, reason="PPDB")
    data = row()
    assert data["agency_responsible"] == dinkes.name
    assert data["expected_datetime"] == to_dinkes.due_at.isoformat()
    services.referral_answer(actor=None, instansi=dinkes, referral_id=to_dinkes.pk, answer="Juni")
    data = row()
    assert data["agency_responsible"] == humas.name and data["expected_datetime"] is None
    listed = client.get(f"/open311/v2/requests.json?service_request_id={inquiry.public_request_id}")
    assert listed.json()[0]["agency_responsible"] == humas.name
