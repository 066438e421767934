"""A news item started in the page editor goes through the same five SOP steps as a penugasan."""

import pytest
from django.db import connection
from wagtail.models import Page

from cms.models import NewsPage
from cms.selectors import news_index_page
from core.models import OutboxMessage
from sop import services
from sop.models import Assignment, Notification, Sop, StepRecord
from tests.conftest import login_client

from .test_services_flow import act, records


def _news_form(**overrides) -> dict:
    data = {
        "title": "Bupati meninjau posyandu",
        "slug": "bupati-meninjau-posyandu",
        "date": "2026-03-12",
        "lead": "Bupati meninjau posyandu di Kecamatan Sintang.",
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
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor(humas, instansi):
    """Post the page editor's forms as a humas user; the schema is humas again afterwards."""
    index_id = news_index_page().pk

    def _post(username: str, url: str | None = None, **overrides):
        connection.set_schema_to_public()
        client = login_client("humas", username)
        response = client.post(
            url or f"/admin/pages/add/cms/newspage/{index_id}/", _news_form(**overrides)
        )
        connection.set_tenant(instansi["humas"])
        return client, response

    return _post


def test_a_page_created_in_the_editor_starts_its_assignment_at_drafting(
    sintang, people, editor, instansi
):
    client, response = editor("staf", **{"action-save": "action-save"})
    assert response.status_code == 302
    page = NewsPage.objects.get(slug="bupati-meninjau-posyandu")
    assignment = Assignment.objects.get(page=page)
    assert assignment.origin == Assignment.Origin.EDITOR
    assert (assignment.created_by, assignment.assignee) == (people["staf"], people["staf"])
    steps = records(assignment)
    # Step 1 is the creator's decision to cover, recorded at creation; step 2 runs from then.
    assert steps[1].state == StepRecord.State.SELESAI and steps[1].executor == people["staf"]
    assert steps[1].duration_minutes == 0
    assert steps[2].state == StepRecord.State.BERJALAN and steps[2].executor == people["staf"]
    assert {steps[n].state for n in (3, 4, 5)} == {StepRecord.State.MENUNGGU}
    # The item keeps the workflow of the version in force, as a penugasan's draft does.
    assert page.get_workflow() == sintang.workflow

    # The editor's header links to the one screen of the five steps.
    connection.set_schema_to_public()
    edit = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert f"/admin/sop/penugasan/{assignment.pk}/" in edit and "Alur SOP" in edit
    assert "Berita dari editor “Bupati meninjau posyandu”" in edit
    detail = client.get(f"/admin/sop/penugasan/{assignment.pk}/").content.decode()
    assert "Dibuat langsung di editor berita" in detail
    assert detail.count('data-state="selesai"') == 1
    connection.set_tenant(instansi["humas"])

    # Submitting from the editor ends step 2 and tells the Kasubbag it is their turn.
    _, response = editor(
        "staf", url=f"/admin/pages/{page.pk}/edit/", **{"action-submit": "action-submit"}
    )
    assert response.status_code == 302
    steps = records(assignment)
    assert steps[2].state == StepRecord.State.SELESAI
    assert steps[3].state == StepRecord.State.BERJALAN
    notice = Notification.objects.get(recipient=people["kasubbag"], level=0)
    assert notice.subject.startswith("Giliran Anda: langkah 3")
    assert OutboxMessage.objects.filter(key=notice.outbox_key).exists()


def test_submitting_on_creation_still_times_step_two(sintang, people, editor):
    _, response = editor("staf", **{"action-submit": "action-submit"})
    assert response.status_code == 302
    assignment = Assignment.objects.get(page__slug="bupati-meninjau-posyandu")
    steps = records(assignment)
    assert steps[2].state == StepRecord.State.SELESAI and steps[2].duration_minutes >= 0
    assert steps[3].state == StepRecord.State.BERJALAN


def test_the_editor_cannot_publish_around_the_sop(sintang, people, editor):
    # The staf has no publish permission in Wagtail, and the SOP's hook refuses it anyway.
    _, response = editor("staf", **{"action-publish": "action-publish"})
    assert response.status_code == 302
    assert not NewsPage.objects.filter(slug="bupati-meninjau-posyandu", live=True).exists()
    # The Kasubbag may publish (the workflow's last task needs it) but not directly.
    _, response = editor("kasubbag", **{"action-save": "action-save"})
    page = NewsPage.objects.get(slug="bupati-meninjau-posyandu")
    _, response = editor(
        "kasubbag", url=f"/admin/pages/{page.pk}/edit/", **{"action-publish": "action-publish"}
    )
    page.refresh_from_db()
    assert not page.live and page.first_published_at is None
    assert Assignment.objects.get(page=page).published_at is None


def test_only_news_under_an_sop_in_force_gets_an_assignment(sintang, people, editor):
    services.sop_deactivate(actor=None, sop=sintang)
    assert Sop.objects.get(pk=sintang.pk).status != Sop.Status.AKTIF
    _, response = editor("kasubbag", **{"action-save": "action-save"})
    assert response.status_code == 302
    page = Page.objects.get(slug="bupati-meninjau-posyandu")
    assert not Assignment.objects.filter(page=page).exists()


def test_the_editor_started_item_completes_all_five_steps(sintang, people, editor):
    _, _ = editor("staf", **{"action-submit": "action-submit"})
    page = NewsPage.objects.get(slug="bupati-meninjau-posyandu")
    act(page, people["kasubbag"], "approve")
    act(page, people["kabag"], "approve")
    act(page, people["kasubbag"], "approve")
    page.refresh_from_db()
    assert page.live
    assignment = Assignment.objects.get(page=page)
    services.assignment_record_shares(
        actor=people["kasubbag"],
        assignment=assignment,
        shares=[{"account_label": "Instagram humas", "post_url": "https://instagram.com/p/x1"}],
    )
    assert {r.state for r in records(assignment).values()} == {StepRecord.State.SELESAI}
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
