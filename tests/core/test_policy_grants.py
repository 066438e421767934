"""The role groups hold the permissions the actions name: given by provisioning to the test
regency, and by the data migrations to an instansi made before them (run here again, on live
models, after taking the permissions away)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django_tenants.utils import schema_context

from core import policy
from tenants.api.authentication import ApiClient

pytestmark = pytest.mark.django_db

INBOX = ("inbox.record_inquiry", "inbox.handle_inquiry", "inbox.respond_referral")
REPORT = ("evaluation.edit_annualreport", "evaluation.submit_annualreport")


def _held(schema: str, group: str) -> set[str]:
    with schema_context(schema):
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=group).permissions.select_related("content_type")
        }


def test_provisioning_gave_the_role_groups_their_permissions():
    for schema in ("humas", "diskominfo"):
        assert set(INBOX + REPORT) <= _held(schema, "Pejabat Pengelola")
        petugas = _held(schema, "Petugas Pengelola Media Sosial")
        assert set(INBOX) | {"evaluation.edit_annualreport"} <= petugas
        assert "evaluation.submit_annualreport" not in petugas
        assert "inbox.handle_inquiry" not in _held(schema, "Editor")
    assert "evaluation.evaluate_annualreport" in _held("diskominfo", "Evaluator Diskominfo")
    with schema_context("humas"):
        assert not Group.objects.filter(name="Evaluator Diskominfo").exists()


@pytest.mark.parametrize(
    ("migration", "group", "permission"),
    [
        ("inbox.migrations.0008_inbox_permissions", "Petugas Pengelola Media Sosial", INBOX[1]),
        ("evaluation.migrations.0003_report_permissions", "Kepala Instansi", REPORT[1]),
    ],
)
def test_the_data_migration_grants_in_every_instansi_schema(migration, group, permission):
    app_label, codename = permission.split(".")
    for schema in ("humas", "dinkes"):
        with schema_context(schema):
            # As an instansi made before the permission: no row, so no grant either.
            Permission.objects.filter(content_type__app_label=app_label, codename=codename).delete()
        assert permission not in _held(schema, group)
    importlib.import_module(migration).forwards(apps, None)
    for schema in ("humas", "dinkes"):
        assert permission in _held(schema, group)


def test_an_api_token_holds_the_inbox_permissions_and_no_other():
    client = ApiClient(token=None, instansi=None)
    assert all(policy.allows(client, p) for p in INBOX)
    assert not policy.allows(client, "inbox.record_feedbackrecommendation")
    assert not policy.allows(client, "evaluation.submit_annualreport")
    assert not policy.allows(client, "registry.add_audiencefigure")
