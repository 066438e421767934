"""The report lifecycle: freezing on submission, bad inputs, return and resubmission history."""

import datetime as dt

import pytest
from django_tenants.utils import schema_context

from core.errors import Conflict, Forbidden, SimpulError
from evaluation import services
from evaluation.models import AnnualReport, ReportEvent

from .factories import NARRATIVE, admin_user, make_user, seed_inbox

YEAR = 2026
pytestmark = pytest.mark.django_db


def evaluator():
    return admin_user("diskominfo")


def draft(instansi, slug="humas", narrative=True):
    actor = admin_user(slug)
    with schema_context(slug):
        report = services.report_start(instansi=instansi[slug], year=YEAR, actor=actor)
        if narrative:
            report = services.report_update(report=report, actor=actor, data=NARRATIVE)
    return report, actor


def submit(report, actor, slug="humas", **kwargs):
    with schema_context(slug):
        return services.report_submit(report=report, actor=actor, **kwargs)


def as_evaluator(func, **kwargs):
    with schema_context("diskominfo"):
        return func(actor=evaluator(), **kwargs)


def test_submission_freezes_the_numbers(instansi):
    seed_inbox(
        instansi["humas"], instansi["dinkes"], year=YEAR, comments=2, questions=1, referred=0
    )
    report, actor = draft(instansi)
    report = submit(report, actor)
    assert report.status == AnnualReport.Status.SUBMITTED
    frozen = report.figure_value("comments_received")
    assert frozen == 2
    # Later activity does not change the submitted report.
    seed_inbox(
        instansi["humas"], instansi["dinkes"], year=YEAR, comments=5, questions=0, referred=0
    )
    with schema_context("humas"), pytest.raises(Conflict):
        services.report_refresh_figures(report=report, actor=actor)
    with schema_context("humas"), pytest.raises(Conflict):
        services.report_update(report=report, actor=actor, data={"policy_overview": "ubah"})
    with schema_context("humas"), pytest.raises(Conflict):
        services.report_correct_figure(
            report=report, actor=actor, key="comments_received", value=1, reason="alasan panjang"
        )
    report.refresh_from_db()
    assert report.figure_value("comments_received") == frozen
    assert report.policy_overview == NARRATIVE["policy_overview"]


def test_missing_narrative_is_refused_and_nothing_changes(instansi):
    report, actor = draft(instansi, narrative=False)
    with pytest.raises(SimpulError) as exc:
        submit(report, actor)
    assert "belum lengkap" in exc.value.message
    assert "kendala" in exc.value.message
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT


def test_submitting_twice_is_refused(instansi):
    report, actor = draft(instansi)
    submit(report, actor)
    with pytest.raises(Conflict):
        submit(report, actor)
    assert ReportEvent.objects.filter(report=report, to_status="submitted").count() == 1


def test_deadline_passed_without_extension_is_refused(instansi):
    report, actor = draft(instansi)
    as_evaluator(services.period_set, year=YEAR, deadline=dt.date(YEAR + 1, 1, 31))
    with pytest.raises(Conflict) as exc:
        submit(report, actor, today=dt.date(YEAR + 1, 2, 1))
    assert "Batas waktu" in exc.value.message
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    report.extended_until = dt.date(YEAR + 1, 2, 15)
    report.save()
    assert submit(report, actor, today=dt.date(YEAR + 1, 2, 1)).status == "submitted"


def test_user_without_role_cannot_submit(instansi):
    report, _ = draft(instansi)
    petugas = make_user("humas", "petugas1", groups=["Petugas Pengelola Media Sosial"])
    nobody = make_user("humas", "tamu1")
    with pytest.raises(Forbidden):
        submit(report, petugas)
    with schema_context("humas"), pytest.raises(Forbidden):
        services.report_update(report=report, actor=nobody, data={"policy_overview": "x"})
    pejabat = make_user("humas", "pejabat1", groups=["Pejabat Pengelola"])
    assert submit(report, pejabat).status == "submitted"


def test_correction_needs_a_written_reason(instansi):
    report, actor = draft(instansi)
    with schema_context("humas"):
        with pytest.raises(SimpulError) as exc:
            services.report_correct_figure(
                report=report, actor=actor, key="comments_received", value=7, reason="  "
            )
        assert exc.value.field == "reason"
        with pytest.raises(SimpulError):
            services.report_correct_figure(
                report=report, actor=actor, key="comments_received", value=-1, reason="x" * 20
            )
        with pytest.raises(SimpulError):
            services.report_correct_figure(
                report=report, actor=actor, key="bukan_angka", value=1, reason="x" * 20
            )
        report = services.report_correct_figure(
            report=report,
            actor=actor,
            key="comments_received",
            value=7,
            reason="Termasuk komentar di Instagram yang tidak masuk kotak masuk.",
        )
    assert report.figure_value("comments_received") == 7
    assert report.corrections["comments_received"]["reason"].startswith("Termasuk")


def test_return_and_resubmit_keep_history(instansi):
    report, actor = draft(instansi)
    submit(report, actor)
    with pytest.raises(SimpulError):
        as_evaluator(services.report_return, report=report, note="kurang")  # reason too short
    as_evaluator(services.report_return, report=report, note="Lengkapi kendala di luar instansi.")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.RETURNED
    with schema_context("humas"):
        services.report_update(
            report=report, actor=actor, data={"obstacles_external": "Sinyal lemah di hulu."}
        )
    submit(report, actor)
    history = list(report.events.values_list("to_status", flat=True))
    assert history == ["draft", "submitted", "returned", "submitted"]
    returned = report.events.get(to_status="returned")
    assert returned.note == "Lengkapi kendala di luar instansi."
    assert returned.figures  # the figures as they were at that moment


def test_non_evaluator_cannot_return_or_evaluate(instansi):
    report, actor = draft(instansi)
    submit(report, actor)
    with schema_context("humas"), pytest.raises(Forbidden):
        services.report_return(report=report, actor=actor, note="dikembalikan saja ya")
    with schema_context("humas"), pytest.raises(Forbidden):
        services.evaluation_start(report=report, actor=actor)


def test_followups_of_last_years_recommendations_are_required(instansi):
    from evaluation.models import Evaluation, Recommendation

    previous, actor = draft(instansi)
    previous.year = YEAR - 1
    previous.status = AnnualReport.Status.EVALUATED
    previous.save()
    rubric = services.rubric_ensure(year=YEAR - 1)
    ev = Evaluation.objects.create(
        report=previous, instansi=instansi["humas"], rubric=rubric, released_at=previous.created_at
    )
    rec = Recommendation.objects.create(
        evaluation=ev, instansi=instansi["humas"], year=YEAR - 1, text="Tetapkan SOP publikasi."
    )
    report, _ = draft(instansi)
    with pytest.raises(SimpulError) as exc:
        submit(report, actor)
    assert "Tetapkan SOP" in exc.value.message
    with schema_context("humas"):
        services.report_update(
            report=report, actor=actor, data={}, followups={str(rec.pk): "SOP ditetapkan Maret."}
        )
    assert submit(report, actor).status == "submitted"
