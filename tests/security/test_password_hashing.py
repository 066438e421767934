"""Passwords are hashed with Argon2id at OWASP's parameters (core.passwords); a hash made
before (PBKDF2, or Argon2 at Django's own parameters) still signs in and is re-hashed with ours
on that sign-in; a failed sign-in changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    identify_hasher,
)
from django_tenants.utils import schema_context

from tests.conftest import tenant_client

pytestmark = pytest.mark.django_db
PASSWORD = "sandi-lama-pbkdf2-aman"
OURS = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


def _user_with_old_hash(username: str, hasher) -> tuple:
    """A staff user of humas whose password hash was made by `hasher`: (user, that hash)."""
    with schema_context("humas"):
        user = get_user_model().objects.create_user(username, is_staff=True)
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])
    return user, user.password


def _sign_in(username: str, password: str):
    return tenant_client("humas").post(
        "/admin/login/", {"username": username, "password": password}
    )


def _stored_hash(user) -> str:
    with schema_context("humas"):
        user.refresh_from_db()
        return user.password


def test_new_passwords_are_argon2id():
    with schema_context("humas"):
        user = get_user_model().objects.create_user("petugas_baru", password=PASSWORD)
        assert user.password.startswith(OURS)
        assert identify_hasher(user.password).algorithm == "argon2"


def test_provisioned_admin_gets_an_argon2id_hash():
    from tenants.services import instansi_provision

    instansi_provision(slug="hashbaru", name="Dinas Uji Sandi", admin_password=PASSWORD)
    with schema_context("hashbaru"):
        admin = get_user_model().objects.get(username="admin")
        assert admin.password.startswith(OURS)
        assert admin.check_password(PASSWORD)


@pytest.mark.parametrize(
    "hasher, marker",
    [(PBKDF2PasswordHasher(), "pbkdf2_sha256$"), (Argon2PasswordHasher(), "m=102400")],
    ids=["pbkdf2", "argon2-django-defaults"],
)
def test_an_older_hash_signs_in_and_is_rehashed(hasher, marker):
    user, old = _user_with_old_hash(f"petugas_{marker[:6]}", hasher)
    assert marker in old
    response = _sign_in(user.username, PASSWORD)
    assert response.status_code == 302 and "/login/" not in response["Location"]
    new = _stored_hash(user)
    assert new.startswith(OURS)
    with schema_context("humas"):
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_alone():
    user, old = _user_with_old_hash("petugas_salah", PBKDF2PasswordHasher())
    assert _sign_in(user.username, "keliru-123").status_code == 200
    assert _stored_hash(user) == old
