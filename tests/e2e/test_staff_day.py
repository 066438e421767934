"""In headless Chromium, the working day of the three staff roles, at desktop and phone size:
each starts on the admin home (its work panels), opens the waiting item, finishes it, and sees
it leave the panel.

1. Humas's admin answers a citizen's inquiry from the "waiting messages" panel.
2. Humas's Kasubbag approves the news draft waiting at step 3 of the publication SOP.
3. Diskominfo's evaluator (two-factor) evaluates an annual report an instansi submitted.

The data the live server must see is committed with a unique marker and removed at the end.
At phone width neither the dashboard, the admin inbox list nor the console scrolls sideways.
Screenshots land in var/screenshots/staff-day/.
"""

import datetime as dt
import re
import uuid

import pytest
from django_tenants.utils import schema_context

from tests.conftest import ROOT, browser_login, url_for

SHOTS = ROOT / "var" / "screenshots" / "staff-day"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
REPORT_YEAR = 2023
APPROVE = "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"


def shot(page, role: str, step: str, size: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{role}-{step}-{size}.png"), full_page=True)


def assert_no_sideways_scroll(page, where: str) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where}: page is {widths[0]}px wide on a {widths[1]}px screen"


def assert_table_reachable(page, selector: str) -> None:
    """The whole table can be seen: it fits the screen, or the first box narrower than it
    scrolls sideways (a visible label says so) instead of cutting its right-hand columns."""
    how = page.evaluate(
        """(sel) => {
            const table = document.querySelector(sel);
            for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
                if (el.clientWidth + 1 < table.offsetWidth) {
                    const x = getComputedStyle(el).overflowX;
                    return x === "auto" || x === "scroll" ? "scrolls" : "cut";
                }
            }
            return table.getBoundingClientRect().right <= window.innerWidth + 1 ? "fits" : "cut";
        }""",
        selector,
    )
    assert how in ("fits", "scrolls"), f"{selector}: right-hand columns are cut off"
    if how == "scrolls":
        assert page.get_by_text("Geser tabel ke samping").first.is_visible()


def new_page(browser, size: str):
    width, height = SIZES[size]
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def panel_text(page, name: str) -> str:
    return page.locator(f"[data-panel={name}]").inner_text()


def footer_action(page, selector: str) -> None:
    """Click an action of the editor's footer menu, opening its dropdown when it is folded."""
    button = page.locator(selector).first
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    button.click()
    page.wait_for_load_state()


# --- committed data -----------------------------------------------------------------------------


@pytest.fixture
def waiting_inquiry(live_server_url, django_db_blocker):
    """A citizen's question recorded at humas through the inbox service."""
    from django.db import connection

    from inbox import services
    from inbox.models import Inquiry
    from tenants.models import Instansi

    assert connection.settings_dict["NAME"].startswith("test_")
    marker = f"Harian-{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        inquiry = services.inquiry_create(
            actor=None,
            instansi=Instansi.objects.get(schema_name="humas"),
            kind=Inquiry.Kind.PERTANYAAN,
            channel=Inquiry.Channel.SITUS,
            body=f"{marker}: kapan pendaftaran pelatihan UMKM kecamatan dibuka?",
            citizen_name="Rina Warga",
            citizen_contact="rina.warga@example.org",
        )
    yield inquiry, marker
    with django_db_blocker.unblock():
        Inquiry.objects.filter(pk=inquiry.pk).delete()


@pytest.fixture
def draft_at_kasubbag(live_server_url, django_db_blocker):
    """Humas's publication SOP in force, and a news draft submitted by the staff member, now
    waiting at step 3 for the Kasubbag."""
    from sop import selectors, services
    from tests.sop.factories import START, sintang_people

    suffix = uuid.uuid4().hex[:6]
    event = f"Pelantikan pengurus karang taruna {suffix}"
    with django_db_blocker.unblock(), schema_context("humas"):
        people = sintang_people(prefix=f"hari{suffix}")
        sop = selectors.sop_active_publication()
        created = sop is None
        if created:
            sop = services.sop_create_from_template(actor=None, template_key="sintang")
            sop = services.sop_activate(actor=None, sop=sop)
        assignment = services.assignment_create(
            actor=people["kasubbag"],
            event=event,
            place="Gedung Pancasila",
            event_at=START,
            assignee=people["staf"],
            nota_dinas="ND/101/HUMAS/2026",
        )
        draft = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
        draft.refresh_from_db()
        draft.get_workflow().start(draft, people["staf"])
    yield people, event
    with django_db_blocker.unblock(), schema_context("humas"):
        from wagtail.models import Task

        from sop.models import Assignment, Sop

        for item in Assignment.objects.filter(created_by=people["kasubbag"]):
            if item.page_id:
                item.page.specific.delete()
            item.delete()
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


