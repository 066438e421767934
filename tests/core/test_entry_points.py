"""One action, whatever the entry point: the admin, the API and a command give the same
permission outcome, the same audit row and the same line in Wagtail's history."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context
from wagtail.models import ModelLogEntry

from core.actions import NestedAction, action
from core.errors import Forbidden
from tenants.models import AuditEntry, Instansi
from tenants.registry import services
from tenants.registry.models import AudienceFigure, OfficialAccount, SuratKeputusan
from tenants.services import api_token_create
from tests.conftest import TEST_PASSWORD, login_client, tenant_client
from tests.registry.factories import make_account, make_decree

AUDIENCE_ADD = "/admin/snippets/registry/audiencefigure/add/"
AUDIENCE_API = "/api/v1/registry/audience/"
pytestmark = pytest.mark.django_db


def _last_month(months_back: int) -> str:
    first = dt.date.today().replace(day=1)
    for _ in range(months_back):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return f"{first:%Y-%m}"


@pytest.fixture
def account(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with schema_context("humas"):
        decree = make_decree(
            number="UJI/PINTU/2026",
            date=dt.date.today().replace(month=1, day=2),
            effective_date=dt.date.today().replace(month=1, day=2),
        )
        return make_account(decree, active_since=decree.effective_date)


@pytest.fixture
def tamu(db):
    """A user of humas who may use the admin but holds no registry permission."""
    with schema_context("humas"):
        user = get_user_model().objects.create_user(
            "tamu", email="tamu@humas.localhost", password=TEST_PASSWORD
        )
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    return login_client("humas", "tamu")


def _trail(figure: AudienceFigure) -> tuple:
    """What the change left: its audit row and its Wagtail history line, entry-point free."""
    audit = AuditEntry.objects.get(
        action="registry.audience.record",
        object_type="registry.AudienceFigure",
        object_id=str(figure.pk),
    )
    with schema_context("humas"):
        history = ModelLogEntry.objects.filter(object_id=str(figure.pk)).get(
            content_type__model="audiencefigure"
        )
    return (
        audit.instansi.schema_name,
        audit.actor_name,
        audit.action,
        sorted(audit.after),
        history.action,
        history.user_id,
        history.message,
    )


def test_recording_audience_leaves_the_same_trail_from_admin_api_and_command(account):
    admin = login_client("humas")
    response = admin.post(
        AUDIENCE_ADD, {"account": account.pk, "month": _last_month(1), "followers": 100}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = admin.post(
        AUDIENCE_API,
        {"account": account.pk, "month": _last_month(2), "followers": 200},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    call_command(
        "record_audience",
        instansi="humas",
        user="admin",
        account=account.pk,
        month=_last_month(3),
        followers=300,
    )
    with schema_context("humas"):
        figures = list(AudienceFigure.objects.filter(account=account).order_by("-month"))
    assert [f.followers for f in figures] == [100, 200, 300]
    trails = [_trail(f) for f in figures]
    assert trails[0] == trails[1] == trails[2]
    schema, actor, name, changed, history_action, history_user, message = trails[0]
    assert (schema, name, history_action) == ("humas", "registry.audience.record", name)
    assert history_user is not None and message == "Jumlah pengikut sebulan dicatat"


def test_recording_audience_needs_the_same_permission_everywhere(account, tamu):
    month = _last_month(1)
    data = {"account": account.pk, "month": month, "followers": 5}
    admin_answer = tamu.post(AUDIENCE_ADD, data)
    assert admin_answer.status_code in (302, 403)  # Wagtail's "permission denied"
    api_answer = tamu.post(AUDIENCE_API, data, content_type="application/json")
    assert api_answer.status_code == 403
    assert "izin" in api_answer.json()["detail"]
    _, key = api_token_create(instansi=Instansi.objects.get(schema_name="humas"), name="uji")
    token_answer = tenant_client("humas").post(
        AUDIENCE_API, data, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert token_answer.status_code == 403
    with pytest.raises(CommandError, match="izin"):
        call_command(
            "record_audience",
            instansi="humas",
            user="tamu",
            account=account.pk,
            month=month,
            followers=5,
        )
    with schema_context("humas"):
        assert not AudienceFigure.objects.filter(account=account).exists()
    assert not AuditEntry.objects.filter(action="registry.audience.record").exists()


def test_registry_history_is_written_whatever_the_entry_point(account):
    """The admin's retire screen and a direct call (a command, an import) write one trail."""
    admin = login_client("humas")
    with schema_context("humas"):
        second = make_account(account.decree)
    response = admin.post(
        f"/admin/registri/akun/{account.pk}/hentikan/", {"decree": account.decree.pk}
    )
    assert response.status_code in (200, 302)
    with schema_context("humas"):
        services.account_retire(actor=None, account=second, decree=account.decree)
        retired = OfficialAccount.objects.filter(status=OfficialAccount.Status.RETIRED)
        assert {a.pk for a in retired} == {account.pk, second.pk}
        for item in (account, second):
            history = ModelLogEntry.objects.filter(
                object_id=str(item.pk), content_type__model="officialaccount"
            )
            assert list(history.values_list("action", flat=True)) == [
                "registry.account.retire",
                "registry.account.create",
            ]
        decree = SuratKeputusan.objects.get(number="UJI/PINTU/2026")
        assert ModelLogEntry.objects.filter(
            object_id=str(decree.pk), action="registry.decree.create"
        ).exists()
    for item in (account, second):
        assert AuditEntry.objects.filter(
            action="registry.account.retire", object_id=str(item.pk)
        ).exists()


