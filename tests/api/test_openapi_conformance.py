"""The published OpenAPI schemas are exactly true: schemathesis with every check finds nothing.

Every operation of an instansi's `/api/schema/` is exercised in-process (WSGI) with that
instansi's token, in positive and negative generation modes, with all of schemathesis'
checks (status codes, response schemas, content types, negative data rejected, positive data
accepted, ...). The inquiry operations are also run as the instansi an inquiry was referred to,
with the real inquiry id, where the response must still match the schema without the citizen's
tracking code. The portal's public verification API has its own schema, fuzzed the same way.
"""

import os
import uuid
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from inbox.models import Inquiry
from tenants.models import Instansi
from tenants.services import api_token_create
from tests.conftest import host_of

pytestmark = pytest.mark.django_db

# Bounded so the file runs in well under a minute; SIMPUL_OPENAPI_EXAMPLES raises it for a deeper run.
EXAMPLES_PER_OPERATION = int(os.environ.get("SIMPUL_OPENAPI_EXAMPLES", "12"))


@contextmanager
def in_process():
    # In-process requests share the test's connection and transaction: like Django's test
    # client, keep the request signals from closing that connection. (Django's test client
    # connects them again after each request: nothing inside this block may use it.)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema(app, host: str):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers={"Host": host})


def _ordered_period(start: str, end: str):
    """Dates the schema allows in any order; the server rightly wants the start first."""

    def fix(case) -> None:
        query = case.query if isinstance(case.query, dict) else {}
        given = start in query or end in query
        if given and not (query.get(start) and query.get(end) and query[start] < query[end]):
            query[start], query[end] = "2026-01-01", "2026-02-01"

    return fix


def _plain_channel(case) -> None:
    """The channel "akun resmi" needs the id of a registered account: use a plain channel."""
    if isinstance(case.body, dict):
        case.body.pop("official_account", None)
        if case.body.get("channel") == "akun_resmi":
            case.body["channel"] = "telepon"


def _real_instansi(field: str, slug: str):
    def fix(case) -> None:
        if isinstance(case.body, dict) and field in case.body:
            case.body[field] = slug

    return fix


def _one_way_to_name_an_account(case) -> None:
    """`url`, or `platform` with `handle`; a URL's many spelling rules are the server's own."""
    query = case.query if isinstance(case.query, dict) else {}
    if "url" in query or not (query.get("platform") and query.get("handle")):
        query["url"] = "https://instagram.com/humas.contoh"


# Rules the schema cannot state (one field depends on another or on what exists): schema-valid
# requests are made to satisfy them too, so "schema-valid data is accepted" checks the rest.
POSITIVE_FIXUPS = {
    ("GET", "/api/v1/inquiries/stats/"): _ordered_period("start", "end"),
    ("GET", "/api/v1/sop/statistik/"): _ordered_period("dari", "sampai"),
    ("POST", "/api/v1/inquiries/"): _plain_channel,
    ("GET", "/api/v1/verify"): _one_way_to_name_an_account,
    ("POST", "/api/v1/inquiries/{inquiry_id}/refer/"): _real_instansi("to_instansi", "dinkes"),
    ("POST", "/api/v1/referrals/{referral_id}/decline/"): _real_instansi(
        "suggested_instansi", "disdik"
    ),
}


def token_headers(slug: str) -> dict:
    _, key = api_token_create(instansi=Instansi.objects.get(schema_name=slug), name="openapi")
    return {"Host": host_of(slug), "Authorization": f"Token {key}"}


