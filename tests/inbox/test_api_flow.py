"""Lampiran B end to end through the API: humas receives, refers to dinkes and disdik, replies."""

import pytest
from django.core import mail

from inbox.models import Inquiry, InquiryEvent, Notification, Referral
from tests.conftest import tenant_client

from .helpers import api_client, post

pytestmark = pytest.mark.django_db


def test_full_flow_humas_dinkes_disdik(django_capture_on_commit_callbacks):
    humas, dinkes, disdik = api_client("humas"), api_client("dinkes"), api_client("disdik")

    with django_capture_on_commit_callbacks(execute=True):
        r = post(
            humas,
            "/api/v1/inquiries/",
            {
                "kind": "pertanyaan",
                "channel": "telepon",
                "channel_detail": "0561-000111",
                "body": "Kapan jadwal vaksinasi anak sekolah di Puskesmas Kota?",
                "citizen_name": "Siti",
                "citizen_contact": "siti@example.org",
            },
        )
    assert r.status_code == 201, r.content
    inquiry = r.json()
    assert inquiry["status"] == "diterima"
    assert inquiry["citizen_contact"] == "siti@example.org"
    iid = inquiry["id"]

    r = post(
        humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "dinkes", "note": "Jadwal vaksin"}
    )
    assert r.status_code == 201, r.content
    ref_dinkes = r.json()
    assert ref_dinkes["to_instansi"] == "dinkes" and ref_dinkes["status"] == "menunggu"
    r = post(humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "disdik", "note": "Sekolah"})
    assert r.status_code == 201
    ref_disdik = r.json()

    # Each related instansi sees it in its box, without the citizen's personal data.
    listing = dinkes.get("/api/v1/referrals/?limit=500").json()
    assert [row["id"] for row in listing["results"] if row["inquiry_id"] == iid] == [
        ref_dinkes["id"]
    ]
    detail = dinkes.get(f"/api/v1/inquiries/{iid}/").json()
    assert "citizen_contact" not in detail and "citizen_name" not in detail
    assert "tracking_code" not in detail
    assert "siti@example.org" not in dinkes.get(f"/api/v1/inquiries/{iid}/").content.decode()

    r = post(
        dinkes,
        f"/api/v1/referrals/{ref_dinkes['id']}/answer/",
        {
            "answer": "Vaksinasi anak sekolah tiap Selasa pukul 08.00 di Puskesmas Kota.",
            "answered_by_name": "dr. Budi",
        },
    )
    assert r.status_code == 200, r.content
    assert Inquiry.objects.get(pk=iid).status == "dirujuk"  # disdik still pending

    r = post(
        disdik,
        f"/api/v1/referrals/{ref_disdik['id']}/answer/",
        {"answer": "Sekolah diberi surat edaran."},
    )
    assert r.status_code == 200
    assert Inquiry.objects.get(pk=iid).status == "dijawab_terkait"

    r = post(
        humas,
        f"/api/v1/inquiries/{iid}/reply/",
        {"reply": "Vaksinasi tiap Selasa 08.00 di Puskesmas Kota; sekolah mendapat surat edaran."},
    )
    assert r.status_code == 200 and r.json()["status"] == "dibalas"
    r = post(humas, f"/api/v1/inquiries/{iid}/close/")
    assert r.status_code == 200 and r.json()["status"] == "ditutup"

    events = [e["action"] for e in r.json()["events"]]
    assert events == [
        "diterima",
        "dirujuk",
        "dirujuk",
        "rujukan_dijawab",
        "rujukan_dijawab",
        "dibalas",
        "ditutup",
    ]
    assert InquiryEvent.objects.filter(inquiry_id=iid).count() == 7

    # The citizen sees the reply on the public tracking page (portal and site).
    code = inquiry["tracking_code"]
    for client in (tenant_client(None), tenant_client("humas")):
        page = client.get(f"/lacak/{code}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Vaksinasi tiap Selasa" in html and "Ditutup" in html
        assert "siti@example.org" not in html and "Siti" not in html

    # The notices were queued after commit; the sweeper delivers what no worker took.
    from core.tasks import sweep_outbox

    kinds = set(Notification.objects.filter(inquiry_id=iid).values_list("kind", flat=True))
    assert kinds == {"pesan_baru", "rujukan_baru", "rujukan_dijawab"}
    sweep_outbox.run(older_than_seconds=0)
    assert any(code in m.subject for m in mail.outbox)
    assert not Notification.objects.filter(inquiry_id=iid, sent_at__isnull=True).exists()


def test_direct_answer_then_close():
    humas = api_client("humas")
    iid = post(
        humas, "/api/v1/inquiries/", {"kind": "saran", "body": "Tambah jadwal siaran"}
    ).json()["id"]
    r = post(
        humas, f"/api/v1/inquiries/{iid}/answer/", {"answer": "Terima kasih, kami pertimbangkan."}
    )
    assert r.status_code == 200 and r.json()["status"] == "dijawab"
    assert post(humas, f"/api/v1/inquiries/{iid}/close/").json()["status"] == "ditutup"


def test_decline_returns_to_sender_with_suggestion():
    humas, disdik = api_client("humas"), api_client("disdik")
    iid = post(
        humas, "/api/v1/inquiries/", {"kind": "kritik", "body": "Jalan rusak di depan sekolah"}
    ).json()["id"]
    rid = post(humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "disdik"}).json()["id"]
    r = post(
        disdik,
        f"/api/v1/referrals/{rid}/decline/",
        {
            "reason": "Jalan adalah kewenangan dinas pekerjaan umum.",
            "suggested_instansi": "dinkes",
        },
    )
    assert r.status_code == 200 and r.json()["status"] == "ditolak"
    assert r.json()["suggested_instansi"] == "dinkes"
    assert Inquiry.objects.get(pk=iid).status == "diterima"
    # Back at humas: it can refer elsewhere or answer directly.
    assert (
        post(
            humas, f"/api/v1/inquiries/{iid}/answer/", {"answer": "Sudah kami teruskan."}
        ).status_code
        == 200
    )