def test_a_public_action_cannot_call_another():
    @action("uji.dalam", "Uji dalam")
    def inner():
        return "dalam"

    @action("uji.luar", "Uji luar")
    def outer():
        return inner()

    with pytest.raises(NestedAction):
        outer()


# --- Every write action with more than one entry point --------------------------------------
#
# For each action: the same permission outcome through each entry point (a holder of the
# permission may, a user without it is refused, with nothing written), the same audit row and
# the same Wagtail history. The inbox, SOP and evaluation rows are not Wagtail-logged models
# (`core.audit.wagtail_logged`), so their history is the same on every path: none.

ENTRY_DENIED = ("izin", "Hanya", "berwenang")


def _user(slug: str, username: str, groups=(), *, admin_access: bool = True):
    from django.contrib.auth.models import Group

    with schema_context(slug):
        user = get_user_model().objects.create_user(
            username,
            email=f"{username}@{slug}.localhost",
            password=TEST_PASSWORD,
            first_name=username.capitalize(),
        )
        if admin_access:
            user.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label="wagtailadmin", codename="access_admin"
                )
            )
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        return user


def _api_token_client(slug: str):
    _, key = api_token_create(instansi=Instansi.objects.get(schema_name=slug), name=f"uji-{slug}")
    client = tenant_client(slug)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def _history(obj) -> list[tuple]:
    """Wagtail's history lines of `obj` in the schema in use (none for a model it does not log)."""
    from wagtail.log_actions import registry as wagtail_log

    return [
        (entry.action, entry.user_id is not None)
        for entry in wagtail_log.get_logs_for_instance(obj).order_by("timestamp", "pk")
    ]


def _audit_trail(action_code: str, obj, *, replace: dict[str, str] | None = None) -> tuple:
    rows = AuditEntry.objects.filter(
        action=action_code, object_type=obj._meta.label, object_id=str(obj.pk)
    )
    assert rows.count() == 1, list(rows.values("action", "object_id"))
    row = rows.get()
    summary = row.summary
    for old, new in (replace or {}).items():
        summary = summary.replace(old, new)
    assert row.actor_name and row.actor_name != "sistem"
    return (
        row.instansi.schema_name,
        row.action,
        row.object_type,
        summary,
        sorted(row.before),
        sorted(row.after),
        _history(obj),
    )


def _refused(response, *, api: bool) -> bool:
    if api:
        return response.status_code == 403 and any(
            word in response.json()["detail"] for word in ENTRY_DENIED
        )
    text = response.content.decode()
    # The admin shows the refusal on the form's page (a 400 for a form sent back) or as a 403.
    return response.status_code in (200, 400, 403) and any(word in text for word in ENTRY_DENIED)


# --- the inbox: its admin screens and its API (an instansi's token, or a user's session) ------


def _new_inquiry():
    from inbox import services as inbox

    return inbox.inquiry_create(
        actor=None,
        instansi=Instansi.objects.get(schema_name="humas"),
        kind="pertanyaan",
        channel="telepon",
        body="Kapan pintu masuk yang sama memberi jawaban yang sama?",
    )


def _answered_inquiry():
    from inbox import services as inbox

    inquiry = _new_inquiry()
    return inbox.inquiry_answer(
        actor=None, instansi=inquiry.instansi, inquiry_id=inquiry.pk, answer="Sudah dijawab."
    )