def fuzz(schema, headers: dict, *, path_filter=None, path_parameters=None) -> tuple[int, list]:
    """Run every (selected) operation; return how many ran and the failures found."""
    failures, ran = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if path_filter is not None and not path_filter(operation.path):
            continue
        ran += 1
        params = path_parameters(operation) if path_parameters else None
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=params),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=params),
        )

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def exercise(case):
            fixup = POSITIVE_FIXUPS.get((case.method.upper(), case.operation.path))
            positive = case.meta.generation.mode.is_positive
            if fixup is not None and positive:
                fixup(case)
            if positive and case.headers and case.headers.get("Idempotency-Key"):
                # A key is unique per request (as the parameter says): one the generator repeats
                # with another body is rightly refused with 422.
                case.headers["Idempotency-Key"] = uuid.uuid4().hex
            if case.query and case.query.get("url") and case.operation.path == "/api/v1/verify":
                # With a URL the server reads nothing else (as the operation says).
                case.query.pop("platform", None)
                case.query.pop("handle", None)
            case.call_and_validate(headers=headers)

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported below
            failures.append(f"{operation.label}: {str(exc).strip()[:1500]}")
    return ran, failures


def test_every_instansi_operation_conforms_for_a_token():
    headers = token_headers("humas")
    with in_process() as app:
        ran, failures = fuzz(load_schema(app, headers["Host"]), headers)
    assert ran >= 20
    assert not failures, "\n\n".join(failures)


def test_inquiry_operations_conform_for_the_referred_to_instansi(client):
    humas = token_headers("humas")
    created = client.post(
        "/api/v1/inquiries/",
        {"kind": "pertanyaan", "channel": "telepon", "body": "Jadwal vaksin anak sekolah?"},
        content_type="application/json",
        HTTP_HOST=humas["Host"],
        HTTP_AUTHORIZATION=humas["Authorization"],
    )
    assert created.status_code == 201, created.content
    inquiry_id = created.json()["id"]
    referred = client.post(
        f"/api/v1/inquiries/{inquiry_id}/refer/",
        {"to_instansi": "dinkes"},
        content_type="application/json",
        HTTP_HOST=humas["Host"],
        HTTP_AUTHORIZATION=humas["Authorization"],
    )
    assert referred.status_code == 201, referred.content

    dinkes = token_headers("dinkes")
    seen = client.get(
        f"/api/v1/inquiries/{inquiry_id}/",
        HTTP_HOST=dinkes["Host"],
        HTTP_AUTHORIZATION=dinkes["Authorization"],
    )
    assert seen.status_code == 200 and "tracking_code" not in seen.json()

    with in_process() as app:
        ran, failures = fuzz(
            load_schema(app, dinkes["Host"]),
            dinkes,
            path_filter=lambda path: path.startswith("/api/v1/inquiries/{inquiry_id}/"),
            path_parameters=lambda operation: {"inquiry_id": inquiry_id},
        )
    assert ran >= 6
    assert not failures, "\n\n".join(failures)


def test_portal_verify_api_has_its_own_schema_and_conforms():
    portal = host_of(None)
    with in_process() as app:
        schema = load_schema(app, portal)
        assert {result.ok().path for result in schema.get_all_operations()} == {"/api/v1/verify"}
        ran, failures = fuzz(schema, {"Host": portal})
    assert ran == 1
    assert not failures, "\n\n".join(failures)


def test_portal_api_docs_page(client):
    page = client.get("/api/docs/", HTTP_HOST=host_of(None))
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
    raw = client.get("/api/schema/?format=json", HTTP_HOST=host_of(None)).json()
    assert raw["info"]["title"] == "Simpul API portal kabupaten"
    assert list(raw["paths"]) == ["/api/v1/verify"]


# --- what the schema now says, and the server enforces, without the fuzzer's luck --------------


def _schema_of(client, slug):
    return client.get("/api/schema/?format=json", HTTP_HOST=host_of(slug)).json()


def _call(client, headers, method, path, data=None):
    return getattr(client, method)(
        path,
        data,
        content_type="application/json",
        HTTP_HOST=headers["Host"],
        HTTP_AUTHORIZATION=headers["Authorization"],
    )