BAD_CREATE = [
    ({"kind": "pertanyaan", "body": ""}, "body"),
    ({"kind": "pertanyaan", "body": "   "}, "body"),
    ({"kind": "pertanyaan", "body": "x" * 5001}, "body"),
    ({"kind": "keluhan", "body": "Halo"}, "kind"),
    ({"kind": "pertanyaan", "body": "Halo", "channel": "merpati"}, "channel"),
    ({"body": "Halo"}, "kind"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_CREATE)
def test_bad_create_is_400_with_field_message_and_no_row(payload, field):
    humas = api_client("humas")
    before = Inquiry.objects.count()
    r = post(humas, "/api/v1/inquiries/", payload)
    assert r.status_code == 400
    assert field in r.json()
    assert Inquiry.objects.count() == before


def test_bad_actions_are_clear_4xx_and_change_nothing():
    humas, dinkes = api_client("humas"), api_client("dinkes")
    iid = post(humas, "/api/v1/inquiries/", {"kind": "pertanyaan", "body": "Tanya"}).json()["id"]

    r = post(humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "humas"})
    assert r.status_code == 400 and "sendiri" in r.json()["to_instansi"][0]
    r = post(humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "tidakada"})
    assert r.status_code == 400 and "to_instansi" in r.json()

    from tenants.models import Instansi

    Instansi.objects.filter(schema_name="disdik").update(is_active=False)
    r = post(humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "disdik"})
    assert r.status_code == 400 and "tidak aktif" in r.json()["to_instansi"][0]
    Instansi.objects.filter(schema_name="disdik").update(is_active=True)

    # reply before any related answer: wrong state
    r = post(humas, f"/api/v1/inquiries/{iid}/reply/", {"reply": "x"})
    assert r.status_code == 409

    rid = post(humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "dinkes"}).json()["id"]
    r = post(humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "dinkes"})
    assert r.status_code == 409
    # humas answering a referral addressed to dinkes
    r = post(humas, f"/api/v1/referrals/{rid}/answer/", {"answer": "x"})
    assert r.status_code == 403 and "instansi lain" in r.json()["detail"]
    r = post(dinkes, f"/api/v1/referrals/{rid}/answer/", {"answer": ""})
    assert r.status_code == 400 and "answer" in r.json()
    assert Referral.objects.get(pk=rid).status == "menunggu"

    post(dinkes, f"/api/v1/referrals/{rid}/answer/", {"answer": "Jawaban"})
    post(humas, f"/api/v1/inquiries/{iid}/reply/", {"reply": "Balasan"})
    post(humas, f"/api/v1/inquiries/{iid}/close/")
    events_before = InquiryEvent.objects.filter(inquiry_id=iid).count()
    for path, body in [
        (f"/api/v1/inquiries/{iid}/answer/", {"answer": "lagi"}),
        (f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "disdik"}),
        (f"/api/v1/inquiries/{iid}/reply/", {"reply": "lagi"}),
        (f"/api/v1/inquiries/{iid}/close/", {}),
    ]:
        r = post(humas, path, body)
        assert r.status_code == 409, path
        assert "sudah ditutup" in r.json()["detail"]
    assert InquiryEvent.objects.filter(inquiry_id=iid).count() == events_before


