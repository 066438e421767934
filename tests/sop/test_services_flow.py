"""The Sintang flow with a controlled clock: assignment → draft → reviews → publish → shares."""

import pytest
from django.core import mail
from wagtail.models import TaskState, WorkflowState

from core.errors import SimpulError
from core.outbox import outbox_message_id
from core.tasks import deliver_outbox_message
from sop import selectors, services
from sop.models import Notification, Sop, StepRecord

from .factories import START


def act(page, user, action: str) -> None:
    """Approve or reject the page's current workflow task as `user` (Wagtail's own action)."""
    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user, action)


def submit(page, user) -> WorkflowState:
    page.refresh_from_db()
    return page.get_workflow().start(page, user)


def records(assignment) -> dict[int, StepRecord]:
    return {r.step.order: r for r in assignment.records.select_related("step")}


def new_assignment(people, event="Rapat koordinasi percepatan penurunan stunting"):
    return services.assignment_create(
        actor=people["kasubbag"],
        event=event,
        place="Aula Kantor Bupati",
        event_at=START,
        assignee=people["staf"],
        nota_dinas="ND/045/HUMAS/2026",
    )


def test_whole_flow_is_timed_and_an_overrun_is_flagged_and_notified_once(
    sintang, people, clock, django_capture_on_commit_callbacks
):
    assignment = new_assignment(people)
    clock.advance(minutes=50)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    assert page.get_parent().specific.__class__.__name__ == "NewsIndexPage" and not page.live

    # Step 2 runs: at 80 % of its 60 minutes the staff member is warned, past 100 % told.
    clock.advance(minutes=49)
    with django_capture_on_commit_callbacks() as queued:
        warned = services.deadline_sweep()
    assert [(n.recipient, n.level) for n in warned] == [(people["staf"], 80)]
    assert len(queued) == 1  # the e-mail goes out after commit
    clock.advance(minutes=12)
    late = services.deadline_sweep()
    assert [(n.recipient, n.level) for n in late] == [(people["staf"], 100)]
    clock.advance(minutes=1)
    assert services.deadline_sweep() == []  # once, however often beat runs
    assert Notification.objects.filter(recipient=people["staf"], level=100).count() == 1

    clock.advance(minutes=8)  # step 2 took 70 minutes
    submit(page, people["staf"])
    clock.advance(minutes=3)
    act(page, people["kasubbag"], "approve")
    clock.advance(minutes=4)
    act(page, people["kabag"], "approve")
    clock.advance(minutes=2)
    act(page, people["kasubbag"], "approve")
    page.refresh_from_db()
    assert page.live  # the workflow's last task published it
    clock.advance(minutes=2)
    services.assignment_record_shares(
        actor=people["kasubbag"],
        assignment=assignment,
        shares=[
            {"account_label": "Instagram @humas", "post_url": "https://instagram.com/p/abc"},
            {"account_label": "Facebook Humas", "post_url": "https://facebook.com/humas/1"},
        ],
    )

    assignment.refresh_from_db()
    recs = records(assignment)
    assert {o: r.duration_minutes for o, r in recs.items()} == {1: 50, 2: 70, 3: 3, 4: 4, 5: 4}
    assert {o: r.within_standard for o, r in recs.items()} == {
        1: True,
        2: False,
        3: True,
        4: True,
        5: True,
    }
    assert recs[2].executor == people["staf"] and recs[4].executor == people["kabag"]
    assert assignment.completed_at == clock.now and assignment.published_at is not None
    timeline = selectors.assignment_timeline(assignment, now=clock.now)
    assert [row["over"] for row in timeline] == [False, True, False, False, False]

    stats = selectors.sop_stats(start=START, end=clock.now + __import__("datetime").timedelta(1))
    assert stats == {
        "sop_active": True,
        "items_published": 1,
        "shares_recorded": 2,
        "steps_total": 5,
        "steps_within_standard": 4,
        "share_within_standard": 0.8,
        "median_minutes_per_step": {1: 50.0, 2: 70.0, 3: 3.0, 4: 4.0, 5: 4.0},
    }

    # The e-mail outbox: sent once, recorded, never twice.
    notice = Notification.objects.get(recipient=people["staf"], level=100)
    message_id = outbox_message_id(notice.outbox_key)
    assert deliver_outbox_message.run(message_id) is True
    assert deliver_outbox_message.run(message_id) is False
    ours = [m for m in mail.outbox if "batas waktu" in m.subject]
    assert len(ours) == 1 and "melewati batas waktu" in ours[0].subject
    notice.refresh_from_db()
    assert notice.email_sent_at is not None


