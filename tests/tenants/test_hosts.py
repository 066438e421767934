"""Requests are routed by host: each instansi its own site, the portal on the base domain."""

import pytest

from tests.conftest import login_client, tenant_client

pytestmark = pytest.mark.django_db


def test_each_host_shows_its_own_home_page():
    humas = tenant_client("humas").get("/")
    dinkes = tenant_client("dinkes").get("/")
    assert humas.status_code == 200 and dinkes.status_code == 200
    assert "Bagian Humas dan Protokol Setda" in humas.content.decode()
    assert "Dinas Kesehatan" not in humas.content.decode()
    assert "Dinas Kesehatan" in dinkes.content.decode()


def test_unknown_host_gets_the_404_page():
    response = tenant_client("tidakada").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Halaman tidak ditemukan" in body
    assert "Tidak ada situs instansi yang aktif di alamat ini" in body


def test_host_outside_the_regency_is_refused_not_crashed():
    from django.test import Client

    response = Client(HTTP_HOST="evil.example.com").get("/")
    assert response.status_code in (400, 404)


def test_template_schema_is_never_served():
    assert tenant_client("simpul_template").get("/").status_code == 404


def test_portal_lists_active_instansi_with_links(portal_client):
    body = portal_client.get("/").content.decode()
    assert "http://humas.localhost" in body and "Dinas Kesehatan" in body
    assert "simpul_template" not in body


def test_admin_is_served_in_indonesian():
    response = tenant_client("humas").get("/admin/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="id"' in body
    # Wagtail's own strings, from the merged Indonesian catalogue in locale/id/.
    assert "Masuk" in body and "Sign in" not in body


def test_api_root_and_openapi_on_tenant_host():
    client = tenant_client("humas")
    root = client.get("/api/v1/")
    assert root.status_code == 200 and root.json()["slug"] == "humas"
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert all(p.startswith("/api/v1/") for p in schema.json()["paths"])
    assert client.get("/api/docs/").status_code == 200


def test_admin_of_one_instansi_cannot_log_into_another():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django_tenants.utils import schema_context

    from tests.conftest import TEST_PASSWORD

    # Every test instansi's admin is called "admin" with TEST_PASSWORD; give humas's admin a
    # password of its own, so a login that works on dinkes can only be humas's user leaking.
    humas_password = "sandi-admin-humas-saja-1"
    with schema_context("humas"):
        humas_admin = get_user_model().objects.get(username="admin")
        humas_admin.set_password(humas_password)
        humas_admin.save()
        petugas = get_user_model().objects.create_user(
            "petugas_humas", password="sandi-petugas-humas-1", is_staff=True
        )
        petugas.user_permissions.add(Permission.objects.get(codename="access_admin"))
    with schema_context("dinkes"):
        assert not get_user_model().objects.get(username="admin").check_password(humas_password)

    for username, password in (
        ("admin", humas_password),
        ("petugas_humas", "sandi-petugas-humas-1"),
    ):
        dinkes = tenant_client("dinkes")
        refused = dinkes.post("/admin/login/", {"username": username, "password": password})
        assert refused.status_code == 200, username  # the form again, with an error
        assert "_auth_user_id" not in dinkes.session
        assert dinkes.get("/admin/").status_code == 302
        # The same credentials do sign in on humas's own host.
        humas = tenant_client("humas")
        ok = humas.post("/admin/login/", {"username": username, "password": password})
        assert ok.status_code == 302 and "/login/" not in ok["Location"], username
        assert humas.get("/admin/").status_code == 200

    # humas's admin session, signed in through the form, is unknown on dinkes's host.
    humas = tenant_client("humas")
    humas.post("/admin/login/", {"username": "admin", "password": humas_password})
    stray = tenant_client("dinkes")
    stray.cookies["sessionid"] = humas.cookies["sessionid"].value
    response = stray.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # dinkes's own admin still signs in with its own (shared test) password.
    own = tenant_client("dinkes").post(
        "/admin/login/", {"username": "admin", "password": TEST_PASSWORD}
    )
    assert own.status_code == 302 and "/login/" not in own["Location"]


def test_session_cookie_of_one_host_is_not_accepted_on_another():
    humas = login_client("humas")
    assert humas.get("/admin/").status_code == 200
    cookie = humas.cookies["sessionid"].value
    dinkes = tenant_client("dinkes")
    dinkes.cookies["sessionid"] = cookie
    response = dinkes.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_session_cookie_is_host_only():
    from django.conf import settings

    assert settings.SESSION_COOKIE_DOMAIN is None and settings.CSRF_COOKIE_DOMAIN is None
    from tests.conftest import TEST_PASSWORD

    response = tenant_client("humas").post(
        "/admin/login/", {"username": "admin", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["domain"] == ""
    assert response.cookies["sessionid"]["httponly"] is True


def test_english_browser_still_gets_indonesian_but_the_language_cookie_wins():
    client = tenant_client("humas")
    body = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Masuk" in body
    client.cookies["django_language"] = "en"
    assert "Sign in" in client.get("/admin/login/").content.decode()
