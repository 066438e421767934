"""Periodic reminders: flagged to the instansi, readable by Diskominfo, resolved once fixed."""

import datetime as dt

from django.conf import settings
from django_tenants.utils import schema_context

from tenants.models import Instansi, RegistryReminder
from tenants.registry import services
from tenants.registry.selectors import reminder_counts_by_instansi, reminder_list_open
from tenants.registry.tasks import registry_reminders
from tests.conftest import login_client
from tests.registry.factories import PETUGAS_NIP, make_account, make_decree

TODAY = dt.date(2026, 7, 15)


def _setup_problems():
    decree = make_decree()
    account = make_account(decree, url="https://instagram.com/pengingat")
    appointment = services.appointment_create(
        actor=None,
        decree=decree,
        person_name="Sri",
        nip=PETUGAS_NIP,
        position="Pranata Humas",
        role="petugas",
        end_date=dt.date(2026, 6, 30),
    )
    return decree, account, appointment


def test_reminders_are_flagged_and_resolved(db):
    humas = Instansi.objects.get(schema_name="humas")
    with schema_context("humas"):
        decree, account, appointment = _setup_problems()
        counts = services.reminders_refresh(instansi=humas, today=TODAY)
    assert counts == {"akun_tanpa_sk": 0, "penunjukan_lewat": 1, "khalayak_kosong": 1}
    open_kinds = sorted(r.kind for r in reminder_list_open(instansi=humas))
    assert open_kinds == ["khalayak_kosong", "penunjukan_lewat"]

    with schema_context("humas"):
        # Running again does not duplicate; revoking the SK adds the missing-SK reminder.
        services.decree_revoke(actor=None, decree=decree, note="Dicabut")
        services.reminders_refresh(instansi=humas, today=TODAY)
        assert reminder_list_open(instansi=humas).count() == 3
        # Fixing the problems resolves their reminders.
        services.audience_record(actor=None, account=account, month="2026-06", followers=9)
        services.appointment_end(actor=None, appointment=appointment, on=dt.date(2026, 6, 30))
        services.reminders_refresh(instansi=humas, today=TODAY)
    assert [r.kind for r in reminder_list_open(instansi=humas)] == ["akun_tanpa_sk"]
    assert RegistryReminder.objects.filter(instansi=humas, resolved_at__isnull=False).count() == 2
    assert reminder_counts_by_instansi() == {"humas": {"akun_tanpa_sk": 1}}


def test_task_visits_every_instansi_and_diskominfo_sees_all(db):
    with schema_context("dinkes"):
        _setup_problems()
    # What the daily fan-out (registry_reminders_all) sends: one task per active instansi.
    results = {
        schema: registry_reminders.apply(args=(schema,)).get()
        for schema in Instansi.objects.active().values_list("schema_name", flat=True)
    }
    assert {"humas", "dinkes", "disdik", "diskominfo"} <= set(results)
    assert results["dinkes"]["penunjukan_lewat"] == 1
    console = login_client("diskominfo").get("/admin/registri/pengingat/")
    assert console.status_code == 200
    html = console.content.decode()
    assert "Dinas Kesehatan" in html and "semua instansi" in html
    own = login_client("humas").get("/admin/registri/pengingat/").content.decode()
    assert "Dinas Kesehatan" not in own


def test_beat_schedule_has_the_daily_check():
    entry = settings.CELERY_BEAT_SCHEDULE["registry-reminders"]
    assert entry["task"] == "tenants.registry.tasks.registry_reminders_all"
