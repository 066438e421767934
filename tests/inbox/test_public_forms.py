"""The public side: the form page on an instansi site, the portal form, receipt and tracking."""

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context

from inbox.models import Inquiry
from inbox.provisioning import create_inquiry_form_page
from tenants.models import Instansi
from tests.conftest import tenant_client

from .helpers import random_ip

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "pertanyaan",
    "body": "Bagaimana cara mengurus surat sehat?",
    "citizen_name": "Dewi",
    "citizen_contact": "dewi@example.org",
    "situs_web": "",
}


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


@pytest.fixture
def form_url(db):
    with schema_context("humas"):
        page = create_inquiry_form_page(Instansi.objects.get(schema_name="humas"))
        assert page is not None and page.live
        return page.relative_url(page.get_site())


def test_site_form_page_receipt_and_tracking(form_url):
    client = tenant_client("humas")
    page = client.get(form_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Isi pesan" in html and "Jenis pesan" in html and 'name="situs_web"' in html
    r = client.post(form_url, GOOD, follow=True)
    assert r.status_code == 200
    inquiry = Inquiry.objects.get(body=GOOD["body"])
    assert inquiry.instansi.schema_name == "humas" and inquiry.channel == "situs"
    html = r.content.decode()
    assert "Tanda terima" in html and inquiry.tracking_code in html
    assert "dewi@example.org" not in html
    # Status and (later) the reply are public by code only.
    r = client.get(f"/lacak/?code={inquiry.tracking_code.replace('-', '').lower()}")
    assert r.status_code == 302 and r["Location"].endswith(f"/lacak/{inquiry.tracking_code}/")


def test_tracking_codes_are_long_random_and_unknown_code_is_404():
    from inbox.services import new_tracking_code

    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 14 and c.count("-") == 2 for c in codes)
    client = tenant_client(None)
    assert client.get("/lacak/AAAA-BBBB-CCCC/").status_code == 404
    assert client.get("/lacak/?code=123").status_code == 400


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"body": ""}, "wajib diisi"),
        ({"body": "   "}, "wajib diisi"),
        ({"body": "x" * 5001}, "5000"),
        ({"kind": "keluhan"}, "Pilih jenis pesan: pertanyaan, komentar, kritik, atau saran."),
        ({"citizen_name": "n" * 201}, "200"),
        ({"situs_web": "http://spam.example"}, "Jangan diisi"),
    ],
)
def test_bad_form_input_is_a_form_message_and_no_row(form_url, override, message):
    client = tenant_client("humas")
    before = Inquiry.objects.count()
    r = client.post(form_url, {**GOOD, **override})
    assert r.status_code == 400
    assert message in r.content.decode()
    assert Inquiry.objects.count() == before


@override_settings(SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR=3)
def test_rate_limit_per_ip(form_url):
    client = tenant_client("humas")
    ip, other = random_ip(), random_ip()
    for n in range(3):
        r = client.post(form_url, {**GOOD, "body": f"Pesan ke-{n}"}, REMOTE_ADDR=ip)
        assert r.status_code == 302
    r = client.post(form_url, {**GOOD, "body": "Pesan ke-4"}, REMOTE_ADDR=ip)
    assert r.status_code == 400 and "Terlalu banyak pesan" in r.content.decode()
    assert not Inquiry.objects.filter(body="Pesan ke-4").exists()
    # another address is not affected
    r = client.post(form_url, {**GOOD, "body": "Dari alamat lain"}, REMOTE_ADDR=other)
    assert r.status_code == 302


def test_portal_form_dont_know_goes_to_diskominfo_and_named_instansi_directly():
    client = tenant_client(None)
    page = client.get("/tanya/")
    assert page.status_code == 200 and "Tidak tahu" in page.content.decode()
    r = client.post("/tanya/", {**GOOD, "instansi": "tidak-tahu", "body": "Siapa mengurus jalan?"})
    assert r.status_code == 302
    assert Inquiry.objects.get(body="Siapa mengurus jalan?").instansi.schema_name == "diskominfo"
    r = client.post("/tanya/", {**GOOD, "instansi": "dinkes", "body": "Jadwal posyandu?"})
    assert r.status_code == 302
    inquiry = Inquiry.objects.get(body="Jadwal posyandu?")
    assert inquiry.instansi.schema_name == "dinkes" and inquiry.channel == "portal"
    r = client.post("/tanya/", {**GOOD, "instansi": "tidakada", "body": "X"})
    assert r.status_code == 400


def test_portal_tracking_shows_reply_but_nothing_personal():
    from inbox import services

    inquiry = services.inquiry_create(
        actor=None,
        instansi=None,
        kind="pertanyaan",
        channel="portal",
        body="Pertanyaan rahasia",
        citizen_name="Joko",
        citizen_contact="0813-9999",
    )
    services.inquiry_answer(
        actor=None, instansi=inquiry.instansi, inquiry_id=inquiry.pk, answer="Jawaban publik."
    )
    html = tenant_client(None).get(f"/lacak/{inquiry.tracking_code}/").content.decode()
    assert "Jawaban publik." in html and "Dijawab langsung" in html
    assert "Joko" not in html and "0813-9999" not in html


def test_demo_step_is_idempotent_and_fills_each_state():
    from inbox.provisioning import DEMO_QUESTION, demo_form_page

    humas = Instansi.objects.get(schema_name="humas")
    with schema_context("humas"):
        demo_form_page(humas)
        demo_form_page(humas)
    assert Inquiry.objects.filter(body=DEMO_QUESTION).count() == 1
    statuses = set(
        Inquiry.objects.filter(instansi=humas, created_by_name="masyarakat").values_list(
            "status", flat=True
        )
    )
    assert {"dibalas", "dirujuk", "dijawab"} <= statuses


@override_settings(SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR=2)
def test_rate_limit_behind_one_proxy_counts_the_forwarded_client_not_a_spoofed_header(
    form_url, settings
):
    """Behind nginx every request comes from nginx's address: the limit must count the client
    nginx names, and a client cannot escape it by sending its own X-Forwarded-For."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = tenant_client("humas")
    proxy, citizen, neighbour = random_ip(), random_ip(), random_ip()
    for n in range(2):
        spoofed = f"{random_ip()}, {citizen}"  # the client's made-up entry, then nginx's
        r = client.post(
            form_url,
            {**GOOD, "body": f"Lewat proxy {n}"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=spoofed,
        )
        assert r.status_code == 302
    r = client.post(
        form_url,
        {**GOOD, "body": "Lewat proxy 3"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=f"{random_ip()}, {citizen}",
    )
    assert r.status_code == 400 and "Terlalu banyak pesan" in r.content.decode()
    # another citizen behind the same proxy is not affected
    r = client.post(
        form_url,
        {**GOOD, "body": "Tetangga lewat proxy"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=neighbour,
    )
    assert r.status_code == 302
