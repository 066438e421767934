"""Open311 GeoReport v2 facade on the portal (`<base>/open311/v2/`), in XML and JSON.

Every endpoint answers in both formats, chosen by the suffix as the specification says:
`discovery`, `services`, `services/<code>`, `requests` (GET lists, POST files an inquiry) and
`requests/<id>`, each `.xml` (required by GeoReport v2; `text/xml; charset=utf-8`) or `.json`
(`application/json; charset=utf-8`). One builder makes each record (a service, a request, a
receipt, an error) and two renderers write it: JSON as is, XML with the specification's element
names (`<services><service>…`, `<service_requests><request>…`, `<errors><error><code/>
<description/></error></errors>`; a list's items are named by `XML_ITEM`, null is an empty
element, booleans are `true`/`false`). Services are realtime, so POST answers with the id at
once and there is no `tokens/<token>` resource.

Services are the inquiry kinds of each instansi (`<slug>.<kind>`, plus `tidak-tahu.<kind>` for
Diskominfo to triage). `service_request_id` is the inquiry's public request id
(`Inquiry.public_request_id`), never its tracking code: the code is the citizen's key to the
answer and is given only to the one who sent the request (the POST's `service_notice`). The
listing is public and throttled per client. Listings carry only public, non-personal fields:
the citizen's own text (`description`), contact and location are never returned,
`status_notes` is the reply the instansi wrote for the public, `expected_datetime` comes from
the referral clock, and `agency_responsible` names the instansi that clock runs for (the
receiving instansi when no referral is pending). `status` and `service_code` take
comma-separated lists; `service_request_id` (a list too) overrides the other filters; without
dates the listing covers the last 90 days, and a start_date–end_date range spans at most 90.

A POST must say where the matter is, as the specification requires: `lat` and `long`
together, `address_string`, or `address_id` (kept with the inquiry as its channel detail for
the staff, never published). `jurisdiction_id` is optional, since the endpoint serves one
regency; when given it must be the regency's own id, its base domain (SIMPUL_BASE_DOMAIN),
and any other is a 404. Errors use the standard shape in the requested format; bad input of
any kind is a 400 in that shape, a wrong method a 405.
"""

import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from core.errors import NotFound, SimpulError
from tenants.models import Instansi

from . import selectors
from . import services as inbox_services
from .models import BODY_MAX_LENGTH, Inquiry, Referral
from .ratelimit import limit_reached

FORMATS = ("xml", "json")
DONT_KNOW_PREFIX = "tidak-tahu"
LIST_LIMIT = 200
MAX_REQUEST_IDS = 100
MAX_SERVICE_CODES = 100
DEFAULT_WINDOW_DAYS = 90
STATUSES = ("open", "closed")
KIND_DESCRIPTIONS = {
    Inquiry.Kind.PERTANYAAN: "Ajukan pertanyaan",
    Inquiry.Kind.KOMENTAR: "Sampaikan komentar",
    Inquiry.Kind.KRITIK: "Sampaikan kritik",
    Inquiry.Kind.SARAN: "Sampaikan saran",
}
# When this endpoint last changed (GeoReport's discovery `changeset`): XML and JSON, lists.
CHANGESET = "2026-12-02T00:00:00+00:00"
TOO_MANY = "Terlalu banyak permintaan dari alamat Anda; coba lagi nanti."


def jurisdiction_id() -> str:
    """The regency's own jurisdiction id: its base domain, as GeoReport's examples use."""
    return settings.SIMPUL_BASE_DOMAIN


# --- records: what each resource says, whatever the format ------------------------------------


def _service_list() -> list[dict]:
    rows = []
    groups = [(DONT_KNOW_PREFIX, "Tidak tahu instansinya (ditelaah Diskominfo)")]
    groups += [(i.schema_name, i.name) for i in Instansi.objects.active().order_by("name")]
    for slug, group in groups:
        for kind, label in Inquiry.Kind.choices:
            rows.append(
                {
                    "service_code": f"{slug}.{kind}",
                    "service_name": f"{label} — {group}",
                    "description": f"{KIND_DESCRIPTIONS[kind]} kepada {group}.",
                    "metadata": False,
                    "type": "realtime",
                    "keywords": ", ".join([kind, slug]),
                    "group": group,
                }
            )
    return rows