@pytest.fixture
def submitted_report(live_server_url, django_db_blocker):
    """Humas's annual report for REPORT_YEAR, submitted and waiting for Diskominfo."""
    from django.contrib.auth import get_user_model

    from evaluation import services
    from evaluation.models import AnnualReport, ReportingPeriod, Rubric
    from tenants.models import Instansi
    from tests.evaluation.factories import NARRATIVE

    with django_db_blocker.unblock():
        period = ReportingPeriod.objects.filter(year=REPORT_YEAR).first()
        old_deadline = period.deadline if period else None
        ReportingPeriod.objects.update_or_create(
            year=REPORT_YEAR, defaults={"deadline": dt.date.today() + dt.timedelta(days=30)}
        )
        had_rubric = Rubric.objects.filter(year=REPORT_YEAR).exists()
        AnnualReport.objects.filter(instansi__schema_name="humas", year=REPORT_YEAR).delete()
        humas = Instansi.objects.get(schema_name="humas")
        with schema_context("humas"):
            actor = get_user_model().objects.get(username="admin")
            report = services.report_start(instansi=humas, year=REPORT_YEAR, actor=actor)
            report = services.report_update(report=report, actor=actor, data=NARRATIVE)
            report = services.report_submit(report=report, actor=actor)
    yield report
    with django_db_blocker.unblock():
        AnnualReport.objects.filter(pk=report.pk).delete()
        if not had_rubric:
            Rubric.objects.filter(year=REPORT_YEAR).delete()
        if old_deadline is None:
            ReportingPeriod.objects.filter(year=REPORT_YEAR).delete()
        else:
            ReportingPeriod.objects.filter(year=REPORT_YEAR).update(deadline=old_deadline)


# --- the day ------------------------------------------------------------------------------------


def humas_admin_day(browser, live_server_url, django_db_blocker, size, inquiry, marker):
    page = new_page(browser, size)
    try:
        browser_login(
            page, live_server_url, "humas", "/admin/", django_db_blocker=django_db_blocker
        )
        page.goto(url_for(live_server_url, "humas", "/admin/"))
        waiting = panel_text(page, "pesan-menunggu")
        assert inquiry.tracking_code in waiting
        assert re.search(r"Sisa 2\d jam", waiting), waiting  # its 24-hour countdown
        shot(page, "humas", "1-dasbor", size)
        if size == "phone":
            assert_no_sideways_scroll(page, "dasbor humas")
            page.goto(url_for(live_server_url, "humas", "/admin/kotak-masuk/"))
            assert marker in page.locator("[data-testid=received-box]").inner_text()
            shot(page, "humas", "1b-kotak-masuk", size)
            assert_no_sideways_scroll(page, "kotak masuk admin")
            assert_table_reachable(page, "[data-testid=received-box]")
            page.goto(url_for(live_server_url, "humas", "/admin/"))

        page.locator("[data-panel=pesan-menunggu] a", has_text=marker).click()
        page.wait_for_url(re.compile(r".*/admin/kotak-masuk/pesan/\d+/$"))
        assert "rina.warga@example.org" in page.content()
        page.fill("textarea[name=answer]", "Pendaftaran dibuka 1 Maret di kantor kecamatan.")
        shot(page, "humas", "2-pesan", size)
        page.get_by_role("button", name="Kirim jawaban").click()
        page.wait_for_load_state()
        status = page.get_by_test_id("status").inner_text()
        assert "Dijawab" in status or "Dibalas" in status, status
        shot(page, "humas", "3-terjawab", size)

        page.goto(url_for(live_server_url, "humas", "/admin/"))
        assert inquiry.tracking_code not in panel_text(page, "pesan-menunggu")
        shot(page, "humas", "4-dasbor-selesai", size)
    finally:
        page.context.close()


