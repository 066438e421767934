"""Open311 names an inquiry by its public request id; the tracking code (the citizen's key to
the answer) appears nowhere in what Open311 publishes, and the listing is throttled."""

import importlib

import pytest
from django.db import connection

from inbox import services
from inbox.models import Inquiry
from tenants.models import Instansi
from tests.conftest import tenant_client
from tests.inbox.helpers import random_ip

pytestmark = pytest.mark.django_db


def _client():
    client = tenant_client(None)
    client.defaults["REMOTE_ADDR"] = random_ip()
    return client


def _inquiry(body: str = "Kapan jalan desa diperbaiki?") -> Inquiry:
    return services.inquiry_create(
        actor=None,
        instansi=Instansi.objects.get(schema_name="dinkes"),
        kind=Inquiry.Kind.PERTANYAAN,
        channel=Inquiry.Channel.SITUS,
        body=body,
        citizen_name="Warga",
        citizen_contact="warga@example.org",
    )


def test_the_listing_and_detail_never_show_the_tracking_code():
    inquiry = _inquiry()
    assert inquiry.public_request_id and inquiry.public_request_id != inquiry.tracking_code
    client = _client()

    listing = client.get("/open311/v2/requests.json")
    assert listing.status_code == 200
    assert inquiry.tracking_code not in listing.content.decode()
    ids = {row["service_request_id"] for row in listing.json()}
    assert inquiry.public_request_id in ids

    detail = client.get(f"/open311/v2/requests/{inquiry.public_request_id}.json")
    assert detail.status_code == 200
    assert detail.json()[0]["service_request_id"] == inquiry.public_request_id
    assert inquiry.tracking_code not in detail.content.decode()

    # The tracking code is not an Open311 id: it finds nothing (no oracle for guessed codes).
    assert client.get(f"/open311/v2/requests/{inquiry.tracking_code}.json").status_code == 404
    by_code = client.get(f"/open311/v2/requests.json?service_request_id={inquiry.tracking_code}")
    assert by_code.status_code == 200 and by_code.json() == []


def test_the_sender_alone_gets_the_tracking_code_in_the_receipt():
    client = _client()
    created = client.post(
        "/open311/v2/requests.json",
        {
            "service_code": "dinkes.saran",
            "description": "Tambah tempat sampah",
            "address_string": "Taman Kota",
        },
    )
    assert created.status_code == 201
    [receipt] = created.json()
    inquiry = Inquiry.objects.get(public_request_id=receipt["service_request_id"])
    assert inquiry.tracking_code in receipt["service_notice"]
    assert inquiry.tracking_code not in client.get("/open311/v2/requests.json").content.decode()


def test_public_request_ids_are_unique_and_made_by_the_model():
    a, b = _inquiry("satu"), _inquiry("dua")
    assert a.public_request_id != b.public_request_id
    field = Inquiry._meta.get_field("public_request_id")
    assert field.unique and callable(field.default)


def test_the_migration_gives_existing_rows_an_id():
    migration = importlib.import_module("inbox.migrations.0005_inquiry_public_request_id")
    with connection.cursor() as cursor:  # rows as they were before the field (rolled back)
        cursor.execute("ALTER TABLE inbox_inquiry ALTER COLUMN public_request_id DROP NOT NULL")
    rows = [_inquiry("lama satu"), _inquiry("lama dua")]
    Inquiry.objects.filter(pk__in=[r.pk for r in rows]).update(public_request_id=None)

    from django.apps import apps

    migration.backfill(apps, None)
    ids = list(
        Inquiry.objects.filter(pk__in=[r.pk for r in rows]).values_list(
            "public_request_id", flat=True
        )
    )
    assert all(ids) and len(set(ids)) == 2


def test_the_listing_is_throttled_per_client(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/min",
        },
    }
    client = _client()
    for _ in range(3):
        assert client.get("/open311/v2/requests.json").status_code == 200
    refused = client.get("/open311/v2/requests.json")
    assert refused.status_code == 429
    assert refused.json()[0]["code"] == 429
    assert client.get("/open311/v2/requests/Rx.json").status_code == 429
    assert _client().get("/open311/v2/requests.json").status_code == 200
