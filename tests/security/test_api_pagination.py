"""API list endpoints cut any `limit` to the project's ceiling (REST_FRAMEWORK's pagination)."""

import secrets

import pytest

from inbox.models import Inquiry
from tenants.api.pagination import MAX_LIMIT
from tenants.models import Instansi
from tests.inbox.helpers import api_client

pytestmark = pytest.mark.django_db


def test_a_huge_limit_is_capped():
    humas = Instansi.objects.get(schema_name="humas")
    Inquiry.objects.bulk_create(
        Inquiry(
            instansi=humas,
            kind=Inquiry.Kind.SARAN,
            channel=Inquiry.Channel.API,
            body=f"Saran {n}",
            tracking_code=secrets.token_hex(8),
        )
        for n in range(MAX_LIMIT + 5)
    )
    client = api_client("humas")
    for path in ("/api/v1/inquiries/", "/api/v1/referrals/"):
        response = client.get(f"{path}?limit=100000000")
        assert response.status_code == 200, (path, response.content[:200])
    page = client.get("/api/v1/inquiries/?limit=100000000").json()
    assert page["count"] >= MAX_LIMIT + 5
    assert len(page["results"]) == MAX_LIMIT
    assert f"limit={MAX_LIMIT}" in page["next"]
    assert len(client.get("/api/v1/inquiries/?limit=3").json()["results"]) == 3
