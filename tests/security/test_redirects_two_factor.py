"""Every `next` the two-factor steps follow is a path on this host, and the gate encodes it."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.conftest import host_of, tenant_client, totp_code

pytestmark = pytest.mark.django_db

SUPER = "diskominfo"
EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]


def _enrolled_pending_client(username: str):
    from evaluation.roles import EVALUATOR_GROUP
    from tests.evaluation.factories import make_user

    user = make_user(SUPER, username, groups=[EVALUATOR_GROUP])
    with schema_context(SUPER):
        device = TOTPDevice.objects.create(user=user, name="hp", confirmed=True)
    client = tenant_client(SUPER)
    with schema_context(SUPER):
        client.force_login(user)
    return client, device


def _stays_here(location: str) -> bool:
    return url_has_allowed_host_and_scheme(location, allowed_hosts={host_of(SUPER)})


@pytest.mark.parametrize("evil", EVIL)
def test_verification_does_not_follow_a_next_to_another_host(evil):
    client, device = _enrolled_pending_client("evaluator_next")
    with schema_context(SUPER):
        code = totp_code(device)
    response = client.post(
        "/admin/keamanan/2fa/?next=" + evil.replace("/", "%2F"), {"action": "verify", "token": code}
    )
    assert response.status_code == 302
    assert _stays_here(response["Location"]), response["Location"]
    assert response["Location"] == "/admin/"


def test_verification_follows_a_next_on_this_host():
    client, device = _enrolled_pending_client("evaluator_next_ok")
    with schema_context(SUPER):
        code = totp_code(device)
    response = client.post(
        "/admin/keamanan/2fa/?next=/console/", {"action": "verify", "token": code}
    )
    assert response.status_code == 302 and response["Location"] == "/console/"


def test_the_gate_encodes_the_next_it_builds():
    """A path holding `&next=` cannot add a second `next` to the verification URL."""
    client, _ = _enrolled_pending_client("evaluator_inject")
    response = client.get("/admin/%26next=https:%2f%2fevil.example%2f")
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == "/admin/keamanan/2fa/"
    nexts = parse_qs(location.query).get("next", [])
    assert len(nexts) <= 1, nexts
    assert all(_stays_here(n) for n in nexts), nexts
    # and following the page's own form after verifying still lands on this host
    assert all(not n.startswith(("http", "//")) for n in nexts)