def _new_referral():
    from inbox import services as inbox

    inquiry = _new_inquiry()
    return inbox.inquiry_refer(
        actor=None,
        instansi=inquiry.instansi,
        inquiry_id=inquiry.pk,
        to_instansi=Instansi.objects.get(schema_name="dinkes"),
    )


# action: (acting instansi, make the object, admin path, admin form, API path, API body)
INBOX_ACTIONS = {
    "inquiry.answer": (
        "humas",
        _new_inquiry,
        "/admin/kotak-masuk/pesan/{pk}/jawab/",
        {"answer": "Setiap Selasa pukul 08.00."},
        "/api/v1/inquiries/{pk}/answer/",
        {"answer": "Setiap Selasa pukul 08.00."},
    ),
    "inquiry.refer": (
        "humas",
        _new_inquiry,
        "/admin/kotak-masuk/pesan/{pk}/rujuk/",
        {"to_instansi": "dinkes", "note": ""},
        "/api/v1/inquiries/{pk}/refer/",
        {"to_instansi": "dinkes", "note": ""},
    ),
    "inquiry.close": (
        "humas",
        _answered_inquiry,
        "/admin/kotak-masuk/pesan/{pk}/tutup/",
        {},
        "/api/v1/inquiries/{pk}/close/",
        {},
    ),
    "referral.answer": (
        "dinkes",
        _new_referral,
        "/admin/kotak-masuk/rujukan/{pk}/jawab/",
        {"answer": "Jadwal terlampir.", "answered_by_name": "dr. Uji"},
        "/api/v1/referrals/{pk}/answer/",
        {"answer": "Jadwal terlampir.", "answered_by_name": "dr. Uji"},
    ),
    "referral.decline": (
        "dinkes",
        _new_referral,
        "/admin/kotak-masuk/rujukan/{pk}/tolak/",
        {"reason": "Bukan kewenangan dinas kesehatan.", "suggested_instansi": ""},
        "/api/v1/referrals/{pk}/decline/",
        {"reason": "Bukan kewenangan dinas kesehatan."},
    ),
}


def _inbox_trail(code: str, target) -> tuple:
    from inbox.models import Inquiry, Referral

    if code == "inquiry.refer":
        obj = Referral.objects.get(inquiry_id=target.pk)
    else:
        obj = type(target).objects.get(pk=target.pk)
    inquiry = obj if isinstance(obj, Inquiry) else obj.inquiry
    return _audit_trail(code, obj, replace={inquiry.tracking_code: "KODE"})


def _inbox_call(code: str, entry: str, client, target):
    slug, _, admin_path, admin_form, api_path, api_body = INBOX_ACTIONS[code]
    if entry == "admin":
        return client.post(admin_path.format(pk=target.pk), admin_form, follow=True)
    return client.post(api_path.format(pk=target.pk), api_body, content_type="application/json")


@pytest.mark.parametrize("code", sorted(INBOX_ACTIONS))
def test_inbox_actions_leave_the_same_trail_from_the_admin_and_the_api(code):
    slug = INBOX_ACTIONS[code][0]
    _user(slug, "petugas", ["Petugas Pengelola Media Sosial"])
    entries = {
        "admin": login_client(slug, "petugas"),
        "api-token": _api_token_client(slug),
        "api-session": login_client(slug, "petugas"),
    }
    trails = {}
    for entry, client in entries.items():
        target = INBOX_ACTIONS[code][1]()
        response = _inbox_call(code, entry, client, target)
        assert response.status_code in (200, 201), (entry, response.content[:500])
        trails[entry] = _inbox_trail(code, target)
    assert trails["admin"] == trails["api-token"] == trails["api-session"], trails
    assert trails["admin"][1] == code and trails["admin"][-1] == []  # not a Wagtail-logged model


@pytest.mark.parametrize("code", sorted(INBOX_ACTIONS))
def test_inbox_actions_refuse_a_user_without_the_permission_everywhere(code):
    from inbox.models import Inquiry, Referral

    slug = INBOX_ACTIONS[code][0]
    # An Editor writes the website: the admin is open to it, the inbox's work is not.
    _user(slug, "editor", ["Editor"])
    for entry in ("admin", "api-session"):
        target = INBOX_ACTIONS[code][1]()
        before = (target.status, target.updated_at if isinstance(target, Inquiry) else None)
        response = _inbox_call(code, entry, login_client(slug, "editor"), target)
        assert _refused(response, api=entry != "admin"), (entry, response.content[:500])
        target.refresh_from_db()
        assert (target.status, target.updated_at if isinstance(target, Inquiry) else None) == (
            before
        )
        if code == "inquiry.refer":
            assert not Referral.objects.filter(inquiry=target).exists()
    assert not AuditEntry.objects.filter(action=code).exists()


