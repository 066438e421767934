"""Isolation matrix, generated from the URL configuration and the OpenAPI schema.

For every route of both urlconfs and every API operation, requests made as (a) anonymous,
(b) a user of instansi A (dinkes), (c) A's API token, (d) a user of the super-tenant
(diskominfo), against instansi B (humas) and B's resources, are refused — except the routes
listed in `urlmatrix.PUBLIC_BY_DESIGN` with their reasons. A route in no class fails the suite.
"""

import pytest
from django_tenants.utils import schema_context

from tenants.models import Instansi
from tenants.services import api_token_create
from tests.conftest import login_client, tenant_client
from tests.isolation import urlmatrix

pytestmark = pytest.mark.django_db

REFUSED = {301, 302, 401, 403, 404, 405}


def _token(slug: str) -> str:
    _, key = api_token_create(
        instansi=Instansi.objects.get(schema_name=slug), name=f"matriks-{slug}"
    )
    return key


def _with_session_of(other: str, on: str):
    """A client on `on`'s host carrying the session cookie of a logged-in user of `other`."""
    foreign = login_client(other)
    client = tenant_client(on)
    client.cookies["sessionid"] = foreign.cookies["sessionid"].value
    return client


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login" in response.get("Location", "")


def test_every_route_is_classified():
    unclassified = [
        f"{route.urlconf}: {route.route} ({route.name})"
        for conf in (urlmatrix.PUBLIC_URLCONF, urlmatrix.TENANT_URLCONF)
        for route in urlmatrix.iter_routes(conf)
        if urlmatrix.classify(route) is None
    ]
    assert not unclassified, "routes without an isolation class:\n" + "\n".join(unclassified)


def test_every_classified_name_still_exists():
    """The lists do not keep names of routes that are gone (they would hide a typo)."""
    names = {
        (r.urlconf, r.name)
        for conf in (urlmatrix.PUBLIC_URLCONF, urlmatrix.TENANT_URLCONF)
        for r in urlmatrix.iter_routes(conf)
    }
    assert set(urlmatrix.PUBLIC_BY_DESIGN) <= names
    assert {(urlmatrix.TENANT_URLCONF, n) for n in urlmatrix.TENANT_API} <= names


def test_openapi_operations_are_all_in_the_matrix():
    schema = tenant_client("humas").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    api_samples = {r.route for r in urlmatrix.routes_of("api")} | {"api/v1/"}
    import re

    for path in schema["paths"]:
        route = re.sub(r"\{[^}]+\}", "<>", path.lstrip("/"))
        assert any(re.sub(r"<[^>]+>", "<>", r) == route for r in api_samples), (
            f"{path} not in the matrix"
        )


ADMIN_ROUTES = urlmatrix.routes_of("admin")
API_ROUTES = urlmatrix.routes_of("api")
CONSOLE_ROUTES = urlmatrix.routes_of("console")


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=lambda r: r.name or r.route)
def test_admin_refuses_anonymous_and_other_instansi_sessions(route):
    strangers = {
        "anonymous": tenant_client("humas"),
        "user of dinkes": _with_session_of("dinkes", "humas"),
        "user of diskominfo": _with_session_of("diskominfo", "humas"),
    }
    for who, client in strangers.items():
        for method in ("get", "post"):
            response = getattr(client, method)(route.sample)
            assert response.status_code in REFUSED, (
                f"{who} {method.upper()} {route.sample}: {response.status_code}"
            )
            if response.status_code == 302:
                assert _is_login_redirect(response), (
                    f"{who} {route.sample} → {response['Location']}"
                )


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
def test_api_refuses_anonymous_foreign_tokens_and_foreign_sessions(route):
    dinkes_token, super_token = _token("dinkes"), _token("diskominfo")
    callers = {
        "anonymous": tenant_client("humas"),
        "token of dinkes": tenant_client("humas"),
        "token of diskominfo": tenant_client("humas"),
        "user of dinkes": _with_session_of("dinkes", "humas"),
        "user of diskominfo": _with_session_of("diskominfo", "humas"),
    }
    callers["token of dinkes"].defaults["HTTP_AUTHORIZATION"] = f"Token {dinkes_token}"
    callers["token of diskominfo"].defaults["HTTP_AUTHORIZATION"] = f"Token {super_token}"
    for who, client in callers.items():
        for method in ("get", "post"):
            response = getattr(client, method)(route.sample, {}, content_type="application/json")
            assert response.status_code in {401, 403, 404, 405}, (
                f"{who} {method.upper()} {route.sample}: {response.status_code}"
            )
            if response.status_code in (401, 403) and response.get("Content-Type", "").startswith(
                "application/json"
            ):
                assert "detail" in response.json()


