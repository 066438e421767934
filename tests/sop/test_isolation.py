"""One instansi's SOPs, assignments and timings are unreachable from another's host or token."""

from django.db import connection

from sop import selectors, services
from sop.models import Assignment, Sop
from tenants.services import api_token_create
from tests.conftest import login_client, tenant_client

from .factories import START, sintang_people


def test_sops_assignments_and_timings_stay_in_their_instansi(instansi, people, sintang, clock):
    assignment = services.assignment_create(
        actor=people["kasubbag"],
        event="Rahasia humas",
        place="Aula",
        event_at=START,
        assignee=people["staf"],
    )
    humas_token = api_token_create(instansi=instansi["humas"], name="uji-sop")[1]

    connection.set_tenant(instansi["dinkes"])
    dinkes_people = sintang_people("dk")
    dinkes_sop = services.sop_create_from_template(actor=None, template_key="kobar_lampiran_b")
    assert list(Sop.objects.values_list("pk", flat=True)) == [dinkes_sop.pk]
    assert not Assignment.objects.filter(event="Rahasia humas").exists()
    assert selectors.sop_stats(start=START, end=clock.now)["steps_total"] == 0
    assert selectors.sop_active_publication() is None
    assert dinkes_people["kasubbag"].username == "dkkasubbag"

    connection.set_schema_to_public()
    dinkes = login_client("dinkes")
    assert dinkes.get(f"/api/v1/sop/penugasan/{assignment.pk}/").status_code == 404
    titles = [s["title"] for s in dinkes.get("/api/v1/sop/").json()]
    assert titles == ["Mekanisme Pelayanan Informasi melalui Media Sosial"]
    assert dinkes.get(f"/admin/sop/penugasan/{assignment.pk}/").status_code == 404
    # Ids are per schema: the same number on dinkes's host is dinkes's own SOP or nothing.
    same_id = dinkes.get(f"/api/v1/sop/{sintang.pk}/")
    assert same_id.status_code == 404 or same_id.json()["title"] != sintang.title

    # humas's token and humas's session are worthless on dinkes's host.
    token_on_dinkes = tenant_client("dinkes").get(
        "/api/v1/sop/penugasan/", HTTP_AUTHORIZATION=f"Token {humas_token}"
    )
    assert token_on_dinkes.status_code in (401, 403)
    humas_session = login_client("humas", "kasubbag")
    humas_session.defaults["HTTP_HOST"] = dinkes.defaults["HTTP_HOST"]
    assert humas_session.get("/api/v1/sop/penugasan/").status_code in (401, 403)

    # On its own host the token reads humas's assignment with its timings.
    own = tenant_client("humas").get(
        f"/api/v1/sop/penugasan/{assignment.pk}/", HTTP_AUTHORIZATION=f"Token {humas_token}"
    )
    assert own.status_code == 200
    assert own.json()["steps"][0]["state_code"] == "berjalan"