# --- the annual report: submitted from the instansi's admin or its API ------------------------

REPORT_YEAR = dt.date.today().year


def _draft_report(slug: str):
    from evaluation import services as evaluation
    from tests.evaluation.factories import NARRATIVE

    with schema_context(slug):
        report = evaluation.report_start(
            instansi=Instansi.objects.get(schema_name=slug), year=REPORT_YEAR, actor=None
        )
        return evaluation.report_update(report=report, actor=None, data=NARRATIVE)


def _submit(entry: str, slug: str, username: str):
    from tests.evaluation.factories import NARRATIVE

    client = login_client(slug, username)
    if entry == "admin":
        path = f"/admin/laporan-tahunan/{REPORT_YEAR}/sampaikan/"
        return client.post(path, NARRATIVE, follow=True)
    path = f"/api/v1/evaluation/reports/{REPORT_YEAR}/submit/"
    return client.post(path, {}, content_type="application/json")


def test_report_submission_is_one_rule_from_the_admin_and_the_api():
    from evaluation.models import AnnualReport

    trails = {}
    for entry, slug in (("admin", "humas"), ("api", "dinkes")):
        report = _draft_report(slug)
        _user(slug, "petugas", ["Petugas Pengelola Media Sosial"])
        _user(slug, "pejabat", ["Pejabat Pengelola"])
        refused = _submit(entry, slug, "petugas")
        assert _refused(refused, api=entry == "api"), (entry, refused.content[:500])
        report.refresh_from_db()
        assert report.status == AnnualReport.Status.DRAFT
        assert not AuditEntry.objects.filter(action="report.submit", object_id=report.pk).exists()
        response = _submit(entry, slug, "pejabat")
        assert response.status_code == 200, (entry, response.content[:500])
        report.refresh_from_db()
        assert report.status == AnnualReport.Status.SUBMITTED
        trail = _audit_trail("report.submit", report)
        trails[entry] = (trail[1:3], trail[3], trail[4:])
    assert trails["admin"] == trails["api"], trails
    # An API token acts for its instansi, but the report is the Kepala's or the pejabat's.
    _draft_report("disdik")
    token = _api_token_client("disdik").post(
        f"/api/v1/evaluation/reports/{REPORT_YEAR}/submit/", {}, content_type="application/json"
    )
    assert token.status_code in (401, 403)


def test_evaluating_is_one_rule_from_the_console_and_a_direct_call():
    """Diskominfo's console and the action called directly (a command, a task) agree."""
    from evaluation import services as evaluation
    from evaluation.models import AnnualReport, Evaluation
    from tests.evaluation.factories import logged_in

    evaluator = _user("diskominfo", "evaluator", ["Evaluator Diskominfo"])
    bystander = _user("diskominfo", "pengamat")
    trails = {}
    for entry, slug in (("console", "humas"), ("direct", "dinkes")):
        report = _draft_report(slug)
        with schema_context(slug):
            evaluation.report_submit(report=report, actor=None)
        if entry == "console":
            path = f"/console/laporan/{report.pk}/mulai/"
            refused = logged_in("diskominfo", bystander).post(path)
            assert refused.status_code == 403
            response = logged_in("diskominfo", evaluator).post(path)
            assert response.status_code == 302, response.content[:500]
        else:
            with schema_context("diskominfo"), pytest.raises(Forbidden):
                evaluation.evaluation_start(report=report, actor=bystander)
            with schema_context("diskominfo"):
                evaluation.evaluation_start(report=report, actor=evaluator)
        report.refresh_from_db()
        assert report.status == AnnualReport.Status.UNDER_EVALUATION
        assert Evaluation.objects.filter(report=report).exists()
        trails[entry] = _audit_trail("report.evaluate_start", report)[1:]
    assert trails["console"] == trails["direct"], trails
    # An instansi's own superuser does not evaluate its report, on any path.
    report = AnnualReport.objects.get(instansi__schema_name="humas", year=REPORT_YEAR)
    with schema_context("humas"), pytest.raises(Forbidden):
        evaluation.report_return(
            report=report, actor=get_user_model().objects.get(username="admin"), note="x" * 20
        )


# --- SOP: an assignment made in the admin or through the API -----------------------------------