def _request_row(inquiry: Inquiry) -> dict:
    # While a referral is pending, the instansi it points to holds the answer (and its clock
    # gives `expected_datetime`); otherwise the receiving instansi is responsible.
    clock = selectors.inquiry_clock_referral(inquiry)
    expected = clock.due_at if clock else None
    agency = clock.to_instansi if clock else inquiry.instansi
    return {
        "service_request_id": inquiry.public_request_id,
        "status": "closed" if inquiry.status == Inquiry.Status.CLOSED else "open",
        "status_notes": inquiry.public_reply or inquiry.get_status_display(),
        "service_name": f"{inquiry.get_kind_display()} — {inquiry.instansi.name}",
        "service_code": f"{inquiry.instansi.schema_name}.{inquiry.kind}",
        "description": None,
        "agency_responsible": agency.name,
        "service_notice": "",
        "requested_datetime": inquiry.created_at.isoformat(),
        "updated_datetime": inquiry.updated_at.isoformat(),
        "expected_datetime": expected.isoformat() if expected else None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _receipt(inquiry: Inquiry) -> dict:
    return {
        "service_request_id": inquiry.public_request_id,
        # The sender's receipt: the only place Open311 gives the tracking code.
        "service_notice": (
            f"Diterima {inquiry.instansi.name}. Simpan kode lacak "
            f"{inquiry.tracking_code} untuk mengikuti jawabannya."
        ),
        "account_id": None,
    }


# --- renderers ---------------------------------------------------------------------------------

# The element of each item of a list, by the list's own element (GeoReport v2 and its discovery).
XML_ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry even escaped (a parser refuses the document), and lone
# surrogates that UTF-8 cannot encode: dropped from text, such as an echoed bad service code.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        for child in value:
            _xml_fill(ET.SubElement(element, XML_ITEM[element.tag]), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))


