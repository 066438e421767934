"""The staff screens in each instansi's Wagtail admin: boxes, detail, actions, analysis."""

import pytest

from inbox import services
from inbox.models import Inquiry, Referral
from tenants.models import Instansi
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


def _inquiry(slug="humas", **kw):
    data = {
        "kind": "pertanyaan",
        "channel": "telepon",
        "body": "Kapan puskesmas buka?",
        "citizen_name": "Rahmat",
        "citizen_contact": "0812-0000-1111",
    }
    data.update(kw)
    return services.inquiry_create(
        actor=None, instansi=Instansi.objects.get(schema_name=slug), **data
    )


def test_menu_and_boxes_render_in_indonesian():
    client = login_client("humas")
    inquiry = _inquiry()
    home = client.get("/admin/")
    assert "Kotak Masuk" in home.content.decode()
    page = client.get("/admin/kotak-masuk/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pesan diterima" in html and "Kapan puskesmas buka?" in html
    assert client.get("/admin/kotak-masuk/dirujuk/").status_code == 200
    detail = client.get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/").content.decode()
    assert "0812-0000-1111" in detail and inquiry.tracking_code in detail
    assert "Jawab langsung" in detail and "Rujuk ke instansi terkait" in detail


def test_refer_answer_reply_close_through_admin_forms():
    humas, dinkes = login_client("humas"), login_client("dinkes")
    inquiry = _inquiry()
    r = humas.post(
        f"/admin/kotak-masuk/pesan/{inquiry.pk}/rujuk/",
        {"to_instansi": "dinkes", "note": "Mohon jadwal"},
    )
    assert r.status_code == 302
    referral = Referral.objects.get(inquiry=inquiry)
    box = dinkes.get("/admin/kotak-masuk/dirujuk/").content.decode()
    assert "Kapan puskesmas buka?" in box and "Sisa 23 jam" in box
    detail = dinkes.get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/").content.decode()
    assert "0812-0000-1111" not in detail and "Rahmat" not in detail
    assert inquiry.tracking_code not in detail
    r = dinkes.post(
        f"/admin/kotak-masuk/rujukan/{referral.pk}/jawab/",
        {"answer": "Buka Senin–Sabtu 08.00.", "answered_by_name": "dr. Ani"},
    )
    assert r.status_code == 302
    humas.post(
        f"/admin/kotak-masuk/pesan/{inquiry.pk}/balas/", {"reply": "Buka Senin–Sabtu 08.00."}
    )
    humas.post(f"/admin/kotak-masuk/pesan/{inquiry.pk}/tutup/", {})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED
    detail = humas.get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/").content.decode()
    for label in ("Diterima", "Dirujuk", "Rujukan dijawab", "Dibalas ke masyarakat", "Ditutup"):
        assert label in detail


def test_admin_bad_input_shows_message_and_changes_nothing():
    humas = login_client("humas")
    inquiry = _inquiry()
    r = humas.post(
        f"/admin/kotak-masuk/pesan/{inquiry.pk}/rujuk/", {"to_instansi": "humas"}, follow=True
    )
    assert "Periksa isian" in r.content.decode() or "sendiri" in r.content.decode()
    r = humas.post(f"/admin/kotak-masuk/pesan/{inquiry.pk}/balas/", {"reply": "x"}, follow=True)
    assert "Tidak dapat membalas" in r.content.decode()
    r = humas.post(f"/admin/kotak-masuk/pesan/{inquiry.pk}/jawab/", {"answer": ""}, follow=True)
    assert "Periksa isian" in r.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.RECEIVED and not inquiry.referrals.exists()


def test_filters_status_kind_overdue():
    humas = login_client("humas")
    a = _inquiry(kind="kritik", body="Kritik layanan")
    _inquiry(kind="saran", body="Saran jam buka")
    html = humas.get("/admin/kotak-masuk/?kind=kritik").content.decode()
    assert "Kritik layanan" in html and "Saran jam buka" not in html
    referral = services.inquiry_refer(
        actor=None, instansi=a.instansi, inquiry_id=a.pk, to_instansi="dinkes"
    )
    from datetime import timedelta

    Referral.objects.filter(pk=referral.pk).update(
        due_at=referral.requested_at - timedelta(hours=1)
    )
    html = humas.get("/admin/kotak-masuk/?terlambat=ya").content.decode()
    assert "Kritik layanan" in html and "Saran jam buka" not in html and "Terlambat" in html
    html = humas.get("/admin/kotak-masuk/?status=dirujuk").content.decode()
    assert "Kritik layanan" in html and "Saran jam buka" not in html


def test_record_inquiry_received_by_phone():
    humas = login_client("humas")
    r = humas.post(
        "/admin/kotak-masuk/catat/",
        {
            "channel": "telepon",
            "channel_detail": "0561-000111 (sambungan humas)",
            "kind": "komentar",
            "body": "Bagus sekali acaranya",
            "citizen_name": "",
            "citizen_contact": "",
        },
    )
    assert r.status_code == 302
    inquiry = Inquiry.objects.get(body="Bagus sekali acaranya")
    assert inquiry.channel == "telepon" and inquiry.created_by_name
    r = humas.post(
        "/admin/kotak-masuk/catat/", {"channel": "telepon", "kind": "komentar", "body": ""}
    )
    assert r.status_code == 200 and "wajib diisi" in r.content.decode()


def test_diskominfo_sees_overdue_escalations_others_do_not():
    inquiry = _inquiry()
    referral = services.inquiry_refer(
        actor=None, instansi=inquiry.instansi, inquiry_id=inquiry.pk, to_instansi="dinkes"
    )
    from datetime import timedelta

    Referral.objects.filter(pk=referral.pk).update(
        due_at=referral.requested_at - timedelta(hours=2)
    )
    html = login_client("diskominfo").get("/admin/kotak-masuk/terlambat/").content.decode()
    assert "Dinas Kesehatan" in html and "Rahmat" not in html
    assert login_client("humas").get("/admin/kotak-masuk/terlambat/").status_code in (302, 403)


def test_topics_and_feedback_analysis_with_recommendation():
    humas = login_client("humas")
    inquiry = _inquiry(kind="kritik", body="Antrean puskesmas panjang")
    humas.post(f"/admin/kotak-masuk/pesan/{inquiry.pk}/topik/", {"topics": "#Antrean, layanan"})
    inquiry.refresh_from_db()
    assert inquiry.topics == ["antrean", "layanan"]
    from django.utils import timezone

    today = timezone.localdate()
    start = today.replace(day=1)
    page = humas.get(f"/admin/kotak-masuk/analisis/?mulai={start}")
    html = page.content.decode()
    assert page.status_code == 200 and "antrean" in html and "Antrean puskesmas panjang" in html
    r = humas.post(
        f"/admin/kotak-masuk/analisis/?mulai={start}",
        {
            "recommendations": "Tambah loket pendaftaran daring.",
            "findings": "",
            "follow_up": "Usulan anggaran",
        },
    )
    assert r.status_code == 302
    from inbox.selectors import feedback_summary

    end = (start.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    summary = feedback_summary(instansi=inquiry.instansi, start=start, end=end)
    assert summary["by_topic"] == {"antrean": 1, "layanan": 1}
    assert summary["recommendations"][0]["recommendations"] == "Tambah loket pendaftaran daring."


def test_record_from_an_official_account_links_the_registry(settings, tmp_path):
    from django_tenants.utils import schema_context

    from tests.registry.conftest import _forget_media_root
    from tests.registry.factories import make_account, make_decree

    settings.MEDIA_ROOT = str(tmp_path / "media")
    _forget_media_root()
    try:
        with schema_context("humas"):
            account = make_account(make_decree(), url="https://instagram.com/humaskab")
        humas = login_client("humas")
        page = humas.get("/admin/kotak-masuk/catat/").content.decode()
        assert "humaskab" in page
        fields = {"kind": "kritik", "body": "Balasan di Instagram lambat"}
        # An account names where the message arrived: only with the "akun resmi" channel.
        r = humas.post(
            "/admin/kotak-masuk/catat/",
            {"channel": "email", "official_account": str(account.pk), **fields},
        )
        assert r.status_code == 200 and "hanya diisi untuk kanal" in r.content.decode()
        assert not Inquiry.objects.filter(body=fields["body"]).exists()
        r = humas.post(
            "/admin/kotak-masuk/catat/",
            {"channel": "akun_resmi", "official_account": str(account.pk), **fields},
        )
        assert r.status_code == 302
        inquiry = Inquiry.objects.get(body="Balasan di Instagram lambat")
        assert inquiry.channel == "akun_resmi" and "humaskab" in inquiry.channel_detail
        assert inquiry.official_account.url == "https://instagram.com/humaskab"
    finally:
        _forget_media_root()
