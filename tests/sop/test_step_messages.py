"""After each SOP step: a line saying what was done and who acts next, and a notice to them."""

from django.db import connection

from core.models import OutboxMessage
from sop import services
from sop.models import Notification
from tests.conftest import login_client

from .test_services_flow import act, new_assignment, submit


def _turns(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, level=Notification.Level.GILIRAN)
        .order_by("pk")
        .values_list("subject", flat=True)
    )


def test_each_step_says_what_is_done_and_who_is_next(sintang, people, clock):
    assignment = new_assignment(people)
    assert services.step_message(assignment) == (
        "Penugasan liputan diberikan kepada Staf. Berikutnya: Staf membuat draf berita dari "
        "penugasan (langkah 1, standar 1 jam)."
    )
    assert _turns(people["staf"]) == [
        "Giliran Anda: langkah 1 · Rapat koordinasi percepatan penurunan stunting"
    ]
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    assert services.step_message(assignment) == (
        "Langkah 1 selesai: penugasan liputan diberikan. Berikutnya: Staf "
        "(Staf Fungsional Umum) menyusun draf berita lalu mengirimnya untuk koreksi "
        "(standar 1 jam)."
    )
    submit(page, people["staf"])
    assert services.step_message(assignment) == (
        "Langkah 2 selesai: draf diajukan untuk koreksi. Berikutnya: Kasubbag Humas, Peliputan "
        "dan Pemberitaan mengoreksi draf (standar 5 menit)."
    )
    assert len(_turns(people["kasubbag"])) == 1
    act(page, people["kasubbag"], "approve")
    assert services.step_message(assignment) == (
        "Langkah 3 selesai: draf disetujui Kasubbag Humas, Peliputan dan Pemberitaan. "
        "Berikutnya: Kabag Humas dan Protokol mengoreksi draf (standar 5 menit)."
    )
    assert len(_turns(people["kabag"])) == 1
    act(page, people["kabag"], "approve")
    assert services.step_message(assignment) == (
        "Langkah 4 selesai: draf disetujui Kabag Humas dan Protokol. Berikutnya: Kasubbag Humas, "
        "Peliputan dan Pemberitaan menerbitkan berita dan mencatat unggahannya di akun resmi "
        "(standar 5 menit)."
    )
    # The Kasubbag is told once per step: step 3, then step 5.
    assert [s.split(" · ")[0] for s in _turns(people["kasubbag"])] == [
        "Giliran Anda: langkah 3",
        "Giliran Anda: langkah 5",
    ]
    act(page, people["kasubbag"], "approve")
    assert services.step_message(assignment).startswith(
        "Langkah 5: berita telah terbit. Berikutnya: Kasubbag Humas, Peliputan dan Pemberitaan "
        "mencatat unggahan"
    )
    services.assignment_record_shares(
        actor=people["kasubbag"],
        assignment=assignment,
        shares=[{"account_label": "Facebook humas", "post_url": "https://facebook.com/p/1"}],
    )
    assert services.step_message(assignment).endswith("Semua langkah SOP telah selesai.")
    # Every turn notice has its mail in the outbox, once.
    turns = Notification.objects.filter(level=Notification.Level.GILIRAN)
    assert OutboxMessage.objects.filter(key__in=[n.outbox_key for n in turns]).count() == (
        turns.count()
    )


def test_a_correction_sent_back_tells_the_drafter(sintang, people, clock):
    assignment = new_assignment(people)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    submit(page, people["staf"])
    act(page, people["kasubbag"], "reject")
    assert services.step_message(assignment) == (
        "Langkah 3 dikembalikan oleh Kasubbag Humas, Peliputan dan Pemberitaan: draf perlu "
        "diperbaiki. Berikutnya: Staf memperbaiki draf lalu mengirimnya kembali untuk koreksi "
        "(standar 1 jam)."
    )
    assert _turns(people["staf"])[-1].startswith("Giliran Anda: langkah 3")


def test_the_editor_shows_the_step_line_after_an_approval(
    sintang, people, instansi, django_capture_on_commit_callbacks
):
    assignment = new_assignment(people)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    submit(page, people["staf"])
    connection.set_schema_to_public()
    kasubbag = login_client("humas", "kasubbag")
    form = {
        "title": page.title,
        "slug": page.slug,
        "date": "2026-03-02",
        "lead": page.lead,
        "category": "kegiatan",
        "tagar": "#Kegiatan",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-workflow-action": "true",
        "workflow-action-name": "approve",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = kasubbag.post(f"/admin/pages/{page.pk}/edit/", form, follow=True)
    body = response.content.decode()
    connection.set_tenant(instansi["humas"])
    assert "Langkah 3 selesai: draf disetujui Kasubbag Humas" in body
    assert "Berikutnya: Kabag Humas dan Protokol mengoreksi draf (standar 5 menit)." in body
    # The Kabag gets the in-app notice and its mail through the outbox.
    turns = Notification.objects.filter(recipient=people["kabag"], level=0)
    assert [n.subject.split(" · ")[0] for n in turns] == ["Giliran Anda: langkah 4"]
    sent = OutboxMessage.objects.get(key=turns[0].outbox_key)
    assert sent.recipients == people["kabag"].email and "Langkah 3 selesai" in sent.body
