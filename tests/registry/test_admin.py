"""The registry in the Wagtail admin: SK with PDF, accounts, replace, errors on the form, history."""

import datetime as dt

import pytest
from django_tenants.utils import schema_context

from tests.conftest import login_client
from tests.registry.factories import SIGNER_NIP, make_account, make_decree, pdf_upload

SK_LIST = "/admin/snippets/registry/suratkeputusan/"
ACCOUNT_LIST = "/admin/snippets/registry/officialaccount/"


def _sk_post(number: str, pdf) -> dict:
    return {
        "number": number,
        "date": "2026-02-01",
        "title": "Penetapan Akun Resmi",
        "signer_name": "Kepala Dinas",
        "signer_nip": SIGNER_NIP,
        "subject": "akun_petugas",
        "effective_date": "2026-02-02",
        "pdf": pdf,
    }


@pytest.fixture
def admin(db):
    return login_client("humas")


def test_admin_records_sk_with_pdf_stored_in_tenant_media(admin, settings):
    from tenants.registry.models import SuratKeputusan

    response = admin.post(SK_LIST + "add/", _sk_post("100/ADM/2026", pdf_upload()))
    assert response.status_code == 302, response.content.decode()[:3000]
    with schema_context("humas"):
        decree = SuratKeputusan.objects.get(number="100/ADM/2026")
        assert decree.pdf.path.startswith(f"{settings.MEDIA_ROOT}/humas/")
        assert decree.pdf.url.startswith("/media/humas/registri/sk/")
    listing = admin.get(SK_LIST)
    assert listing.status_code == 200
    assert "100/ADM/2026" in listing.content.decode()


