"""The console answers only on Diskominfo's host, only to its evaluators."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_tenants.utils import schema_context

from evaluation.roles import EVALUATOR_GROUP
from tests.conftest import login_client, tenant_client

from .factories import logged_in, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["humas", "dinkes", "disdik"])
def test_console_is_404_on_every_other_host(slug):
    assert tenant_client(slug).get("/console/").status_code == 404
    if slug:
        # Even an instansi's own superuser gets a 404 there.
        assert login_client(slug).get("/console/").status_code == 404


def test_console_is_404_on_the_portal():
    assert tenant_client(None).get("/console/").status_code == 404


def test_anonymous_user_is_sent_to_login():
    response = tenant_client("diskominfo").get("/console/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_diskominfo_user_without_the_group_is_forbidden():
    user = make_user("diskominfo", "staf1")
    response = logged_in("diskominfo", user).get("/console/")
    assert response.status_code == 403
    assert "Evaluator Diskominfo" in response.content.decode()


def test_evaluator_group_member_and_superuser_may_use_it():
    with schema_context("diskominfo"):
        from django.contrib.auth.models import Group

        assert Group.objects.filter(name=EVALUATOR_GROUP).exists()  # provisioning step
    evaluator = make_user("diskominfo", "evaluator1", groups=[EVALUATOR_GROUP])
    response = logged_in("diskominfo", evaluator).get("/console/")
    assert response.status_code == 200
    assert "Semua instansi" in response.content.decode()
    assert login_client("diskominfo").get("/console/").status_code == 200
    # Onboarding is for platform admins (superusers) only.
    assert logged_in("diskominfo", evaluator).get("/console/instansi/baru/").status_code == 403
    assert login_client("diskominfo").get("/console/instansi/baru/").status_code == 200


def test_evaluator_group_exists_only_in_super_tenants():
    for slug in ("humas", "dinkes"):
        with schema_context(slug):
            from django.contrib.auth.models import Group

            assert not Group.objects.filter(name=EVALUATOR_GROUP).exists()


def test_console_menu_item_only_for_evaluators():
    assert "/console/" in login_client("diskominfo").get("/admin/").content.decode()
    assert 'href="/console/"' not in login_client("humas").get("/admin/").content.decode()


def test_post_only_console_routes_are_404_elsewhere_too():
    for path in (
        "/console/pekerjaan/",
        "/console/instansi/humas/perbarui/",
        "/console/laporan/1/mulai/",
    ):
        assert tenant_client("humas").get(path).status_code == 404
        assert tenant_client("humas").post(path).status_code == 404
    assert login_client("diskominfo").get("/console/pekerjaan/").status_code == 405


def test_evaluator_signs_in_and_reaches_the_console_from_the_admin(instansi):
    from evaluation.roles import create_evaluator_group

    with schema_context("diskominfo"):
        create_evaluator_group(instansi["diskominfo"], None)
    evaluator = make_user("diskominfo", "evaluator3", groups=[EVALUATOR_GROUP])
    client = tenant_client("diskominfo")
    response = client.post(
        "/admin/login/?next=/console/",
        {"username": "evaluator3", "password": "uji-sandi-kuat-2026"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/console/")
    # Evaluators must use two-factor sign-in: the first visit enrols an authenticator.
    first = client.get("/console/")
    assert first.status_code == 302 and "/admin/keamanan/2fa/" in first["Location"]
    setup = client.get("/admin/keamanan/2fa/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', setup).group(1)
    code = f"{TOTP(b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"
    # a password alone does not enrol: the code from a Diskominfo superuser is needed too
    assert (
        client.post("/admin/keamanan/2fa/", {"action": "confirm", "token": code}).status_code == 400
    )
    from tenants.access.services import enrolment_code_issue

    with schema_context("diskominfo"):
        enrolment = enrolment_code_issue(user=evaluator, actor=None)
    confirmed = client.post(
        "/admin/keamanan/2fa/?next=/console/",
        {"action": "confirm", "token": code, "enrolment_code": enrolment},
    )
    assert confirmed.status_code == 302 and confirmed["Location"] == "/console/"
    assert client.get("/console/").status_code == 200
    admin_home = client.get("/admin/")
    assert admin_home.status_code == 200 and "/console/" in admin_home.content.decode()
    assert evaluator.pk
