"""In headless Chromium: three humas users perform the five Sintang SOP steps; the news goes live.

Data the live server must see is committed (unique user names); the SOP put in force here is
revoked and the page removed at the end, so other tests find humas's news section as it was.
"""

import re
import uuid

import pytest
from django_tenants.utils import schema_context

from tests.conftest import TEST_PASSWORD, url_for


@pytest.fixture
def sop_people(live_server_url, django_db_blocker):
    from django.db import connection

    from sop import selectors, services
    from tests.sop.factories import sintang_people

    # pytest-django sets the test database up only when some test of the run uses `db`; the
    # guard test below does, so this file also runs alone without touching DATABASE_URL.
    assert connection.settings_dict["NAME"].startswith("test_")
    suffix = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock(), schema_context("humas"):
        people = sintang_people(prefix=f"e2e{suffix}")
        sop = selectors.sop_active_publication()
        created = sop is None
        if created:
            sop = services.sop_create_from_template(actor=None, template_key="sintang")
            sop = services.sop_activate(actor=None, sop=sop)
    yield people
    with django_db_blocker.unblock(), schema_context("humas"):
        from wagtail.models import Task

        from sop.models import Assignment, Sop

        for assignment in Assignment.objects.filter(created_by=people["kasubbag"]):
            if assignment.page_id:
                assignment.page.specific.delete()
            assignment.delete()
        if created:
            sop = services.sop_deactivate(actor=None, sop=Sop.objects.get(pk=sop.pk))
            task_ids = list(sop.steps.exclude(task=None).values_list("task_id", flat=True))
            workflow = sop.workflow
            sop.delete()
            Task.objects.filter(pk__in=task_ids).delete()
            if workflow is not None:
                workflow.delete()
        for user in people.values():
            user.delete()


def login(browser, live_server_url, username):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(url_for(live_server_url, "humas", "/admin/login/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    return page


def footer_action(page, selector: str) -> None:
    """Click an action of the editor's footer menu, opening its dropdown when it is folded."""
    button = page.locator(selector).first
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    button.click()
    page.wait_for_load_state()


@pytest.mark.e2e
def test_five_steps_by_three_users_end_with_the_page_live(live_server_url, browser, sop_people):
    kasubbag = login(browser, live_server_url, sop_people["kasubbag"].username)
    staf = login(browser, live_server_url, sop_people["staf"].username)
    kabag = login(browser, live_server_url, sop_people["kabag"].username)
    event = f"Peresmian jembatan gantung {uuid.uuid4().hex[:4]}"

    # 1. The Kasubbag assigns the staff member to cover the event.
    kasubbag.goto(url_for(live_server_url, "humas", "/admin/sop/penugasan/"))
    kasubbag.fill("#id_event", event)
    kasubbag.fill("#id_place", "Desa Sungai Durian")
    kasubbag.fill("#id_event_at", "2026-03-02T08:00")
    kasubbag.select_option("#id_assignee", str(sop_people["staf"].pk))
    kasubbag.fill("#id_nota_dinas", "ND/077/HUMAS/2026")
    kasubbag.get_by_role("button", name="Tugaskan").click()
    kasubbag.wait_for_url(re.compile(r".*/admin/sop/penugasan/\d+/$"))
    detail_url = kasubbag.url

    # 2. The staff member makes the draft from the assignment and submits it for correction.
    staf.goto(detail_url)
    staf.locator("#make-draft").click()
    staf.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
    edit_url = staf.url
    assert staf.locator("button[name='action-publish']").count() == 0  # no shortcut
    footer_action(staf, "button[name='action-submit']")
    # After each step the editor says what was done and who acts next.
    assert "Langkah 2 selesai: draf diajukan untuk koreksi." in staf.content()

    # 3. The Kasubbag approves; 4. the Kabag approves; 5. the Kasubbag approves and publishes.
    approve = "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
    said = [
        "Langkah 3 selesai: draf disetujui Kasubbag Humas",
        "Langkah 4 selesai: draf disetujui Kabag Humas dan Protokol. Berikutnya: Kasubbag",
        "Langkah 5: berita telah terbit. Berikutnya:",
    ]
    for reviewer, line in zip((kasubbag, kabag, kasubbag), said, strict=True):
        reviewer.goto(edit_url)
        footer_action(reviewer, approve)
        assert line in reviewer.content()

    # ...and records where it was shared.
    kasubbag.goto(detail_url)
    kasubbag.fill("#id_share-0-account_label", "Instagram @humas")
    kasubbag.fill("#id_share-0-post_url", "https://www.instagram.com/p/e2e-sop/")
    kasubbag.get_by_role("button", name="Catat unggahan").click()
    kasubbag.wait_for_load_state()
    states = kasubbag.locator("#timeline tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.state)"
    )
    assert states == ["selesai"] * 5
    assert "instagram.com/p/e2e-sop" in kasubbag.locator("#shares").inner_text()

    # The page is live on the instansi's website.
    public = kabag.context.new_page()
    slug_path = kasubbag.locator("#page-link").get_attribute("href")
    assert slug_path
    public.goto(url_for(live_server_url, "humas", "/berita/"))
    assert event in public.content()


def test_no_publication_sop_is_left_in_force_in_humas(db):
    """Guard: the committed SOP of the browser test never outlives it (humas stays as provisioned)."""
    from sop.selectors import sop_active_publication

    with schema_context("humas"):
        assert sop_active_publication() is None
