"""An inquiry received on an official account names its row of the regency-wide directory."""

import pytest
from django_tenants.utils import schema_context

from core.errors import SimpulError
from inbox import services
from inbox.models import Inquiry, InquiryEvent
from tenants.models import AccountDirectoryEntry, Instansi
from tests.conftest import login_client

from .helpers import api_client, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(settings, tmp_path):
    """Active Instagram accounts of humas and dinkes, and a retired X account of humas."""
    from tests.registry.conftest import _forget_media_root
    from tests.registry.factories import make_account, make_decree

    settings.MEDIA_ROOT = str(tmp_path / "media")
    _forget_media_root()
    from tenants.registry.services import account_retire

    with schema_context("humas"):
        decree = make_decree()
        humas = make_account(decree, url="https://instagram.com/humaskabuji")
        retired = make_account(decree, url="https://x.com/humaslamauji")
        account_retire(actor=None, account=retired, decree=decree)
    with schema_context("dinkes"):
        decree = make_decree()
        dinkes = make_account(decree, url="https://instagram.com/dinkeskabuji")
        # Registry ids are per schema: make dinkes's differ from every id humas has.
        n = 0
        while dinkes.pk in (humas.pk, retired.pk):
            n += 1
            dinkes = make_account(decree, url=f"https://instagram.com/dinkeskabuji{n}")
    yield {"humas": humas, "retired": retired, "dinkes": dinkes}
    _forget_media_root()


def _create(slug="humas", **kw):
    data = {"kind": "komentar", "channel": "akun_resmi", "body": "Unggahan jadwal posyandu bagus."}
    data.update(kw)
    return services.inquiry_create(
        actor=None, instansi=Instansi.objects.get(schema_name=slug), **data
    )


def test_service_links_the_directory_entry_and_copies_its_name(accounts):
    inquiry = _create(official_account=accounts["humas"].pk)
    inquiry = Inquiry.objects.select_related("official_account").get(pk=inquiry.pk)
    entry = inquiry.official_account
    assert isinstance(entry, AccountDirectoryEntry)
    assert entry.instansi.schema_name == "humas"
    assert entry.url == "https://instagram.com/humaskabuji"
    assert "humaskabuji" in inquiry.channel_detail
    received = inquiry.events.get(action=InquiryEvent.Action.RECEIVED)
    assert "https://instagram.com/humaskabuji" in received.text


@pytest.mark.parametrize(
    ("channel", "account", "message"),
    [
        ("akun_resmi", None, "wajib menyebut akunnya"),
        ("email", "humas", "hanya diisi untuk kanal"),
        ("akun_resmi", "dinkes", "bukan akun resmi aktif"),  # another instansi's account
        ("akun_resmi", "retired", "bukan akun resmi aktif"),
        ("akun_resmi", "abc", "bukan akun resmi aktif"),
    ],
)
def test_service_refuses_an_account_that_does_not_fit(accounts, channel, account, message):
    value = accounts[account].pk if account in accounts else account
    before = Inquiry.objects.count()
    with pytest.raises(SimpulError) as exc:
        _create(channel=channel, official_account=value)
    assert exc.value.field == "official_account"
    assert message in exc.value.message
    assert Inquiry.objects.count() == before


def test_link_survives_a_directory_rebuild(accounts):
    from tenants.registry.services import directory_rebuild

    inquiry = _create(official_account=accounts["humas"].pk)
    old_row = AccountDirectoryEntry.objects.get(instansi=inquiry.instansi, url__contains="humaskab")
    directory_rebuild(instansi=inquiry.instansi)
    new_row = AccountDirectoryEntry.objects.get(instansi=inquiry.instansi, url__contains="humaskab")
    assert new_row.pk != old_row.pk  # the rebuild rewrote the rows
    again = Inquiry.objects.select_related("official_account").get(pk=inquiry.pk)
    assert again.official_account == new_row