def test_rejection_at_kabag_returns_the_page_and_restarts_that_steps_clock(sintang, people, clock):
    assignment = new_assignment(people)
    clock.advance(minutes=30)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    clock.advance(minutes=40)
    submit(page, people["staf"])
    clock.advance(minutes=2)
    act(page, people["kasubbag"], "approve")
    clock.advance(minutes=3)
    act(page, people["kabag"], "reject")

    page.refresh_from_db()
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.requested_by == people["staf"]  # back with the staff member
    rec4 = records(assignment)[4]
    assert rec4.state == StepRecord.State.DIKEMBALIKAN and rec4.finished_at is None

    # Twenty minutes of corrections, then the staff member resubmits: step 4 starts again.
    clock.advance(minutes=20)
    resubmitted_at = clock.now
    page.specific.save_revision(user=people["staf"])
    state.resume(user=people["staf"])
    rec4 = records(assignment)[4]
    assert rec4.state == StepRecord.State.BERJALAN
    assert rec4.started_at == resubmitted_at and rec4.attempt == 2
    clock.advance(minutes=2)
    act(page, people["kabag"], "approve")
    recs = records(assignment)
    assert recs[4].duration_minutes == 2 and recs[4].within_standard
    assert recs[3].duration_minutes == 2  # the Kasubbag's correction is not redone
    assert TaskState.objects.filter(task_id=recs[4].step.task_id).count() == 2


def test_an_item_in_flight_keeps_its_sop_version(sintang, people, clock):
    assignment = new_assignment(people)
    clock.advance(minutes=10)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    clock.advance(minutes=10)
    submit(page, people["staf"])

    steps = services.steps_as_input(sintang)
    steps[2]["standard_minutes"] = 15
    steps[3]["standard_minutes"] = 15
    v2 = services.sop_update(actor=None, sop=sintang, steps=steps)
    assert v2.version == 2

    clock.advance(minutes=10)
    act(page, people["kasubbag"], "approve")
    assignment.refresh_from_db()
    assert assignment.sop_id == sintang.pk
    rec3 = records(assignment)[3]
    assert rec3.step.sop_id == sintang.pk and rec3.step.standard_minutes == 5
    assert rec3.within_standard is False  # 10 minutes against the 5 of version 1
    page.refresh_from_db()
    assert page.current_workflow_state.workflow_id == sintang.workflow_id

    later = new_assignment(people, event="Pelantikan pejabat administrator")
    assert later.sop_id == v2.pk
    assert Sop.objects.get(pk=sintang.pk).status == Sop.Status.NONAKTIF


def test_an_item_assigned_before_a_new_version_is_drafted_on_its_own_version(
    sintang, people, clock
):
    assignment = new_assignment(people)
    steps = services.steps_as_input(sintang)
    steps[2]["standard_minutes"] = 30
    v2 = services.sop_update(actor=None, sop=sintang, steps=steps)
    clock.advance(minutes=10)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    assert page.get_workflow().pk == sintang.workflow_id != v2.workflow_id
    clock.advance(minutes=10)
    submit(page, people["staf"])
    clock.advance(minutes=20)
    act(page, people["kasubbag"], "approve")
    rec3 = records(assignment)[3]
    assert (rec3.step.sop_id, rec3.duration_minutes, rec3.within_standard) == (
        sintang.pk,
        20,
        False,  # 20 minutes against version 1's 5, not version 2's 30
    )


def test_only_the_roles_of_the_sop_may_act(sintang, people, clock):
    with pytest.raises(SimpulError, match="Hanya anggota grup"):
        services.assignment_create(
            actor=people["staf"],
            event="Kegiatan",
            place="Kantor",
            event_at=START,
            assignee=people["staf"],
        )
    with pytest.raises(SimpulError, match="bukan anggota grup"):
        services.assignment_create(
            actor=people["kasubbag"],
            event="Kegiatan",
            place="Kantor",
            event_at=START,
            assignee=people["kabag"],
        )
    assignment = new_assignment(people)
    with pytest.raises(SimpulError, match="Hanya petugas yang ditugaskan"):
        services.assignment_start_draft(actor=people["kabag"], assignment=assignment)
    with pytest.raises(SimpulError, match="Kegiatan"):
        services.assignment_create(
            actor=people["kasubbag"],
            event="",
            place="Kantor",
            event_at=START,
            assignee=people["staf"],
        )


def test_shares_need_a_live_page_and_valid_urls(sintang, people, clock):
    assignment = new_assignment(people)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    with pytest.raises(SimpulError, match="belum terbit"):
        services.assignment_record_shares(
            actor=people["kasubbag"],
            assignment=assignment,
            shares=[{"account_label": "IG", "post_url": "https://instagram.com/p/x"}],
        )
    submit(page, people["staf"])
    for user in ("kasubbag", "kabag", "kasubbag"):
        act(page, people[user], "approve")
    with pytest.raises(SimpulError, match="bukan URL http"):
        services.assignment_record_shares(
            actor=people["kasubbag"],
            assignment=assignment,
            shares=[{"account_label": "IG", "post_url": "javascript:alert(1)"}],
        )
    with pytest.raises(SimpulError, match="akun resmi 999999 tidak ditemukan"):
        services.assignment_record_shares(
            actor=people["kasubbag"],
            assignment=assignment,
            shares=[{"account": 999999, "post_url": "https://instagram.com/p/x"}],
        )
    assert assignment.shares.count() == 0


def test_direct_publish_is_blocked_while_the_sop_is_in_force(sintang, people, humas_admin):
    from cms.selectors import news_index_page

    assignment = new_assignment(people)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    response = humas_admin.post(
        f"/admin/pages/{page.pk}/edit/",
        {"title": page.title, "slug": page.slug, "action-publish": "1"},
    )
    assert response.status_code in (302, 200)
    page.refresh_from_db()
    assert not page.live
    assert news_index_page() is not None