def test_admin_refuses_non_pdf_with_message_and_saves_nothing(admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenants.registry.models import SuratKeputusan

    fake = SimpleUploadedFile("sk.pdf", b"<html>bukan pdf</html>", content_type="application/pdf")
    response = admin.post(SK_LIST + "add/", _sk_post("101/ADM/2026", fake))
    assert response.status_code == 200
    assert "bukan PDF" in response.content.decode()
    with schema_context("humas"):
        assert not SuratKeputusan.objects.filter(number="101/ADM/2026").exists()


def test_admin_account_create_normalises_and_lists(admin):
    from tenants.registry.models import OfficialAccount

    with schema_context("humas"):
        decree = make_decree()
    response = admin.post(
        ACCOUNT_LIST + "add/",
        {
            "platform": "instagram",
            "url": "WWW.Instagram.com/HumasAdmin/?igshid=xyz",
            "handle": "",
            "display_name": "Humas Admin",
            "audience_note": "Warga kabupaten",
            "decree": decree.pk,
            "active_since": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with schema_context("humas"):
        account = OfficialAccount.objects.get(display_name="Humas Admin")
    assert account.url == "https://instagram.com/humasadmin"
    listing = admin.get(ACCOUNT_LIST)
    assert "https://instagram.com/humasadmin" in listing.content.decode()
    history = admin.get(ACCOUNT_LIST + f"history/{account.pk}/")
    assert history.status_code == 200


def test_admin_account_taken_by_other_instansi_names_it(admin):
    with schema_context("dinkes"):
        make_account(make_decree(), url="https://x.com/milikdinkes")
    with schema_context("humas"):
        decree = make_decree()
    response = admin.post(
        ACCOUNT_LIST + "add/",
        {
            "platform": "x",
            "url": "https://twitter.com/MilikDinkes",
            "display_name": "Palsu",
            "decree": decree.pk,
        },
    )
    assert response.status_code == 200
    assert "Dinas Kesehatan" in response.content.decode()


def test_admin_replace_view_keeps_history(admin):
    from tenants.registry.models import OfficialAccount, SuratKeputusan

    with schema_context("humas"):
        old = make_decree(number="200/OLD/2026")
        keep = make_account(old, url="https://facebook.com/tetap")
        drop = make_account(old, url="https://facebook.com/berhenti")
    response = admin.post(
        f"/admin/registri/sk/{old.pk}/ganti/",
        {
            "number": "201/NEW/2026",
            "date": "2026-03-01",
            "title": "Perubahan Akun Resmi",
            "signer_name": "Kepala",
            "signer_nip": SIGNER_NIP,
            "effective_date": "2026-03-01",
            "pdf": pdf_upload(),
            "continue_accounts": [keep.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with schema_context("humas"):
        old.refresh_from_db()
        new = SuratKeputusan.objects.get(number="201/NEW/2026")
        assert old.status == "diganti" and old.replaced_by == new
        assert OfficialAccount.objects.get(pk=keep.pk).decree == new
        assert OfficialAccount.objects.get(pk=drop.pk).status == "dihentikan"
    inspect = admin.get(SK_LIST + f"inspect/{old.pk}/")
    assert inspect.status_code == 200
    assert "Ditetapkan" in inspect.content.decode()


def test_nothing_can_be_deleted_from_the_registry(admin):
    with schema_context("humas"):
        decree = make_decree()
    response = admin.get(SK_LIST + f"delete/{decree.pk}/")
    assert response.status_code in (302, 403)
    with schema_context("humas"):
        from tenants.registry.models import SuratKeputusan

        assert SuratKeputusan.objects.filter(pk=decree.pk).exists()


def test_admin_pages_render(admin):
    for url in (
        SK_LIST,
        SK_LIST + "add/",
        ACCOUNT_LIST,
        ACCOUNT_LIST + "add/",
        "/admin/snippets/registry/appointment/",
        "/admin/snippets/registry/appointment/add/",
        "/admin/snippets/registry/audiencefigure/",
        "/admin/snippets/registry/audiencefigure/add/",
        "/admin/registri/khalayak/impor/",
        "/admin/registri/pengingat/",
    ):
        assert admin.get(url).status_code == 200, url


def test_admin_listing_query_count_is_constant(admin, django_assert_max_num_queries):
    with schema_context("humas"):
        decree = make_decree()
        for i in range(3):
            make_account(decree, url=f"https://tiktok.com/@hitung{i}")
    admin.get(ACCOUNT_LIST)
    with django_assert_max_num_queries(40) as first:
        admin.get(ACCOUNT_LIST)
    with schema_context("humas"):
        for i in range(3, 9):
            make_account(decree, url=f"https://tiktok.com/@hitung{i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        admin.get(ACCOUNT_LIST)


def test_appointment_via_admin_rejects_bad_nip(admin):
    from tenants.registry.models import Appointment

    with schema_context("humas"):
        decree = make_decree()
    response = admin.post(
        "/admin/snippets/registry/appointment/add/",
        {
            "person_name": "Budi",
            "nip": "19901315201503100",
            "position": "Pranata Humas",
            "role": "petugas",
            "decree": decree.pk,
            "start_date": dt.date(2026, 2, 1).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "NIP harus 18 angka" in response.content.decode()
    with schema_context("humas"):
        assert not Appointment.objects.filter(person_name="Budi").exists()


def test_admin_edits_sk_without_new_pdf_and_account_name(admin):
    from tenants.registry.models import OfficialAccount, SuratKeputusan

    with schema_context("humas"):
        decree = make_decree(number="300/EDIT/2026")
        account = make_account(decree, url="https://instagram.com/ubahnama")
        pdf_name = decree.pdf.name
    data = _sk_post("300/EDIT/2026", "")
    data["title"] = "Judul dibetulkan"
    del data["pdf"]
    response = admin.post(SK_LIST + f"edit/{decree.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    response = admin.post(
        ACCOUNT_LIST + f"edit/{account.pk}/",
        {"url": account.url, "handle": "", "display_name": "Nama Baru", "audience_note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with schema_context("humas"):
        decree = SuratKeputusan.objects.get(pk=decree.pk)
        assert decree.title == "Judul dibetulkan" and decree.pdf.name == pdf_name
        account = OfficialAccount.objects.get(pk=account.pk)
        assert account.display_name == "Nama Baru" and account.decree_id == decree.pk


def test_admin_appointment_and_audience_and_retire(admin):
    from tenants.registry.models import Appointment, AudienceFigure, OfficialAccount

    with schema_context("humas"):
        decree = make_decree()
        account = make_account(decree, url="https://instagram.com/petugasku")
    response = admin.post(
        "/admin/snippets/registry/appointment/add/",
        {
            "person_name": "Sri Wahyuni",
            "nip": "199005152015032002",
            "position": "Pranata Humas",
            "role": "petugas",
            "accounts": [account.pk],
            "decree": decree.pk,
            "start_date": "",
            "end_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = admin.post(
        "/admin/snippets/registry/audiencefigure/add/",
        {"account": account.pk, "month": "2026-02", "followers": "1500"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = admin.post(
        f"/admin/registri/akun/{account.pk}/hentikan/", {"decree": decree.pk, "on": ""}
    )
    assert response.status_code == 302
    with schema_context("humas"):
        appointment = Appointment.objects.get(person_name="Sri Wahyuni")
        assert list(appointment.accounts.all()) == [account]
        assert AudienceFigure.objects.get(account=account).followers == 1500
        assert OfficialAccount.objects.get(pk=account.pk).status == "dihentikan"
    response = admin.post(f"/admin/registri/penunjukan/{appointment.pk}/akhiri/", {"on": ""})
    assert response.status_code == 302
    revoke = admin.post(f"/admin/registri/sk/{decree.pk}/cabut/", {"note": ""})
    assert revoke.status_code == 200  # the reason is required: shown on the form