def test_assignment_creation_is_one_rule_from_the_admin_and_the_api():
    from django.db import connection

    from sop.models import Assignment
    from tests.sop.factories import START, active_sintang_sop, sintang_people

    with schema_context("humas"):
        people = sintang_people()
        active_sintang_sop()
    connection.set_schema_to_public()
    when = START.strftime("%Y-%m-%dT%H:%M")
    calls = {
        "admin": lambda client, event: client.post(
            "/admin/sop/penugasan/",
            {"event": event, "place": "Aula", "event_at": when, "assignee": people["staf"].pk},
            follow=True,
        ),
        "api": lambda client, event: client.post(
            "/api/v1/sop/penugasan/baru/",
            {"event": event, "place": "Aula", "event_at": START.isoformat(), "assignee": "staf"},
            content_type="application/json",
        ),
    }
    trails = {}
    for entry, call in calls.items():
        refused = call(login_client("humas", "staf"), f"Ditolak {entry}")
        assert _refused(refused, api=entry == "api"), (entry, refused.content[:500])
        response = call(login_client("humas", "kasubbag"), f"Rapat {entry}")
        assert response.status_code in (200, 201), (entry, response.content[:500])
        with schema_context("humas"):
            assert not Assignment.objects.filter(event__startswith="Ditolak").exists()
            assignment = Assignment.objects.get(event=f"Rapat {entry}")
            trails[entry] = _audit_trail(
                "sop.assignment.create", assignment, replace={f"Rapat {entry}": "Rapat"}
            )
    assert trails["admin"] == trails["api"], trails
    assert trails["admin"][-1] == []  # an assignment is not a Wagtail-logged model


# --- the registry: its admin screens and a direct call (what a command or an import runs) -----


def _registry_objects(n: int) -> dict:
    with schema_context("humas"):
        decree = make_decree(
            number=f"UJI/REG/{n}/2026",
            date=dt.date.today().replace(month=1, day=2),
            effective_date=dt.date.today().replace(month=1, day=2),
        )
        account = make_account(decree, active_since=decree.effective_date)
        appointment = services.appointment_create(
            actor=None,
            decree=decree,
            person_name=f"Petugas Uji {n}",
            nip=f"19800101200501100{n}",
            position="Pranata Humas",
            role="petugas",
        )
    return {"decree": decree, "account": account, "appointment": appointment}


# action: (the object it changes, admin path, admin form, direct call)
REGISTRY_ACTIONS = {
    "registry.decree.revoke": (
        "decree",
        "/admin/registri/sk/{pk}/cabut/",
        lambda objs: {"note": "Dicabut untuk uji."},
        lambda actor, objs: services.decree_revoke(
            actor=actor, decree=objs["decree"], note="Dicabut untuk uji."
        ),
    ),
    "registry.account.retire": (
        "account",
        "/admin/registri/akun/{pk}/hentikan/",
        lambda objs: {"decree": objs["decree"].pk},
        lambda actor, objs: services.account_retire(
            actor=actor, account=objs["account"], decree=objs["decree"]
        ),
    ),
    "registry.appointment.end": (
        "appointment",
        "/admin/registri/penunjukan/{pk}/akhiri/",
        lambda objs: {},
        lambda actor, objs: services.appointment_end(actor=actor, appointment=objs["appointment"]),
    ),
}


@pytest.mark.parametrize("code", sorted(REGISTRY_ACTIONS))
def test_registry_actions_are_one_rule_from_the_admin_and_a_direct_call(
    code, tamu, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    kind, path, form, call = REGISTRY_ACTIONS[code]
    with schema_context("humas"):
        user = get_user_model().objects.get(username="tamu")
        admin = get_user_model().objects.get(username="admin")
    trails = {}
    for n, entry in enumerate(("admin", "direct"), start=1):
        objs = _registry_objects(n)
        target = objs[kind]
        if entry == "admin":
            refused = tamu.post(path.format(pk=target.pk), form(objs))
            assert refused.status_code in (302, 403)  # Wagtail's "permission denied"
            response = login_client("humas").post(path.format(pk=target.pk), form(objs))
            assert response.status_code == 302, response.content.decode()[:2000]
        else:
            with schema_context("humas"):
                with pytest.raises(Forbidden):
                    call(user, objs)
                call(admin, objs)
        assert AuditEntry.objects.filter(action=code, object_id=str(target.pk)).count() == 1
        with schema_context("humas"):
            target.refresh_from_db()
            names = {str(target): "OBJEK", f"/{n}/": "/N/", f" {n}": " N"}
            trails[entry] = _audit_trail(code, target, replace=names)
    assert trails["admin"] == trails["direct"], trails
    history = trails["admin"][-1]
    assert history[-1] == (code, True)  # the snippet's own history, by the signed-in user
