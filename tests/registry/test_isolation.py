"""One instansi's decrees, files and appointments are unreachable from another's host and token."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from django_tenants.utils import schema_context

from tenants.models import Instansi
from tenants.registry import services
from tenants.registry.models import AudienceFigure
from tenants.services import api_token_create
from tests.conftest import login_client, tenant_client
from tests.registry.factories import PETUGAS_NIP, make_account, make_decree


@pytest.fixture
def humas_registry(db):
    with schema_context("humas"):
        decree = make_decree(number="RAHASIA/HUMAS/2026")
        account = make_account(decree, url="https://instagram.com/humasisolasi")
        appointment = services.appointment_create(
            actor=None,
            decree=decree,
            person_name="Petugas Humas",
            nip=PETUGAS_NIP,
            position="Pranata Humas",
            role="petugas",
            account_ids=[account.pk],
        )
    return {"decree": decree, "account": account, "appointment": appointment}


def _token(slug: str) -> str:
    _, key = api_token_create(instansi=Instansi.objects.get(schema_name=slug), name="uji")
    return key


def _api(slug: str, key: str):
    return tenant_client(slug), {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_own_token_reads_own_registry(humas_registry):
    client, auth = _api("humas", _token("humas"))
    decrees = client.get("/api/v1/registry/decrees/", **auth)
    assert decrees.status_code == 200
    assert [d["number"] for d in decrees.json()] == ["RAHASIA/HUMAS/2026"]
    pk = humas_registry["decree"].pk
    pdf = client.get(f"/api/v1/registry/decrees/{pk}/pdf", **auth)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    people = client.get("/api/v1/registry/appointments/", **auth).json()
    assert [p["nip"] for p in people] == [PETUGAS_NIP]


def test_token_of_one_instansi_is_invalid_on_anothers_host(humas_registry):
    key = _token("humas")
    client, auth = _api("dinkes", key)
    pk = humas_registry["decree"].pk
    for url in (
        "/api/v1/registry/decrees/",
        f"/api/v1/registry/decrees/{pk}/",
        f"/api/v1/registry/decrees/{pk}/pdf",
        "/api/v1/registry/appointments/",
        "/api/v1/registry/accounts/",
    ):
        assert client.get(url, **auth).status_code == 401, url


def test_other_instansi_sees_none_of_it_with_its_own_token(humas_registry):
    client, auth = _api("dinkes", _token("dinkes"))
    pk = humas_registry["decree"].pk
    assert client.get("/api/v1/registry/decrees/", **auth).json() == []
    assert client.get("/api/v1/registry/appointments/", **auth).json() == []
    assert client.get(f"/api/v1/registry/decrees/{pk}/", **auth).status_code == 404
    assert client.get(f"/api/v1/registry/decrees/{pk}/pdf", **auth).status_code == 404
    response = client.post(
        "/api/v1/registry/audience/",
        {"account": humas_registry["account"].pk, "month": "2026-02", "followers": 5},
        content_type="application/json",
        **auth,
    )
    # An API token holds no registry permission (the admin requires registry.add_audiencefigure
    # for the same action), so it is refused before any account is looked up.
    assert response.status_code == 403
    with schema_context("humas"):
        assert not AudienceFigure.objects.filter(followers=5).exists()


def _registry_api_operations(pk: int) -> list[tuple[str, str]]:
    """(method, path) of every operation the instansi registry API routes (tenants/api/urls.py)."""
    from tenants.api.urls import urlpatterns

    operations = []
    for pattern in urlpatterns:
        path = "/api/v1/" + str(pattern.pattern).replace("<int:pk>", str(pk))
        view = pattern.callback.view_class
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                operations.append((method, path))
    return operations


def test_anonymous_gets_nothing_from_the_registry_api(humas_registry):
    from tenants.registry.models import AudienceFigure

    client = tenant_client("humas")
    operations = _registry_api_operations(humas_registry["decree"].pk)
    # decrees (list, detail, PDF), accounts, appointments and the audience record, at least.
    assert len(operations) >= 6 and ("post", "/api/v1/registry/audience/") in operations
    body = {"account": humas_registry["account"].pk, "month": "2026-02", "followers": 5}
    for method, path in operations:
        if method == "get":
            response = client.get(path)
        else:
            response = getattr(client, method)(path, body, content_type="application/json")
        assert response.status_code in (401, 403), (method, path, response.status_code)
        content = response.content
        assert b"RAHASIA" not in content and b"%PDF-" not in content, (method, path)
        assert b"humasisolasi" not in content and PETUGAS_NIP.encode() not in content
    with schema_context("humas"):
        assert not AudienceFigure.objects.exists()


def test_admin_session_of_one_instansi_is_nothing_on_another(humas_registry):
    humas_admin = login_client("humas")
    pk = humas_registry["decree"].pk
    own = humas_admin.get(f"/admin/snippets/registry/suratkeputusan/inspect/{pk}/")
    assert own.status_code == 200
    # The same session cookie sent to dinkes' host is unknown there.
    stray = tenant_client("dinkes")
    stray.cookies = humas_admin.cookies
    response = stray.get(f"/admin/snippets/registry/suratkeputusan/inspect/{pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    # dinkes' own admin does not find humas' SK or appointment by id.
    dinkes_admin = login_client("dinkes")
    assert (
        dinkes_admin.get(f"/admin/snippets/registry/suratkeputusan/inspect/{pk}/").status_code
        == 404
    )
    appointment = humas_registry["appointment"].pk
    assert (
        dinkes_admin.get(f"/admin/snippets/registry/appointment/edit/{appointment}/").status_code
        == 404
    )


def test_sk_file_lives_in_its_schema_folder_and_other_hosts_cannot_serve_it(humas_registry):
    from simpul.views import tenant_media

    name = humas_registry["decree"].pdf.name
    with schema_context("humas"):
        assert humas_registry["decree"].pdf.url == f"/media/humas/{name}"
    request = RequestFactory().get(f"/media/humas/{name}")
    request.tenant = Instansi.objects.get(schema_name="dinkes")
    with pytest.raises(Http404):
        tenant_media(request, f"humas/{name}")
    request.tenant = Instansi.objects.get(schema_name="humas")
    assert tenant_media(request, f"humas/{name}").status_code == 200


def test_revoked_token_stops_working(humas_registry):
    from tenants.services import api_token_revoke

    instansi = Instansi.objects.get(schema_name="humas")
    token, key = api_token_create(instansi=instansi, name="sementara")
    client, auth = _api("humas", key)
    assert client.get("/api/v1/registry/decrees/", **auth).status_code == 200
    api_token_revoke(instansi=instansi, token_id=token.pk)
    assert client.get("/api/v1/registry/decrees/", **auth).status_code == 401
