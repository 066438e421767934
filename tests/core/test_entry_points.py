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
