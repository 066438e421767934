"""The inquiry forms' limit counts a client once for the whole regency: the portal and every
instansi host share one counter, so more hosts do not mean more messages."""

import pytest
from django_tenants.utils import schema_context

from inbox.models import Inquiry
from inbox.provisioning import create_inquiry_form_page
from tenants.models import Instansi
from tests.conftest import tenant_client
from tests.inbox.helpers import random_ip

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "pertanyaan",
    "body": "Bagaimana cara mengurus surat sehat?",
    "citizen_name": "Dewi",
    "citizen_contact": "dewi@example.org",
    "situs_web": "",
}


def _form_url(slug: str) -> str:
    with schema_context(slug):
        page = create_inquiry_form_page(Instansi.objects.get(schema_name=slug))
        return page.relative_url(page.get_site())


def test_the_form_limit_is_shared_by_every_host_of_the_regency(settings):
    settings.SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR = 3
    ip = random_ip()
    humas, dinkes = _form_url("humas"), _form_url("dinkes")

    assert (
        tenant_client("humas").post(humas, {**GOOD, "body": "satu"}, REMOTE_ADDR=ip).status_code
        == 302
    )
    assert (
        tenant_client("dinkes").post(dinkes, {**GOOD, "body": "dua"}, REMOTE_ADDR=ip).status_code
        == 302
    )
    portal = tenant_client(None).post(
        "/tanya/", {**GOOD, "instansi": "disdik", "body": "tiga"}, REMOTE_ADDR=ip
    )
    assert portal.status_code == 302

    for client, url, data in (
        (tenant_client("dinkes"), dinkes, {**GOOD, "body": "empat"}),
        (tenant_client("humas"), humas, {**GOOD, "body": "empat"}),
        (tenant_client(None), "/tanya/", {**GOOD, "instansi": "dinkes", "body": "empat"}),
    ):
        refused = client.post(url, data, REMOTE_ADDR=ip)
        assert refused.status_code == 400
        assert "Terlalu banyak pesan" in refused.content.decode()
    assert not Inquiry.objects.filter(body="empat").exists()

    # Another client is not affected.
    other = tenant_client("dinkes").post(dinkes, {**GOOD, "body": "lain"}, REMOTE_ADDR=random_ip())
    assert other.status_code == 302


def test_the_counters_are_not_keyed_by_schema():
    from django.core.cache import caches
    from django.db import connection

    key = f"uji:{random_ip()}"
    with schema_context("humas"):
        humas_key = caches["regency"].make_key(key)
    connection.set_schema_to_public()
    assert caches["regency"].make_key(key) == humas_key
    with schema_context("humas"):
        assert caches["default"].make_key(key) != humas_key
