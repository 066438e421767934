"""Admin screens: SOPs from templates, editing with bad input, assignments, compliance, notices."""

import re

import pytest
from django.db import connection

from sop import services
from sop.models import Notification, Sop
from sop.tasks import sweep_deadlines_instansi
from tests.conftest import login_client

from .test_services_flow import act, new_assignment, submit


@pytest.fixture
def back_to_humas(instansi):
    def _set():
        connection.set_tenant(instansi["humas"])

    return _set


def _public():
    connection.set_schema_to_public()


def test_create_from_template_and_activate_from_the_admin(people, humas_admin, back_to_humas):
    _public()
    response = humas_admin.post("/admin/sop/", {"template": "sintang"})
    assert response.status_code == 302
    pk = int(re.search(r"/admin/sop/(\d+)/", response["Location"]).group(1))
    detail = humas_admin.get(f"/admin/sop/{pk}/")
    assert "Berlakukan SOP" in detail.content.decode()
    humas_admin.post(f"/admin/sop/{pk}/berlakukan/")
    back_to_humas()
    assert Sop.objects.get(pk=pk).status == Sop.Status.AKTIF
    _public()
    bad = humas_admin.post("/admin/sop/", {"template": "tidak-ada"}, follow=True)
    assert "Templat &#x27;tidak-ada&#x27; tidak dikenal" in bad.content.decode()


def test_edit_with_zero_minutes_shows_the_message_and_keeps_the_sop(
    sintang, humas_admin, back_to_humas
):
    steps = services.steps_as_input(sintang)
    form = {"rows": str(len(steps)), "title": sintang.title, "decree": ""}
    for i, step in enumerate(steps):
        for field, value in step.items():
            form[f"step-{i}-{field}"] = value.pk if field == "role" else value
    form["step-2-standard_minutes"] = "0"
    _public()
    assert humas_admin.get(f"/admin/sop/{sintang.pk}/ubah/").status_code == 200
    response = humas_admin.post(f"/admin/sop/{sintang.pk}/ubah/", form)
    assert response.status_code == 400
    assert "Langkah 3: waktu harus lebih dari 0 menit" in response.content.decode()
    form["step-2-standard_minutes"] = "10"
    response = humas_admin.post(f"/admin/sop/{sintang.pk}/ubah/", form)
    assert response.status_code == 302
    back_to_humas()
    new = Sop.objects.get(lineage=sintang.lineage, version=2)
    assert new.status == Sop.Status.AKTIF and new.steps.get(order=3).standard_minutes == 10


def test_staff_cannot_manage_sops(sintang, people, back_to_humas):
    _public()
    staf = login_client("humas", "staf")
    for response in (
        staf.get(f"/admin/sop/{sintang.pk}/ubah/"),
        staf.post(f"/admin/sop/{sintang.pk}/cabut/"),
    ):
        # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert staf.get(f"/admin/sop/{sintang.pk}/").status_code == 200  # everyone sees the matrix
    back_to_humas()
    assert Sop.objects.get(pk=sintang.pk).status == Sop.Status.AKTIF


def test_assignment_screens_and_the_item_shows_its_clock(sintang, people, back_to_humas):
    _public()
    kasubbag = login_client("humas", "kasubbag")
    bad = kasubbag.post("/admin/sop/penugasan/", {"event": "", "place": "", "event_at": "x"})
    assert bad.status_code == 400 and "Periksa isian penugasan" in bad.content.decode()
    response = kasubbag.post(
        "/admin/sop/penugasan/",
        {
            "event": "Rapat paripurna",
            "place": "Gedung DPRD",
            "event_at": "2026-03-02T09:00",
            "assignee": people["staf"].pk,
            "nota_dinas": "ND/9/2026",
        },
    )
    assert response.status_code == 302
    detail_url = response["Location"]
    staf = login_client("humas", "staf")
    assert "make-draft" in staf.get(detail_url).content.decode()
    assert "make-draft" not in kasubbag.get(detail_url).content.decode()
    drafted = staf.post(detail_url + "draf/")
    assert re.search(r"/admin/pages/\d+/edit/$", drafted["Location"])
    editor = staf.get(drafted["Location"])
    assert "Penugasan liputan “Rapat paripurna”" in editor.content.decode()
    assert 'name="action-publish"' not in editor.content.decode()
    page = kasubbag.get(detail_url)
    assert page.content.decode().count('data-state="selesai"') == 1  # step 1 done


def test_compliance_dashboard_and_notifications(sintang, people, clock, back_to_humas):
    assignment = new_assignment(people)
    clock.advance(minutes=30)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    clock.advance(minutes=30)
    submit(page, people["staf"])
    clock.advance(minutes=9)  # the Kasubbag's 5-minute correction runs over...
    sweep_deadlines_instansi.run("humas")  # beat's message for humas: the Kasubbag is told
    sweep_deadlines_instansi.run("humas")  # once, however often it runs
    assert Notification.objects.filter(level=100, recipient=people["kasubbag"]).count() == 1
    act(page, people["kasubbag"], "approve")
    _public()
    client = login_client("humas", "kasubbag")
    report = client.get("/admin/sop/kepatuhan/?dari=2026-03-01&sampai=2026-03-31").content.decode()
    assert "Langkah selesai: 3; sesuai standar: 2" in report
    assert "Kasubbag" in report and "Staf" in report
    assert client.get("/admin/sop/kepatuhan/?dari=kemarin").status_code == 200
    notices = client.get("/admin/sop/notifikasi/").content.decode()
    assert "melewati batas waktu" in notices
    back_to_humas()
    notice = Notification.objects.get(level=100, recipient=people["kasubbag"])
    _public()
    client.post("/admin/sop/notifikasi/", {"id": notice.pk})
    back_to_humas()
    notice.refresh_from_db()
    assert notice.read_at is not None
