"""Passwords are hashed with Argon2id at OWASP's parameters (core.passwords); a PBKDF2 hash made before still signs in and is
re-hashed with Argon2id on that sign-in."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django_tenants.utils import schema_context

from tests.conftest import tenant_client

pytestmark = pytest.mark.django_db
PASSWORD = "sandi-lama-pbkdf2-aman"


def test_new_passwords_are_argon2id():
    with schema_context("humas"):
        user = get_user_model().objects.create_user("petugas_baru", password=PASSWORD)
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert identify_hasher(user.password).algorithm == "argon2"


def test_an_argon2_hash_with_other_parameters_is_rehashed_at_sign_in():
    """Django's own Argon2 parameters (100 MiB, 8 lanes) verify, then give way to ours."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    with schema_context("humas"):
        user = get_user_model().objects.create_user("petugas_argon_lama", is_staff=True)
        hasher = Argon2PasswordHasher()
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])
        assert "m=102400" in user.password
    response = tenant_client("humas").post(
        "/admin/login/", {"username": "petugas_argon_lama", "password": PASSWORD}
    )
    assert response.status_code == 302 and "/login/" not in response["Location"]
    with schema_context("humas"):
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_provisioned_admin_gets_an_argon2id_hash():
    from tenants.services import instansi_provision

    instansi_provision(slug="hashbaru", name="Dinas Uji Sandi", admin_password=PASSWORD)
    with schema_context("hashbaru"):
        admin = get_user_model().objects.get(username="admin")
        assert admin.password.startswith("argon2$argon2id$")
        assert admin.check_password(PASSWORD)


def test_an_old_pbkdf2_hash_signs_in_and_is_rehashed():
    with schema_context("humas"):
        user = get_user_model().objects.create_user("petugas_lama", is_staff=True)
        hasher = PBKDF2PasswordHasher()
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])
    client = tenant_client("humas")
    response = client.post("/admin/login/", {"username": "petugas_lama", "password": PASSWORD})
    assert response.status_code == 302 and "/login/" not in response["Location"]
    with schema_context("humas"):
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password(PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_alone():
    with schema_context("humas"):
        user = get_user_model().objects.create_user("petugas_salah", is_staff=True)
        hasher = PBKDF2PasswordHasher()
        user.password = old = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])
    client = tenant_client("humas")
    response = client.post("/admin/login/", {"username": "petugas_salah", "password": "keliru-123"})
    assert response.status_code == 200
    with schema_context("humas"):
        user.refresh_from_db()
        assert user.password == old
