"""Open311 GeoReport v2 facade on the portal (`<base>/open311/v2/`), JSON format.

Services are the inquiry kinds of each instansi (`<slug>.<kind>`, plus `tidak-tahu.<kind>` for
Diskominfo to triage). `service_request_id` is the inquiry's public request id
(`Inquiry.public_request_id`), never its tracking code: the code is the citizen's key to the
answer and is given only to the one who sent the request (the POST's `service_notice`). The
listing is public and throttled per client. Listings carry only
public, non-personal fields: the citizen's own text (`description`) and contact are never
returned, `status_notes` is the reply the instansi wrote for the public, `expected_datetime`
comes from the referral clock, and `agency_responsible` names the instansi that clock runs for
(the receiving instansi when no referral is pending). Errors use the standard
`[{"code": …, "description": …}]`; bad input of any shape is a 400 in that form.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tenants.errors import SimpulError
from tenants.models import Instansi

from . import selectors
from . import services as inbox_services
from .models import BODY_MAX_LENGTH, Inquiry
from .ratelimit import limit_reached

DONT_KNOW_PREFIX = "tidak-tahu"
LIST_LIMIT = 200
MAX_REQUEST_IDS = 100
DEFAULT_WINDOW_DAYS = 90
KIND_DESCRIPTIONS = {
    Inquiry.Kind.PERTANYAAN: "Ajukan pertanyaan",
    Inquiry.Kind.KOMENTAR: "Sampaikan komentar",
    Inquiry.Kind.KRITIK: "Sampaikan kritik",
    Inquiry.Kind.SARAN: "Sampaikan saran",
}


def _error(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": description}], status=status, safe=False)


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _instansi_list() -> list[Instansi]:
    return list(Instansi.objects.active().order_by("name"))


def _service_list() -> list[dict]:
    rows = []
    groups = [(DONT_KNOW_PREFIX, "Tidak tahu instansinya (ditelaah Diskominfo)")]
    groups += [(i.schema_name, i.name) for i in _instansi_list()]
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


def _parse_service_code(code: str) -> tuple[Instansi | None, str]:
    """(receiving instansi or None for Diskominfo's triage, kind); SimpulError when unknown."""
    slug, _, kind = (code or "").partition(".")
    if kind not in Inquiry.Kind.values:
        raise SimpulError(f"service_code tidak dikenal: {code!r}.")
    if slug == DONT_KNOW_PREFIX:
        return None, kind
    instansi = Instansi.objects.active().filter(schema_name=slug).first()
    if instansi is None:
        raise SimpulError(f"service_code tidak dikenal: {code!r}.")
    return instansi, kind


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


def discovery(request):
    base = request.build_absolute_uri("/open311/v2/")
    return _json(
        {
            "changeset": timezone.now().date().isoformat(),
            "contact": f"Diskominfo {settings.SIMPUL_REGENCY_NAME}",
            "key_service": "Tidak diperlukan kunci API untuk membuat permintaan.",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": timezone.now().isoformat(),
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )


@require_GET
def services(request):
    return _json(_service_list())


@require_GET
def service_definition(request, service_code: str):
    try:
        _parse_service_code(service_code)
    except SimpulError as exc:
        return _error(404, exc.message)
    return _json({"service_code": service_code, "attributes": []})


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


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_collection(request):
    if request.method == "POST":
        return _create_request(request)
    if limit_reached(request, scope="open311_read"):
        return _error(429, "Terlalu banyak permintaan dari alamat Anda; coba lagi nanti.")
    params = request.GET
    try:
        ids = [c.strip() for c in (params.get("service_request_id") or "").split(",") if c.strip()]
        if len(ids) > MAX_REQUEST_IDS:
            raise SimpulError(f"service_request_id paling banyak {MAX_REQUEST_IDS} id.")
        instansi, kind = None, None
        if params.get("service_code"):
            instansi, kind = _parse_service_code(params["service_code"])
        status = params.get("status") or None
        if status not in (None, "open", "closed"):
            raise SimpulError("status harus open atau closed.")
        start = _parse_when(params.get("start_date"), "start_date")
        end = _parse_when(params.get("end_date"), "end_date")
    except SimpulError as exc:
        return _error(400, exc.message)
    if not ids and start is None and end is None:
        start = timezone.now() - timedelta(days=DEFAULT_WINDOW_DAYS)
    rows = selectors.inquiry_public_list(
        instansi=instansi,
        kind=kind,
        status_open=None if status is None else status == "open",
        public_ids=ids or None,
        start=start,
        end=end,
        limit=LIST_LIMIT,
    )
    return _json([_request_row(i) for i in rows])


def _create_request(request):
    try:
        data = request.POST if request.POST else _json_body(request)
    except MultiPartParserError:
        data = None
    if data is None:
        return _error(400, "Isi permintaan harus form-urlencoded atau JSON.")
    if limit_reached(request, scope="open311"):
        return _error(429, "Terlalu banyak permintaan dari alamat Anda; coba lagi nanti.")
    try:
        text = {field: _text(data, field) for field in TEXT_FIELDS}
        description = text["description"].strip()
        if len(description) > BODY_MAX_LENGTH:
            raise SimpulError(f"description paling banyak {BODY_MAX_LENGTH} karakter.")
        name = " ".join(p for p in [text["first_name"], text["last_name"]] if p).strip()
        contact = ", ".join(p for p in [text["email"], text["phone"]] if p).strip()
        if not text["service_code"]:
            raise SimpulError("service_code wajib diisi.")
        instansi, kind = _parse_service_code(text["service_code"])
        inquiry = inbox_services.inquiry_create(
            actor=None,
            instansi=instansi,
            kind=kind,
            channel=Inquiry.Channel.OPEN311,
            body=description,
            citizen_name=name[:200],
            citizen_contact=contact,
            channel_detail=text["address_string"][:300],
        )
    except SimpulError as exc:
        return _error(400, exc.message)
    return _json(
        [
            {
                "service_request_id": inquiry.public_request_id,
                # The sender's receipt: the only place Open311 gives the tracking code.
                "service_notice": (
                    f"Diterima {inquiry.instansi.name}. Simpan kode lacak "
                    f"{inquiry.tracking_code} untuk mengikuti jawabannya."
                ),
                "account_id": None,
            }
        ],
        status=201,
    )


TEXT_FIELDS = (
    "service_code",
    "description",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_string",
)


def _text(data, field: str) -> str:
    """The field as text ("" when absent); a JSON body may carry any type, which is refused."""
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SimpulError(f"{field} harus berupa teks.")
    return value


def _json_body(request) -> dict | None:
    import json

    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@require_GET
def request_detail(request, request_id: str):
    if limit_reached(request, scope="open311_read"):
        return _error(429, "Terlalu banyak permintaan dari alamat Anda; coba lagi nanti.")
    rows = selectors.inquiry_public_list(public_ids=[request_id], limit=1)
    if not rows:
        return _error(404, f"Permintaan {request_id!r} tidak ditemukan.")
    return _json([_request_row(rows[0])])