def test_missing_or_wrong_token_is_401_json():
    anon = tenant_client("humas")
    r = anon.get("/api/v1/inquiries/")
    assert r.status_code in (401, 403) and "detail" in r.json()
    r = post(
        anon, "/api/v1/inquiries/", {"kind": "saran", "body": "x"}, authorization="Token salah"
    )
    assert r.status_code == 401 and "detail" in r.json()
    # a token of dinkes on humas' host is not valid there
    dinkes = api_client("dinkes")
    other = tenant_client("humas")
    other.defaults["HTTP_AUTHORIZATION"] = dinkes.defaults["HTTP_AUTHORIZATION"]
    assert other.get("/api/v1/inquiries/").status_code == 401


def test_list_filters_and_bad_filter():
    humas = api_client("humas")
    post(humas, "/api/v1/inquiries/", {"kind": "kritik", "body": "Kritik A"})
    post(humas, "/api/v1/inquiries/", {"kind": "saran", "body": "Saran B"})
    rows = humas.get("/api/v1/inquiries/?kind=kritik").json()["results"]
    assert rows and all(r["kind"] == "kritik" for r in rows)
    assert humas.get("/api/v1/inquiries/?overdue=true").json()["results"] == []
    r = humas.get("/api/v1/inquiries/?status=hilang")
    assert r.status_code == 400 and "status" in r.json()


def test_openapi_documents_every_operation():
    client = tenant_client("humas")
    r = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    import json

    schema = json.loads(r.content)
    ops = {
        op["operationId"]
        for p in schema["paths"].values()
        for op in p.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for op in [
        "inquiry_create",
        "inquiry_list_received",
        "inquiry_retrieve",
        "inquiry_answer",
        "inquiry_refer",
        "inquiry_reply",
        "inquiry_close",
        "referral_list_received",
        "referral_answer",
        "referral_decline",
        "inquiry_stats",
        "inquiry_set_topics",
    ]:
        assert op in ops, op
    create = schema["paths"]["/api/v1/inquiries/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])


def test_referred_box_lists_pending_first_most_urgent_first():
    humas, dinkes = api_client("humas"), api_client("dinkes")
    ids = []
    for n in range(3):
        iid = post(humas, "/api/v1/inquiries/", {"kind": "saran", "body": f"Urutan {n}"}).json()[
            "id"
        ]
        ids.append(
            post(humas, f"/api/v1/inquiries/{iid}/refer/", {"to_instansi": "dinkes"}).json()["id"]
        )
    post(dinkes, f"/api/v1/referrals/{ids[0]}/answer/", {"answer": "Sudah"})
    rows = dinkes.get("/api/v1/referrals/?limit=500").json()["results"]
    mine = [r["id"] for r in rows if r["id"] in ids]
    assert mine == [ids[1], ids[2], ids[0]]
    statuses = [r["status"] for r in rows]
    assert statuses == sorted(statuses, key=lambda s: s != "menunggu")
