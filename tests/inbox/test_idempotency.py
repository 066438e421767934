"""Idempotency-Key: retries never make a second inquiry or referral, even concurrently."""

import pytest

from inbox.models import IdempotencyRecord, Inquiry, Referral

from .helpers import api_client, post

pytestmark = pytest.mark.django_db


def test_retry_with_same_key_replays_and_makes_one_row():
    humas = api_client("humas")
    body = {"kind": "pertanyaan", "body": "Pertanyaan yang dikirim ulang"}
    first = post(humas, "/api/v1/inquiries/", body, idempotency_key="kunci-1")
    second = post(humas, "/api/v1/inquiries/", body, idempotency_key="kunci-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Inquiry.objects.filter(body=body["body"]).count() == 1


def test_same_key_different_body_is_422_and_no_change():
    humas = api_client("humas")
    post(humas, "/api/v1/inquiries/", {"kind": "saran", "body": "A"}, idempotency_key="k2")
    r = post(humas, "/api/v1/inquiries/", {"kind": "saran", "body": "B"}, idempotency_key="k2")
    assert r.status_code == 422
    assert "Idempotency-Key" in r.json()
    assert not Inquiry.objects.filter(body="B").exists()


def test_refer_retry_makes_one_referral_and_keys_are_per_instansi():
    humas, dinkes = api_client("humas"), api_client("dinkes")
    iid = post(humas, "/api/v1/inquiries/", {"kind": "kritik", "body": "K"}).json()["id"]
    for _ in range(3):
        r = post(
            humas,
            f"/api/v1/inquiries/{iid}/refer/",
            {"to_instansi": "dinkes"},
            idempotency_key="rujuk-1",
        )
        assert r.status_code == 201
    assert Referral.objects.filter(inquiry_id=iid).count() == 1
    # dinkes may use the same key for its own request
    r = post(
        dinkes, "/api/v1/inquiries/", {"kind": "saran", "body": "Dinkes"}, idempotency_key="rujuk-1"
    )
    assert r.status_code == 201


def test_failed_request_stores_no_key_so_a_fixed_retry_works():
    humas = api_client("humas")
    r = post(humas, "/api/v1/inquiries/", {"kind": "saran", "body": ""}, idempotency_key="k3")
    assert r.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="k3").exists()
    r = post(humas, "/api/v1/inquiries/", {"kind": "saran", "body": ""}, idempotency_key="k3")
    assert r.status_code == 400