def kasubbag_day(browser, live_server_url, django_db_blocker, size, people, event):
    page = new_page(browser, size)
    username = people["kasubbag"].username
    try:
        browser_login(
            page,
            live_server_url,
            "humas",
            "/admin/",
            username=username,
            django_db_blocker=django_db_blocker,
        )
        page.goto(url_for(live_server_url, "humas", "/admin/"))
        waiting = panel_text(page, "langkah-sop")
        assert f"Langkah 3 · {event}" in waiting, waiting
        shot(page, "kasubbag", "1-dasbor", size)
        if size == "phone":
            assert_no_sideways_scroll(page, "dasbor kasubbag")

        page.locator("[data-panel=langkah-sop] a", has_text=event).click()
        page.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
        shot(page, "kasubbag", "2-draf", size)
        footer_action(page, APPROVE)
        content = page.content()
        assert re.search(r"Langkah 3 selesai.*Berikutnya:", content, re.S), "no step message"
        shot(page, "kasubbag", "3-disetujui", size)

        page.goto(url_for(live_server_url, "humas", "/admin/"))
        assert event not in panel_text(page, "langkah-sop")
        shot(page, "kasubbag", "4-dasbor-selesai", size)
    finally:
        page.context.close()


def evaluator_day(browser, live_server_url, django_db_blocker, size, report):
    page = new_page(browser, size)
    title = f"{report.instansi.name} · {REPORT_YEAR}"
    try:
        # Diskominfo's admin signs in with two factors (the enrolled TOTP device's code).
        browser_login(
            page, live_server_url, "diskominfo", "/admin/", django_db_blocker=django_db_blocker
        )
        page.goto(url_for(live_server_url, "diskominfo", "/admin/"))
        assert title in panel_text(page, "laporan-dievaluasi")
        shot(page, "evaluator", "1-dasbor", size)
        if size == "phone":
            assert_no_sideways_scroll(page, "dasbor diskominfo")
            page.goto(url_for(live_server_url, "diskominfo", f"/console/?tahun={REPORT_YEAR}"))
            shot(page, "evaluator", "1b-konsol", size)
            assert_no_sideways_scroll(page, "konsol")
            page.goto(url_for(live_server_url, "diskominfo", "/admin/"))

        page.locator("[data-panel=laporan-dievaluasi] a", has_text=title).click()
        page.wait_for_url(re.compile(rf".*/console/laporan/{report.pk}/$"))
        page.get_by_role("button", name="Mulai evaluasi").click()
        page.wait_for_load_state()
        assert "Sedang dievaluasi" in page.locator("#status-laporan").inner_text()
        for field in page.locator("#form-penilaian input[name^=skor_]").all():
            field.fill("80")
        page.fill("#rekomendasi", "Perbanyak konten layanan publik dan catat tindak lanjutnya.")
        shot(page, "evaluator", "2-penilaian", size)
        page.get_by_role("button", name="Simpan dan sampaikan hasil").click()
        page.wait_for_load_state()
        assert "Selesai dievaluasi" in page.locator("#status-laporan").inner_text()
        shot(page, "evaluator", "3-selesai", size)

        page.goto(url_for(live_server_url, "diskominfo", "/admin/"))
        assert title not in panel_text(page, "laporan-dievaluasi")
        shot(page, "evaluator", "4-dasbor-selesai", size)
    finally:
        page.context.close()


@pytest.mark.e2e
@pytest.mark.parametrize("size", list(SIZES))
def test_three_staff_roles_clear_their_dashboards(
    browser,
    live_server_url,
    django_db_blocker,
    waiting_inquiry,
    draft_at_kasubbag,
    submitted_report,
    size,
):
    inquiry, marker = waiting_inquiry
    people, event = draft_at_kasubbag
    humas_admin_day(browser, live_server_url, django_db_blocker, size, inquiry, marker)
    kasubbag_day(browser, live_server_url, django_db_blocker, size, people, event)
    evaluator_day(browser, live_server_url, django_db_blocker, size, submitted_report)