def test_api_create_takes_the_registry_id_and_shows_the_account(accounts):
    client = api_client("humas")
    r = post(
        client,
        "/api/v1/inquiries/",
        {
            "kind": "pertanyaan",
            "channel": "akun_resmi",
            "official_account": accounts["humas"].pk,
            "body": "Kapan posyandu buka?",
        },
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["official_account"]["id"] == accounts["humas"].pk
    assert data["official_account"]["url"] == "https://instagram.com/humaskabuji"
    assert data["official_account"]["status"] == "aktif"
    received = next(e for e in data["events"] if e["action"] == "diterima")
    assert "humaskabuji" in received["text"]
    listed = client.get("/api/v1/inquiries/").json()["results"]
    assert listed[0]["official_account"]["id"] == accounts["humas"].pk


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"channel": "akun_resmi"}, "wajib menyebut akunnya"),
        ({"channel": "akun_resmi", "official_account": "dinkes"}, "bilangan bulat"),
        ({"channel": "akun_resmi", "official_account": -3}, "positif"),
        ({"channel": "akun_resmi", "official_account": "other"}, "bilangan bulat"),
        ({"channel": "akun_resmi", "official_account": "ACCOUNT:dinkes"}, "bukan akun resmi"),
        ({"channel": "akun_resmi", "official_account": "ACCOUNT:retired"}, "bukan akun resmi"),
        ({"channel": "telepon", "official_account": "ACCOUNT:humas"}, "hanya diisi"),
    ],
)
def test_api_create_refuses_a_wrong_account_with_a_field_message(accounts, payload, message):
    payload = dict(payload)
    value = payload.get("official_account")
    if isinstance(value, str) and value.startswith("ACCOUNT:"):
        payload["official_account"] = accounts[value.removeprefix("ACCOUNT:")].pk
    before = Inquiry.objects.count()
    r = post(api_client("humas"), "/api/v1/inquiries/", {"kind": "saran", "body": "Isi", **payload})
    assert r.status_code == 400, r.content
    errors = r.json()["official_account"]
    text = errors if isinstance(errors, str) else " ".join(errors)
    assert message in text
    assert Inquiry.objects.count() == before


def test_record_form_offers_own_active_accounts_and_shows_the_link(accounts):
    client = login_client("humas")
    page = client.get("/admin/kotak-masuk/catat/").content.decode()
    assert "humaskabuji" in page
    assert "humaslamauji" not in page  # retired
    assert "dinkeskabuji" not in page  # another instansi's
    r = client.post(
        "/admin/kotak-masuk/catat/",
        {
            "channel": "akun_resmi",
            "official_account": str(accounts["humas"].pk),
            "kind": "kritik",
            "body": "Balasan di Instagram lambat",
        },
    )
    assert r.status_code == 302
    inquiry = Inquiry.objects.get(body="Balasan di Instagram lambat")
    assert inquiry.official_account_ref == accounts["humas"].pk
    detail = client.get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/").content.decode()
    account_row = detail.split('data-testid="official-account"')[1].split("</dd>")[0]
    assert "https://instagram.com/humaskabuji" in account_row and "SK " in account_row
    timeline = detail.split("Riwayat")[-1]
    assert "humaskabuji" in timeline


def test_record_form_explains_a_missing_or_foreign_account(accounts):
    client = login_client("humas")
    before = Inquiry.objects.count()
    r = client.post(
        "/admin/kotak-masuk/catat/",
        {"channel": "akun_resmi", "official_account": "", "kind": "kritik", "body": "Isi"},
    )
    assert r.status_code == 200
    assert "wajib menyebut akunnya" in r.content.decode()
    r = client.post(
        "/admin/kotak-masuk/catat/",
        {
            "channel": "akun_resmi",
            "official_account": str(accounts["dinkes"].pk),
            "kind": "kritik",
            "body": "Isi",
        },
    )
    assert r.status_code == 200
    assert Inquiry.objects.count() == before