def test_schema_declares_enums_dates_and_the_optional_tracking_code(client):
    raw = _schema_of(client, "humas")
    components, paths = raw["components"]["schemas"], raw["paths"]

    def param(path, method, name):
        return next(p for p in paths[path][method]["parameters"] if p["name"] == name)["schema"]

    assert set(param("/api/v1/inquiries/", "get", "status")["enum"]) == set(Inquiry.Status.values)
    assert set(param("/api/v1/inquiries/", "get", "kind")["enum"]) == set(Inquiry.Kind.values)
    assert param("/api/v1/inquiries/stats/", "get", "start")["format"] == "date"
    assert param("/api/v1/sop/statistik/", "get", "dari")["format"] == "date"
    create = components["InboxInquiryCollectionInputRequest"]["properties"]
    assert create["kind"]["allOf"] == [{"$ref": "#/components/schemas/InquiryKindEnum"}]
    assert create["channel"]["allOf"] == [{"$ref": "#/components/schemas/InquiryChannelEnum"}]
    answer = components["InboxInquiryAnswerInputRequest"]["properties"]["answer"]
    assert answer["type"] == "string" and answer["minLength"] == 1 and "pattern" in answer
    topics = components["InboxInquiryTopicsInputRequest"]["properties"]["topics"]
    assert topics["type"] == "array" and topics["items"]["type"] == "string"
    inquiry = components["InquiryDetailOutput"]
    assert "tracking_code" in inquiry["properties"]
    assert "tracking_code" not in inquiry["required"]


def test_session_only_operations_say_so(client):
    paths = _schema_of(client, "humas")["paths"]
    session_only = {
        (path, method)
        for path, item in paths.items()
        for method, operation in item.items()
        if operation.get("security") == [{"cookieAuth": []}]
    }
    assert session_only == {
        ("/api/v1/sop/dari-templat/", "post"),
        ("/api/v1/sop/{id}/ubah/", "post"),
        ("/api/v1/sop/{id}/berlakukan/", "post"),
        ("/api/v1/sop/penugasan/baru/", "post"),
        ("/api/v1/sop/penugasan/{id}/draf/", "post"),
        ("/api/v1/sop/penugasan/{id}/unggahan/", "post"),
        ("/api/v1/evaluation/reports/{year}/submit/", "post"),
    }
    assert paths["/api/v1/inquiries/"]["get"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("answer/", {"answer": 0}, "answer"),
        ("answer/", {"answer": True}, "answer"),
        ("answer/", {"answer": "   "}, "answer"),
        ("reply/", {"reply": ["teks"]}, "reply"),
        ("topics/", {"topics": {}}, "topics"),
        ("topics/", {"topics": [1, 2]}, "topics"),
        ("topics/", {"topics": "vaksin"}, "topics"),
    ],
)
def test_non_strings_are_refused_not_stored(client, path, data, field):
    humas = token_headers("humas")
    created = _call(
        client, humas, "post", "/api/v1/inquiries/", {"kind": "pertanyaan", "body": "Jadwal?"}
    )
    inquiry_id = created.json()["id"]
    response = _call(client, humas, "post", f"/api/v1/inquiries/{inquiry_id}/{path}", data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    after = _call(client, humas, "get", f"/api/v1/inquiries/{inquiry_id}/").json()
    assert after["status"] == "diterima" and after["public_reply"] == "" and after["topics"] == []


@pytest.mark.parametrize(
    "data",
    [{"kind": 1, "body": "x"}, {"kind": "pertanyaan", "channel": 3, "body": "x"}],
)
def test_choices_must_be_strings(client, data):
    response = _call(client, token_headers("humas"), "post", "/api/v1/inquiries/", data)
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("query", ["status=", "overdue=", "overdue=ya", "kind=KRITIK"])
def test_filters_outside_the_schema_are_refused(client, query):
    response = _call(client, token_headers("humas"), "get", f"/api/v1/inquiries/?{query}")
    assert response.status_code == 400, response.content
