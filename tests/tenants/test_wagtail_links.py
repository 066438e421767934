"""Links that Wagtail builds from its one global base URL point at the instansi being served."""

import pytest
from django_tenants.utils import schema_context
from wagtail.admin import utils
from wagtail.admin.templatetags import wagtailadmin_tags

pytestmark = pytest.mark.django_db


def test_admin_base_url_follows_the_schema():
    with schema_context("humas"):
        assert utils.get_admin_base_url().startswith("http://humas.localhost")
        assert wagtailadmin_tags.get_admin_base_url() == utils.get_admin_base_url()
    with schema_context("dinkes"):
        assert utils.get_admin_base_url().startswith("http://dinkes.localhost")


def test_public_schema_keeps_the_regency_base_url(settings):
    assert utils.get_admin_base_url() == settings.WAGTAILADMIN_BASE_URL


def test_provision_demo_is_idempotent(capsys):
    from django.core.management import call_command

    from tenants.models import Instansi

    call_command("provision_demo", "--no-content")
    first = set(Instansi.objects.served().values_list("schema_name", flat=True))
    call_command("provision_demo", "--no-content")
    second = set(Instansi.objects.served().values_list("schema_name", flat=True))
    assert first == second
    assert {"diskominfo", "humas", "dinkes", "disdik", "pupr", "disdukcapil"} <= second
    out = capsys.readouterr().out
    assert "http://pupr.localhost" in out and "admin / simpul-demo" in out
    assert Instansi.objects.get(schema_name="diskominfo").is_super
