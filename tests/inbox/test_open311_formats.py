"""Open311 GeoReport v2 to the letter: every endpoint in XML (required by the specification)
and JSON, with the specification's element names, errors in its shape in both formats,
comma-separated filters, the location rule of POST and the regency's jurisdiction_id; then a
real client (the `georeport` package) driving the endpoint in both formats."""

import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
import requests
from django.conf import settings
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from inbox import services
from inbox.models import Inquiry
from tenants.models import Instansi
from tests.conftest import tenant_client

from .helpers import random_ip

pytestmark = pytest.mark.django_db

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
# The element names and their order, as GeoReport v2 writes them.
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
RECEIPT_FIELDS = ["service_request_id", "service_notice", "account_id"]
# A list's element and the element of each of its items, in the specification's documents.
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
}
LOCATION = {"address_string": "Jl. Merdeka 1"}


def _client() -> Client:
    client = tenant_client(None)
    client.defaults["REMOTE_ADDR"] = random_ip()  # no test is refused for another's rate
    return client


def _parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (our own server's answer, no entities)


def _from_xml(element: ET.Element):
    """The XML document as JSON would have it: lists by LIST_ITEMS, empty elements as None."""
    if element.tag in LIST_ITEMS:
        assert all(child.tag == LIST_ITEMS[element.tag] for child in element), element.tag
        return [_from_xml(child) for child in element]
    if len(element):
        assert len({c.tag for c in element}) == len(element), "an element repeated"
        return {child.tag: _from_xml(child) for child in element}
    return element.text


def _as_xml_text(value):
    """A JSON value as the XML document carries it (text, `true`/`false`, empty for null)."""
    if isinstance(value, dict):
        return {k: _as_xml_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_xml_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None or value == "" else str(value)


def _both(client: Client, method: str, path: str, data=None, **kwargs):
    """Call `path` (with `{fmt}` for the suffix) in both formats; check each response's type,
    and that the XML parses to the same document as the JSON. (root, json data, status)."""
    call = getattr(client, method)
    as_json = (
        call(path.format(fmt="json"), data, **kwargs) if data else call(path.format(fmt="json"))
    )
    as_xml = call(path.format(fmt="xml"), data, **kwargs) if data else call(path.format(fmt="xml"))
    assert as_json["Content-Type"] == JSON_TYPE and as_xml["Content-Type"] == XML_TYPE
    assert as_xml.status_code == as_json.status_code
    assert as_xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = _parse(as_xml.content)
    data_json = as_json.json()
    if method == "get":  # a POST creates a new request each time: compare the shape only
        assert _from_xml(root) == _as_xml_text(data_json)
    return root, data_json, as_json.status_code


def _inquiry(slug: str = "dinkes", kind: str = "pertanyaan", body: str = "Jadwal?") -> Inquiry:
    return services.inquiry_create(
        actor=None,
        instansi=Instansi.objects.get(schema_name=slug),
        kind=kind,
        channel=Inquiry.Channel.SITUS,
        body=body,
    )


def _assert_error(root: ET.Element, data, status: int, fragment: str = "") -> None:
    """The specification's error: `<errors><error><code/><description/></error></errors>`."""
    assert root.tag == "errors" and [e.tag for e in root] == ["error"]
    assert [c.tag for c in root[0]] == ["code", "description"]
    assert root[0].findtext("code") == str(status)
    [error] = data
    assert error["code"] == status and fragment in error["description"]


# --- every endpoint in both formats ---------------------------------------------------------


def test_discovery_lists_both_formats():
    root, data, status = _both(_client(), "get", "/open311/v2/discovery.{fmt}")
    assert status == 200 and root.tag == "discovery"
    [endpoint] = data["endpoints"]
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert [e.text for e in root.find("endpoints/endpoint/formats")] == endpoint["formats"]


def test_services_list_in_both_formats():
    root, data, status = _both(_client(), "get", "/open311/v2/services.{fmt}")
    assert status == 200 and root.tag == "services"
    assert {s.tag for s in root} == {"service"} and len(root) == len(data)
    assert all([c.tag for c in service] == SERVICE_FIELDS for service in root)
    dinkes = next(s for s in root if s.findtext("service_code") == "dinkes.pertanyaan")
    assert dinkes.findtext("metadata") == "false" and dinkes.findtext("type") == "realtime"
    assert dinkes.findtext("group") == "Dinas Kesehatan"


def test_service_definition_in_both_formats():
    root, data, status = _both(_client(), "get", "/open311/v2/services/dinkes.saran.{fmt}")
    assert status == 200 and root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    assert data == {"service_code": "dinkes.saran", "attributes": []}
    root, data, status = _both(_client(), "get", "/open311/v2/services/dinkes.keluhan.{fmt}")
    _assert_error(root, data, 404, "service_code")


def test_requests_list_and_detail_in_both_formats():
    inquiry = _inquiry()
    services.inquiry_answer(
        actor=None,
        instansi=inquiry.instansi,
        inquiry_id=inquiry.pk,
        answer='Buka <pagi> & "sore" — Minggu',
    )
    client = _client()
    root, data, status = _both(client, "get", "/open311/v2/requests.{fmt}")
    assert status == 200 and root.tag == "service_requests"
    assert {r.tag for r in root} == {"request"}
    assert all([c.tag for c in request] == REQUEST_FIELDS for request in root)
    [mine] = [r for r in root if r.findtext("service_request_id") == inquiry.public_request_id]
    # Escaped by construction: the reply's markup characters come back as text.
    assert mine.findtext("status_notes") == 'Buka <pagi> & "sore" — Minggu'
    assert mine.find("description").text is None and mine.find("lat").text is None

    path = f"/open311/v2/requests/{inquiry.public_request_id}.{{fmt}}"
    root, data, status = _both(client, "get", path)
    assert status == 200 and root.tag == "service_requests" and len(root) == 1
    assert [c.tag for c in root[0]] == REQUEST_FIELDS
    assert data[0]["service_request_id"] == inquiry.public_request_id
    assert inquiry.tracking_code not in str(data)

    root, data, status = _both(client, "get", "/open311/v2/requests/ZZZZ-ZZZZ.{fmt}")
    _assert_error(root, data, 404, "ZZZZ-ZZZZ")


def test_post_in_both_formats_answers_the_receipt():
    client = _client()
    body = {"service_code": "humas.saran", "description": "Tambah lampu jalan", **LOCATION}
    root, data, status = _both(client, "post", "/open311/v2/requests.{fmt}", body)
    assert status == 201 and root.tag == "service_requests" and len(root) == 1
    assert [c.tag for c in root[0]] == RECEIPT_FIELDS
    assert root[0].find("account_id").text is None
    from_xml = Inquiry.objects.get(public_request_id=root[0].findtext("service_request_id"))
    from_json = Inquiry.objects.get(public_request_id=data[0]["service_request_id"])
    assert from_xml != from_json
    for inquiry in (from_xml, from_json):
        assert inquiry.instansi.schema_name == "humas" and inquiry.channel == "open311"
        assert inquiry.channel_detail == "Jl. Merdeka 1"
    assert from_xml.tracking_code in root[0].findtext("service_notice")


def test_errors_in_both_formats():
    client = _client()
    root, data, _ = _both(client, "get", "/open311/v2/requests.{fmt}?status=half")
    _assert_error(root, data, 400, "status")
    root, data, _ = _both(client, "get", "/open311/v2/requests.{fmt}?start_date=kemarin")
    _assert_error(root, data, 400, "start_date")
    for fmt in ("json", "xml"):
        response = client.put(f"/open311/v2/requests.{fmt}")
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD, POST"
        assert response["Content-Type"] == (XML_TYPE if fmt == "xml" else JSON_TYPE)
    root = _parse(client.delete("/open311/v2/services.xml").content)
    assert root.tag == "errors" and root.findtext("error/code") == "405"


def test_characters_xml_cannot_carry_do_not_break_the_document():
    inquiry = _inquiry()
    reply = "Jam\x0b buka\x1b 08.00\x0c"
    services.inquiry_answer(
        actor=None, instansi=inquiry.instansi, inquiry_id=inquiry.pk, answer=reply
    )
    client = _client()
    path = f"/open311/v2/requests/{inquiry.public_request_id}"
    assert client.get(f"{path}.json").json()[0]["status_notes"] == reply.strip()
    root = _parse(client.get(f"{path}.xml").content)  # parses: left out of the XML
    assert root.findtext("request/status_notes") == "Jam buka 08.00"
    response = client.get("/open311/v2/services/%01%1B%EF%BF%BE.saran.xml")
    assert response.status_code == 404
    assert _parse(response.content).findtext("error/code") == "404"


# --- comma-separated lists --------------------------------------------------------------------


def test_status_and_service_code_take_lists():
    open_one = _inquiry("dinkes", "saran")
    closed_one = _inquiry("disdik", "kritik")
    services.inquiry_answer(
        actor=None, instansi=closed_one.instansi, inquiry_id=closed_one.pk, answer="Sudah."
    )
    services.inquiry_close(actor=None, instansi=closed_one.instansi, inquiry_id=closed_one.pk)
    other = _inquiry("humas", "saran")
    client = _client()

    def ids(query: str) -> set[str]:
        root, data, status = _both(client, "get", "/open311/v2/requests.{fmt}?" + query)
        assert status == 200, data
        return {r["service_request_id"] for r in data}

    both = ids("service_code=dinkes.saran,disdik.kritik&status=open,closed")
    assert {open_one.public_request_id, closed_one.public_request_id} <= both
    assert other.public_request_id not in both
    assert closed_one.public_request_id not in ids(
        "service_code=dinkes.saran,disdik.kritik&status=open"
    )
    only_closed = ids("status=closed, &service_code=disdik.kritik,dinkes.saran,")
    assert closed_one.public_request_id in only_closed
    assert open_one.public_request_id not in only_closed
    root, data, _ = _both(client, "get", "/open311/v2/requests.{fmt}?status=open,half")
    _assert_error(root, data, 400, "status")
    path = "/open311/v2/requests.{fmt}?service_code=dinkes.saran,dinkes.keluhan"
    root, data, _ = _both(client, "get", path)
    _assert_error(root, data, 400, "dinkes.keluhan")
    # A date range spans at most 90 days (GeoReport v2).
    day = open_one.created_at
    window = f"start_date={(day - timedelta(days=1)).isoformat()}&end_date="
    listed = ids(quote(window + (day + timedelta(days=1)).isoformat(), safe="=&"))
    assert open_one.public_request_id in listed
    path = "/open311/v2/requests.{fmt}?" + quote(
        window + (day + timedelta(days=90)).isoformat(), safe="=&"
    )
    root, data, _ = _both(client, "get", path)
    _assert_error(root, data, 400, "90 hari")
    # service_request_id overrides every other filter (GeoReport v2).
    listed = ids(f"service_request_id={other.public_request_id}&service_code=dinkes.saran")
    assert listed == {other.public_request_id}


def test_listing_by_many_codes_keeps_its_query_count(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client()
    path = "/open311/v2/requests.xml?service_code=dinkes.saran,disdik.saran,tidak-tahu.kritik"
    for slug in ("dinkes", "disdik"):
        _inquiry(slug, "saran")
    client.get(path)  # warm the host lookup

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = count()
    for slug in ("dinkes", "disdik", "humas", "dinkes"):
        _inquiry(slug, "saran")
        _inquiry(slug, "kritik")
    assert count() == few
    with django_assert_max_num_queries(8):
        client.get(path)


# --- the location rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "detail"),
    [
        ({"lat": "-0.502", "long": "117.153"}, "lat -0.502, long 117.153"),
        ({"address_string": "  RT 04, Kel. Sempaja  "}, "RT 04, Kel. Sempaja"),
        ({"address_id": "KEL-6472-01"}, "address_id KEL-6472-01"),
        (
            {"address_string": "Pasar Segiri", "lat": "-0.5", "long": "117.15"},
            "Pasar Segiri; lat -0.5, long 117.15",
        ),
    ],
)
def test_post_with_a_location_is_accepted(location, detail):
    body = {"service_code": "dinkes.saran", "description": "Perbaiki jalan", **location}
    response = _client().post("/open311/v2/requests.json", body)
    assert response.status_code == 201, response.content
    inquiry = Inquiry.objects.get(public_request_id=response.json()[0]["service_request_id"])
    assert inquiry.channel_detail == detail


@pytest.mark.parametrize(
    ("location", "fragment"),
    [
        ({}, "Lokasi wajib"),
        ({"address_string": "   ", "address_id": ""}, "Lokasi wajib"),
        ({"lat": "-0.5"}, "lat dan long"),
        ({"long": "117.1", "address_string": "Pasar"}, "lat dan long"),
        ({"lat": "91", "long": "117.1"}, "lat harus"),
        ({"lat": "-0.5", "long": "-180.5"}, "long harus"),
        ({"lat": "nan", "long": "1"}, "lat harus"),
        ({"lat": "utara", "long": "1"}, "lat harus"),
    ],
)
def test_post_without_a_usable_location_is_a_400_in_both_formats(location, fragment):
    before = Inquiry.objects.count()
    body = {"service_code": "dinkes.saran", "description": "Perbaiki jalan", **location}
    root, data, _ = _both(_client(), "post", "/open311/v2/requests.{fmt}", body)
    _assert_error(root, data, 400, fragment)
    assert Inquiry.objects.count() == before


def test_json_post_takes_numeric_coordinates_and_refuses_other_types():
    client = _client()
    body = {"service_code": "dinkes.saran", "description": "Banjir", "lat": -0.5, "long": 117}
    created = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert created.status_code == 201
    for lat in (True, [1], {"a": 1}, 1e400):
        body = {**body, "lat": lat}
        response = client.post("/open311/v2/requests.json", body, content_type="application/json")
        assert response.status_code == 400 and "lat harus" in response.json()[0]["description"]


# --- jurisdiction_id ----------------------------------------------------------------------------


def test_the_regency_jurisdiction_is_accepted_and_another_is_a_404():
    own = settings.SIMPUL_BASE_DOMAIN
    assert own  # the regency's id is its base domain
    client = _client()
    for path in (
        "/open311/v2/discovery.{fmt}",
        "/open311/v2/services.{fmt}",
        "/open311/v2/services/dinkes.saran.{fmt}",
        "/open311/v2/requests.{fmt}",
    ):
        _, _, status = _both(client, "get", f"{path}?jurisdiction_id={own.upper()}")
        assert status == 200, path
        root, data, _ = _both(client, "get", f"{path}?jurisdiction_id=kota-lain.go.id")
        _assert_error(root, data, 404, "jurisdiction_id")

    before = Inquiry.objects.count()
    body = {"service_code": "dinkes.saran", "description": "x", **LOCATION}
    root, data, _ = _both(
        client, "post", "/open311/v2/requests.{fmt}", {**body, "jurisdiction_id": "lain.go.id"}
    )
    _assert_error(root, data, 404, "jurisdiction_id")
    assert Inquiry.objects.count() == before
    _, _, status = _both(
        client, "post", "/open311/v2/requests.{fmt}", {**body, "jurisdiction_id": own}
    )
    assert status == 201 and Inquiry.objects.count() == before + 2


# --- a real client: georeport, over requests, into Django's test client ------------------------


class DjangoClientAdapter(BaseAdapter):
    """A requests transport that hands each request to Django's test client (in the test's
    transaction) instead of a socket: the client's own URLs, parameters and parsing run."""

    def __init__(self, client: Client):
        super().__init__()
        self.client = client

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        body = request.body.encode() if isinstance(request.body, str) else request.body or b""
        answer = self.client.generic(
            request.method,
            path,
            body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            HTTP_HOST=url.hostname,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason_phrase
        response.headers = CaseInsensitiveDict(answer.headers)
        response.raw = io.BytesIO(answer.content)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def open311_root(monkeypatch) -> str:
    adapter = DjangoClientAdapter(_client())
    monkeypatch.setattr(requests.Session, "get_adapter", lambda self, url: adapter)
    return f"http://{settings.SIMPUL_BASE_DOMAIN}/open311/v2"


def _as_list(value) -> list:
    """xmltodict gives a lone repeated element as a dict, several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_georeport_client_drives_the_endpoint(open311_root, fmt):
    from georeport import GeoReport

    client = GeoReport(open311_root, jurisdiction=settings.SIMPUL_BASE_DOMAIN, output_format=fmt)
    as_json = GeoReport(open311_root, jurisdiction=settings.SIMPUL_BASE_DOMAIN)

    listed = client.get_service_list()
    assert _as_xml_text(as_json.get_service_list()) == _as_xml_text(listed)
    assert any(s["service_code"] == "disdik.pertanyaan" for s in listed)
    definition = client.get_service_definition("disdik.pertanyaan")
    assert definition["service_code"] == "disdik.pertanyaan"

    # georeport 0.3.1 has no method for POST: the request goes through requests, as it would.
    posted = requests.post(
        f"{open311_root}/requests.{fmt}",
        data={
            "service_code": "disdik.pertanyaan",
            "description": "Kapan PPDB dibuka?",
            "lat": "-0.49",
            "long": "117.14",
            "jurisdiction_id": settings.SIMPUL_BASE_DOMAIN,
        },
        timeout=5,
    )
    assert posted.status_code == 201
    if fmt == "json":
        request_id = posted.json()[0]["service_request_id"]
    else:
        request_id = _parse(posted.content).findtext("request/service_request_id")
    assert Inquiry.objects.get(public_request_id=request_id).channel == "open311"

    one = client.get_service_request(request_id)
    assert one["service_request_id"] == request_id and one["status"] == "open"
    assert _as_xml_text(as_json.get_service_request(request_id)) == _as_xml_text(one)
    found = _as_list(client.get_service_requests(service_request_id=request_id))
    assert [r["service_request_id"] for r in found] == [request_id]
    filtered = _as_list(
        client.get_service_requests(
            service_code="disdik.pertanyaan,dinkes.saran", status="open,closed"
        )
    )
    assert request_id in {r["service_request_id"] for r in filtered}

    with pytest.raises(requests.HTTPError) as refused:
        GeoReport(
            open311_root, jurisdiction="kota-lain.go.id", output_format=fmt
        ).get_service_list()
    assert refused.value.response.status_code == 404
