"""Rubric, scores, predicate bands, recommendations and their release to the instansi."""

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from core.errors import Conflict, SimpulError
from evaluation import services
from evaluation.models import AnnualReport, Rubric

from .factories import NARRATIVE, admin_user

YEAR = 2026
pytestmark = pytest.mark.django_db


def evaluator():
    return admin_user("diskominfo")


def submitted_report(instansi, slug="humas"):
    actor = admin_user(slug)
    with schema_context(slug):
        report = services.report_start(instansi=instansi[slug], year=YEAR, actor=actor)
        report = services.report_update(report=report, actor=actor, data=NARRATIVE)
        return services.report_submit(report=report, actor=actor)


def in_console(func, **kwargs):
    with schema_context("diskominfo"):
        return func(actor=evaluator(), **kwargs)


def test_default_rubric_follows_the_regulation_and_sums_to_100():
    rubric = services.rubric_ensure(year=YEAR)
    codes = [c.code for c in rubric.criteria.all()]
    assert codes == ["responsif", "akun_sk", "sop", "konten", "tepat_waktu"]
    assert sum(c.weight for c in rubric.criteria.all()) == 100
    assert rubric.predicate_for(95) == "Sangat baik"
    assert rubric.predicate_for(80) == "Baik"
    assert rubric.predicate_for(10) == "Kurang"


def test_weights_not_summing_to_100_are_refused_and_nothing_changes():
    rubric = services.rubric_ensure(year=YEAR)
    criteria = [
        {"id": c.pk, "code": c.code, "name": c.name, "weight": c.weight}
        for c in rubric.criteria.all()
    ]
    criteria[0]["weight"] += 5
    with pytest.raises(SimpulError) as exc:
        in_console(
            services.rubric_update, year=YEAR, criteria=criteria, bands=services.DEFAULT_BANDS
        )
    assert "100" in exc.value.message
    assert sum(c.weight for c in Rubric.objects.get(year=YEAR).criteria.all()) == 100


def test_bands_are_configurable():
    rubric = services.rubric_ensure(year=YEAR)
    criteria = [
        {"id": c.pk, "code": c.code, "name": c.name, "weight": c.weight}
        for c in rubric.criteria.all()
    ]
    bands = [{"min": 85, "label": "Istimewa"}, {"min": 0, "label": "Perlu pembinaan"}]
    rubric = in_console(services.rubric_update, year=YEAR, criteria=criteria, bands=bands)
    assert rubric.predicate_for(86) == "Istimewa"
    with pytest.raises(SimpulError):
        in_console(
            services.rubric_update,
            year=YEAR,
            criteria=criteria,
            bands=[{"min": 50, "label": "Tanpa dasar nol"}],
        )


def test_scores_total_predicate_and_release(instansi):
    report = submitted_report(instansi)
    evaluation = in_console(services.evaluation_start, report=report)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.UNDER_EVALUATION
    criteria = list(evaluation.rubric.criteria.all())
    # The on-time criterion is suggested from the submission date: submitted before the deadline.
    timely = evaluation.scores.get(criterion__code="tepat_waktu")
    assert timely.suggested == Decimal("100.00")
    with pytest.raises(SimpulError):
        in_console(services.evaluation_save, report=report, scores={str(criteria[0].pk): 101})
    with pytest.raises(SimpulError):
        in_console(services.evaluation_save, report=report, scores={str(criteria[0].pk): "abc"})
    with pytest.raises(SimpulError):  # release without all scores
        in_console(services.evaluation_release, report=report)
    scores = {str(c.pk): 100 for c in criteria}
    scores[str(criteria[0].pk)] = 60  # responsif, weight 25 → 15
    evaluation = in_console(
        services.evaluation_save,
        report=report,
        scores=scores,
        recommendations=["Percepat jawaban rujukan.", "", "Perbarui SK akun resmi."],
    )
    assert evaluation.total == Decimal("90.00")
    assert evaluation.predicate == "Sangat baik"
    assert [r.text for r in evaluation.recommendations.all()] == [
        "Percepat jawaban rujukan.",
        "Perbarui SK akun resmi.",
    ]
    in_console(services.evaluation_release, report=report)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.EVALUATED
    with pytest.raises(Conflict):
        in_console(services.evaluation_save, report=report, scores=scores)


def test_suggested_scores_come_from_measured_figures(instansi):
    import datetime as dt

    from inbox.models import Inquiry, Referral

    from .factories import aware

    for i, hours in enumerate((3, 30)):  # one answered within 24 h, one late
        inquiry = Inquiry.objects.create(
            instansi=instansi["dinkes"],
            kind="pertanyaan",
            channel="situs",
            body="Pertanyaan untuk humas.",
            tracking_code=f"EVSUG{i}",
            created_at=aware(YEAR, 4, 1),
        )
        requested = aware(YEAR, 4, 1, 10)
        Referral.objects.create(
            inquiry=inquiry,
            from_instansi=instansi["dinkes"],
            to_instansi=instansi["humas"],
            requested_at=requested,
            due_at=requested + dt.timedelta(hours=24),
            status="dijawab",
            answered_at=requested + dt.timedelta(hours=hours),
        )
    report = submitted_report(instansi)
    evaluation = in_console(services.evaluation_start, report=report)  # snapshot made on demand
    suggested = {s.criterion.code: s.suggested for s in evaluation.scores.all()}
    assert suggested["responsif"] == Decimal("50.00")
    assert suggested["akun_sk"] == Decimal("0.00")  # no active SK in humas
    assert suggested["tepat_waktu"] == Decimal("100.00")
