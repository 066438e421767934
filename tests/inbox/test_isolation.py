"""Isolation: an instansi not party to an inquiry cannot list, read or act on it anywhere;
the citizen's contact never leaves the instansi that received it."""

import pytest

from inbox import services
from inbox.models import Inquiry, InquiryEvent, Referral
from tenants.models import Instansi
from tests.conftest import login_client, tenant_client

from .helpers import api_client, post

pytestmark = pytest.mark.django_db

SECRET_NAME = "Bapak Rahasia Sekali"
SECRET_CONTACT = "rahasia-sekali@example.org"


@pytest.fixture
def case():
    humas = Instansi.objects.get(schema_name="humas")
    inquiry = services.inquiry_create(
        actor=None,
        instansi=humas,
        kind="kritik",
        channel="email",
        body="Pelayanan lambat",
        citizen_name=SECRET_NAME,
        citizen_contact=SECRET_CONTACT,
    )
    referral = services.inquiry_refer(
        actor=None, instansi=humas, inquiry_id=inquiry.pk, to_instansi="dinkes"
    )
    return inquiry, referral


def _snapshot(inquiry):
    return (
        Inquiry.objects.filter(pk=inquiry.pk).values_list("status", "public_reply").get(),
        list(Referral.objects.filter(inquiry=inquiry).values_list("status", "answer")),
        InquiryEvent.objects.filter(inquiry=inquiry).count(),
    )


def test_outsider_api_cannot_list_read_or_act(case):
    inquiry, referral = case
    disdik = api_client("disdik")
    before = _snapshot(inquiry)
    listed = disdik.get("/api/v1/inquiries/?limit=500").json()["results"]
    assert inquiry.pk not in {row["id"] for row in listed}
    listed = disdik.get("/api/v1/referrals/?limit=500").json()["results"]
    assert inquiry.pk not in {row["inquiry_id"] for row in listed}
    assert referral.pk not in {row["id"] for row in listed}
    for path in [f"/api/v1/inquiries/{inquiry.pk}/", f"/api/v1/referrals/{referral.pk}/"]:
        assert disdik.get(path).status_code == 404
    for path, body in [
        (f"/api/v1/inquiries/{inquiry.pk}/answer/", {"answer": "x"}),
        (f"/api/v1/inquiries/{inquiry.pk}/refer/", {"to_instansi": "dinkes"}),
        (f"/api/v1/inquiries/{inquiry.pk}/reply/", {"reply": "x"}),
        (f"/api/v1/inquiries/{inquiry.pk}/close/", {}),
        (f"/api/v1/inquiries/{inquiry.pk}/topics/", {"topics": ["x"]}),
        (f"/api/v1/referrals/{referral.pk}/answer/", {"answer": "x"}),
        (f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "x"}),
    ]:
        r = post(disdik, path, body)
        assert r.status_code == 404, (path, r.content)
    assert _snapshot(inquiry) == before


def test_referred_instansi_cannot_act_as_handler(case):
    inquiry, referral = case
    dinkes = api_client("dinkes")
    before = _snapshot(inquiry)
    for path, body in [
        (f"/api/v1/inquiries/{inquiry.pk}/answer/", {"answer": "x"}),
        (f"/api/v1/inquiries/{inquiry.pk}/refer/", {"to_instansi": "disdik"}),
        (f"/api/v1/inquiries/{inquiry.pk}/close/", {}),
        (f"/api/v1/inquiries/{inquiry.pk}/topics/", {"topics": ["x"]}),
    ]:
        assert post(dinkes, path, body).status_code == 403, path
    assert _snapshot(inquiry) == before


def test_outsider_admin_pages_show_nothing(case):
    inquiry, referral = case
    disdik = login_client("disdik")
    before = _snapshot(inquiry)
    for path in [
        "/admin/kotak-masuk/",
        "/admin/kotak-masuk/dirujuk/",
        "/admin/kotak-masuk/analisis/",
    ]:
        html = disdik.get(path).content.decode()
        assert "Pelayanan lambat" not in html
    r = disdik.get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/", follow=True)
    assert "Pelayanan lambat" not in r.content.decode()
    for path, body in [
        (f"/admin/kotak-masuk/pesan/{inquiry.pk}/jawab/", {"answer": "x"}),
        (f"/admin/kotak-masuk/pesan/{inquiry.pk}/rujuk/", {"to_instansi": "dinkes"}),
        (f"/admin/kotak-masuk/pesan/{inquiry.pk}/balas/", {"reply": "x"}),
        (f"/admin/kotak-masuk/pesan/{inquiry.pk}/tutup/", {}),
        (f"/admin/kotak-masuk/pesan/{inquiry.pk}/topik/", {"topics": "x"}),
        (f"/admin/kotak-masuk/rujukan/{referral.pk}/jawab/", {"answer": "x"}),
        (f"/admin/kotak-masuk/rujukan/{referral.pk}/tolak/", {"reason": "x"}),
    ]:
        disdik.post(path, body)
    assert _snapshot(inquiry) == before


def test_session_of_one_instansi_is_not_valid_on_another_host(case):
    inquiry, _ = case
    client = login_client("disdik")
    client.defaults["HTTP_HOST"] = "humas.localhost"
    r = client.get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/")
    assert r.status_code == 302 and "login" in r["Location"]
    r = client.get("/api/v1/inquiries/")
    assert r.status_code in (401, 403)


def test_citizen_contact_never_leaves_the_handling_instansi(case):
    inquiry, referral = case
    dinkes_api, dinkes_admin = api_client("dinkes"), login_client("dinkes")
    services.referral_answer(
        actor=None,
        instansi=Instansi.objects.get(schema_name="dinkes"),
        referral_id=referral.pk,
        answer="Kami perbaiki",
    )
    services.inquiry_reply(
        actor=None, instansi=inquiry.instansi, inquiry_id=inquiry.pk, reply="Sudah diperbaiki"
    )
    pages = [
        dinkes_api.get("/api/v1/referrals/"),
        dinkes_api.get(f"/api/v1/referrals/{referral.pk}/"),
        dinkes_api.get(f"/api/v1/inquiries/{inquiry.pk}/"),
        dinkes_admin.get("/admin/kotak-masuk/dirujuk/"),
        dinkes_admin.get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/"),
        tenant_client(None).get(f"/lacak/{inquiry.tracking_code}/"),
        tenant_client("dinkes").get(f"/lacak/{inquiry.tracking_code}/"),
        tenant_client(None).get(f"/open311/v2/requests/{inquiry.public_request_id}.json"),
        tenant_client(None).get("/open311/v2/requests.json"),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert SECRET_CONTACT not in body and SECRET_NAME not in body
    # The notices sent to dinkes carry no personal data either.
    from inbox.models import Notification

    for n in Notification.objects.filter(inquiry=inquiry).exclude(instansi=inquiry.instansi):
        assert SECRET_CONTACT not in n.message and SECRET_NAME not in n.message
    # The handling instansi does see them.
    assert (
        SECRET_CONTACT
        in api_client("humas").get(f"/api/v1/inquiries/{inquiry.pk}/").content.decode()
    )