def _render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """`data` in `fmt`; `root` is the XML document element (JSON has none)."""
    if fmt == "xml":
        element = ET.Element(root)
        _xml_fill(element, data)
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode")
        return HttpResponse(body.encode(), status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(
        data,
        status=status,
        safe=False,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", [{"code": status, "description": description}], status)


def _endpoint(*methods: str) -> Callable:
    """An Open311 view: `view(request, **kwargs)` returns (root element, data, status) and this
    renders it in the format of the URL's suffix. It refuses other methods and another
    jurisdiction, and turns SimpulError into the specification's error in that format."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: str) -> HttpResponse:
            if request.method not in allowed:
                response = _error(fmt, 405, f"Metode {request.method} tidak didukung di sini.")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                _check_jurisdiction(request.GET.get("jurisdiction_id"))
                return _render(fmt, *view(request, **kwargs))
            except SimpulError as exc:
                return _error(fmt, exc.status, exc.message)

        return csrf_exempt(wrapper)

    return decorate


# --- input -------------------------------------------------------------------------------------


def _check_jurisdiction(value: Any) -> None:
    if value is None or value == "":
        return
    if not isinstance(value, str):
        raise SimpulError("jurisdiction_id harus berupa teks.")
    if value.strip().lower() != jurisdiction_id():
        raise NotFound(
            f"jurisdiction_id {value!r} tidak dikenal; layanan ini hanya melayani "
            f"{jurisdiction_id()!r}."
        )


def _split(value: str | None) -> list[str]:
    """A comma-separated list parameter, without blanks or repeats, in its order."""
    return list(dict.fromkeys(p.strip() for p in (value or "").split(",") if p.strip()))


def _parse_service_codes(codes: list[str]) -> list[tuple[Instansi | None, str]]:
    """(receiving instansi or None for Diskominfo's triage, kind) per code, in one query;
    SimpulError naming the first code that is no service."""
    slugs = {code.partition(".")[0] for code in codes}
    found = {i.schema_name: i for i in Instansi.objects.active().filter(schema_name__in=slugs)}
    services = []
    for code in codes:
        slug, _, kind = code.partition(".")
        if kind not in Inquiry.Kind.values or (slug != DONT_KNOW_PREFIX and slug not in found):
            raise SimpulError(f"service_code tidak dikenal: {code!r}.")
        services.append((None if slug == DONT_KNOW_PREFIX else found[slug], kind))
    return services


def _parse_when(value: str | None, name: str) -> datetime | None:
    """An aware datetime, or SimpulError for anything that is not one the database can hold
    (a well-formed but impossible date, or one its offset pushes outside years 1–9999)."""
    if not value:
        return None
    message = f"{name} harus tanggal-waktu W3C, mis. 2026-01-31T08:00:00+07:00."
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            raise SimpulError(message)
        if not timezone.is_aware(parsed):
            parsed = timezone.make_aware(parsed)
        # In UTC: PostgreSQL refuses offsets past ±15:59 that Python accepts.
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise SimpulError(message) from exc


def _text(data, field: str) -> str:
    """The field as text ("" when absent); a JSON body may carry any type, which is refused."""
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SimpulError(f"{field} harus berupa teks.")
    return value


def _coordinate(value: Any, name: str, bound: float) -> float:
    message = f"{name} harus angka desimal WGS84 antara -{bound:g} dan {bound:g}."
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise SimpulError(message)
    try:
        number = float(value)
    except (ValueError, OverflowError) as exc:
        raise SimpulError(message) from exc
    if not math.isfinite(number) or abs(number) > bound:
        raise SimpulError(message)
    return number


def _location(data, address_string: str, address_id: str) -> str:
    """Where the matter is, as the inquiry's channel detail. GeoReport v2 requires `lat` and
    `long` together, or `address_string`, or `address_id`; SimpulError when none is given."""
    parts = [address_string] if address_string else []
    lat, long = data.get("lat"), data.get("long")
    if lat not in (None, "") or long not in (None, ""):
        if lat in (None, "") or long in (None, ""):
            raise SimpulError("lat dan long harus diisi bersama.")
        parts.append(f"lat {_coordinate(lat, 'lat', 90)}, long {_coordinate(long, 'long', 180)}")
    if address_id:
        parts.append(f"address_id {address_id}")
    if not parts:
        raise SimpulError("Lokasi wajib diisi: lat dan long, address_string, atau address_id.")
    return "; ".join(parts)[:300]


def _json_body(request) -> dict | None:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# --- the list query ------------------------------------------------------------------------------


def _request_list(
    *,
    services: list[tuple[Instansi | None, str]],
    status_open: bool | None,
    start: datetime | None,
    end: datetime | None,
) -> list[Inquiry]:
    """The listing's inquiries: any of `services` (a triage code matches its kind in every
    instansi), newest first, with what `_request_row` reads fetched in two queries."""
    qs = Inquiry.objects.all()
    if services:
        match = Q()
        for instansi, kind in services:
            match |= Q(kind=kind) if instansi is None else Q(instansi=instansi, kind=kind)
        qs = qs.filter(match)
    if status_open is True:
        qs = qs.exclude(status=Inquiry.Status.CLOSED)
    elif status_open is False:
        qs = qs.filter(status=Inquiry.Status.CLOSED)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    referrals = Referral.objects.select_related("to_instansi").order_by("requested_at", "id")
    qs = qs.select_related("instansi").prefetch_related(Prefetch("referrals", queryset=referrals))
    return list(qs.order_by("-created_at", "-id")[:LIST_LIMIT])


# --- endpoints -----------------------------------------------------------------------------------


@_endpoint("GET")
def discovery(request):
    return (
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": f"Diskominfo {settings.SIMPUL_REGENCY_NAME}",
            "key_service": "Tidak diperlukan kunci API untuk membuat permintaan.",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": request.build_absolute_uri("/open311/v2/"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        200,
    )


@_endpoint("GET")
def services(request):
    return "services", _service_list(), 200


@_endpoint("GET")
def service_definition(request, service_code: str):
    try:
        _parse_service_codes([service_code])
    except SimpulError as exc:
        raise NotFound(exc.message) from exc
    return "service_definition", {"service_code": service_code, "attributes": []}, 200


@_endpoint("GET", "POST")
def requests_collection(request):
    if request.method == "POST":
        return _create_request(request)
    if limit_reached(request, scope="open311_read"):
        raise SimpulError(TOO_MANY, status=429)
    params = request.GET
    ids = _split(params.get("service_request_id"))
    if len(ids) > MAX_REQUEST_IDS:
        raise SimpulError(f"service_request_id paling banyak {MAX_REQUEST_IDS} id.")
    codes = _split(params.get("service_code"))
    if len(codes) > MAX_SERVICE_CODES:
        raise SimpulError(f"service_code paling banyak {MAX_SERVICE_CODES} kode.")
    wanted = _parse_service_codes(codes)
    statuses = set(_split(params.get("status")))
    if not statuses <= set(STATUSES):
        raise SimpulError("status harus open, closed, atau keduanya dipisah koma.")
    start = _parse_when(params.get("start_date"), "start_date")
    end = _parse_when(params.get("end_date"), "end_date")
    if start and end and end - start > timedelta(days=DEFAULT_WINDOW_DAYS):
        raise SimpulError(f"start_date sampai end_date paling lama {DEFAULT_WINDOW_DAYS} hari.")
    if ids:  # GeoReport: the ids override every other filter
        rows = selectors.inquiry_public_list(public_ids=ids, limit=LIST_LIMIT)
    else:
        if start is None and end is None:
            start = timezone.now() - timedelta(days=DEFAULT_WINDOW_DAYS)
        rows = _request_list(
            services=wanted,
            status_open=("open" in statuses) if len(statuses) == 1 else None,
            start=start,
            end=end,
        )
    return "service_requests", [_request_row(i) for i in rows], 200


TEXT_FIELDS = (
    "service_code",
    "description",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_string",
    "address_id",
)


def _create_request(request):
    try:
        data = request.POST if request.POST else _json_body(request)
    except MultiPartParserError:
        data = None
    if data is None:
        raise SimpulError("Isi permintaan harus form-urlencoded atau JSON.")
    _check_jurisdiction(data.get("jurisdiction_id"))
    if limit_reached(request, scope="open311"):
        raise SimpulError(TOO_MANY, status=429)
    text = {field: _text(data, field).strip() for field in TEXT_FIELDS}
    if len(text["description"]) > BODY_MAX_LENGTH:
        raise SimpulError(f"description paling banyak {BODY_MAX_LENGTH} karakter.")
    if not text["service_code"]:
        raise SimpulError("service_code wajib diisi.")
    [(instansi, kind)] = _parse_service_codes([text["service_code"]])
    location = _location(data, text["address_string"], text["address_id"])
    name = " ".join(p for p in [text["first_name"], text["last_name"]] if p)
    inquiry = inbox_services.inquiry_create(
        actor=None,
        instansi=instansi,
        kind=kind,
        channel=Inquiry.Channel.OPEN311,
        body=text["description"],
        citizen_name=name[:200],
        citizen_contact=", ".join(p for p in [text["email"], text["phone"]] if p),
        channel_detail=location,
    )
    return "service_requests", [_receipt(inquiry)], 201


@_endpoint("GET")
def request_detail(request, request_id: str):
    if limit_reached(request, scope="open311_read"):
        raise SimpulError(TOO_MANY, status=429)
    rows = selectors.inquiry_public_list(public_ids=[request_id], limit=1)
    if not rows:
        raise NotFound(f"Permintaan {request_id!r} tidak ditemukan.")
    return "service_requests", [_request_row(rows[0])], 200
