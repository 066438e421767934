"""The API token screen: superusers of the instansi list, create (key once) and revoke."""

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from tenants.models import ApiToken
from tests.conftest import TEST_PASSWORD, login_client, tenant_client


def test_superuser_creates_sees_key_once_and_revokes(db):
    admin = login_client("humas")
    assert admin.get("/admin/token-api/").status_code == 200
    response = admin.post("/admin/token-api/", {"name": "Dasbor"})
    html = response.content.decode()
    assert response.status_code == 200 and "hanya ditampilkan sekali" in html
    token = ApiToken.objects.get(instansi__schema_name="humas", name="Dasbor")
    key = html.split('id="new-token-key">')[1].split("<")[0]
    assert key.startswith("smp_humas_")
    listing = admin.get("/admin/token-api/").content.decode()
    assert "Dasbor" in listing and key not in listing
    api = tenant_client("humas")
    assert (
        api.get("/api/v1/registry/decrees/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    )
    assert admin.post(f"/admin/token-api/{token.pk}/cabut/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        api.get("/api/v1/registry/decrees/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    )


def test_empty_name_is_refused(db):
    response = login_client("humas").post("/admin/token-api/", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(instansi__schema_name="humas").exists()


def test_non_superuser_is_refused(db):
    with schema_context("humas"):
        get_user_model().objects.create_user(
            username="editor", password=TEST_PASSWORD, is_staff=True
        )
    editor = login_client("humas", "editor")
    assert editor.get("/admin/token-api/").status_code in (302, 403)
    assert editor.post("/admin/token-api/", {"name": "x"}).status_code in (302, 403)


def test_cannot_revoke_another_instansis_token(db):
    from tenants.models import Instansi
    from tenants.services import api_token_create

    token, _ = api_token_create(instansi=Instansi.objects.get(schema_name="dinkes"), name="d")
    login_client("humas").post(f"/admin/token-api/{token.pk}/cabut/")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_last_use_is_recorded_to_the_minute(db):
    from datetime import timedelta

    from tenants.api.authentication import LAST_USED_PRECISION
    from tenants.models import Instansi
    from tenants.services import api_token_create

    token, key = api_token_create(instansi=Instansi.objects.get(schema_name="humas"), name="Menit")
    api = tenant_client("humas")

    def call():
        response = api.get("/api/v1/registry/decrees/", HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 200
        token.refresh_from_db()
        return token.last_used_at

    first = call()
    assert first is not None
    assert call() == first  # within the minute: not written again
    earlier = first - LAST_USED_PRECISION - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert call() > earlier
