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
    from tests.conftest import TEST_PASSWORD

    dinkes = tenant_client("dinkes")
    # humas's admin has the same username in its own schema; dinkes's user table is another.
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    with schema_context("humas"):
        get_user_model().objects.filter(username="admin").update(email="humas-only@localhost")
        user = get_user_model().objects.create_user(
            "petugas_humas", password="sandi-petugas-humas-1", is_staff=True
        )
        from django.contrib.auth.models import Permission

        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = dinkes.post(
        "/admin/login/", {"username": "petugas_humas", "password": "sandi-petugas-humas-1"}
    )
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in dinkes.session
    humas = tenant_client("humas")
    ok = humas.post(
        "/admin/login/", {"username": "petugas_humas", "password": "sandi-petugas-humas-1"}
    )
    assert ok.status_code == 302
    assert TEST_PASSWORD  # the shared admin password does not make users shared


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