@pytest.mark.parametrize("route", CONSOLE_ROUTES, ids=lambda r: r.name)
def test_console_is_absent_on_instansi_hosts_and_closed_to_strangers(route):
    # On an ordinary instansi host the console does not exist, whoever asks, however.
    for client in (tenant_client("humas"), login_client("humas")):
        for method in ("get", "post"):
            assert getattr(client, method)(route.sample).status_code == 404, (method, route.sample)
    # On Diskominfo's host a stranger (anonymous or a session of another instansi) is refused.
    for client in (tenant_client("diskominfo"), _with_session_of("humas", "diskominfo")):
        response = client.get(route.sample)
        assert response.status_code in REFUSED, f"{route.sample}: {response.status_code}"
        assert response.status_code != 200


# --- B's resources through A's own credentials -------------------------------------------------


@pytest.fixture
def resources_of_humas(instansi):
    """Public-schema resources that belong to humas (and disdik), none to dinkes."""
    from inbox import services as inbox

    humas, disdik = instansi["humas"], instansi["disdik"]
    with schema_context("humas"):
        private = inbox.inquiry_create(
            actor=None,
            instansi=humas,
            kind="pertanyaan",
            channel="situs",
            body="Kapan jadwal vaksinasi di kecamatan kami?",
            citizen_name="Siti Rahmawati",
            citizen_contact="siti@example.org",
        )
        referred = inbox.inquiry_create(
            actor=None,
            instansi=humas,
            kind="kritik",
            channel="situs",
            body="Sekolah kami rusak parah.",
            citizen_name="Budi",
            citizen_contact="0812000111",
        )
        inbox.inquiry_refer(
            actor=None,
            instansi=humas,
            inquiry_id=referred.pk,
            to_instansi=disdik,
            note="kewenangan pendidikan",
        )
    referral = referred.referrals.get()
    return {"inquiry": private, "referred": referred, "referral": referral}


def test_token_of_another_instansi_on_its_own_host_cannot_touch_humas_inquiries(resources_of_humas):
    client = tenant_client("dinkes")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {_token('dinkes')}"
    inquiry, referral = resources_of_humas["inquiry"], resources_of_humas["referral"]
    for path in (f"/api/v1/inquiries/{inquiry.pk}/", f"/api/v1/referrals/{referral.pk}/"):
        assert client.get(path).status_code == 404, path
    for action in ("answer", "refer", "reply", "close", "topics"):
        response = client.post(
            f"/api/v1/inquiries/{inquiry.pk}/{action}/",
            {"answer": "x", "reply": "x", "to_instansi": "disdik", "topics": ["x"]},
            content_type="application/json",
        )
        assert response.status_code in {403, 404}, (action, response.status_code)
    for action in ("answer", "decline"):
        response = client.post(
            f"/api/v1/referrals/{referral.pk}/{action}/",
            {"answer": "x", "reason": "x"},
            content_type="application/json",
        )
        assert response.status_code in {403, 404}, (action, response.status_code)
    listing = (
        client.get("/api/v1/inquiries/").content.decode()
        + client.get("/api/v1/referrals/").content.decode()
    )
    assert (
        "Siti Rahmawati" not in listing
        and "vaksinasi" not in listing
        and "Sekolah kami" not in listing
    )
    inquiry.refresh_from_db()
    assert inquiry.status == inquiry.Status.RECEIVED


def test_super_tenant_token_sees_no_other_instansi_inquiry(resources_of_humas):
    client = tenant_client("diskominfo")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {_token('diskominfo')}"
    assert client.get(f"/api/v1/inquiries/{resources_of_humas['inquiry'].pk}/").status_code == 404


def test_referred_instansi_sees_the_referral_but_not_the_citizen(resources_of_humas):
    client = tenant_client("disdik")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {_token('disdik')}"
    response = client.get(f"/api/v1/referrals/{resources_of_humas['referral'].pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sekolah kami rusak parah" in body
    assert "0812000111" not in body and "Budi" not in body


def test_media_of_another_schema_is_refused():
    assert tenant_client("dinkes").get("/media/humas/images/x.png").status_code == 404
    assert tenant_client("dinkes").get("/media/../humas/x").status_code == 404
