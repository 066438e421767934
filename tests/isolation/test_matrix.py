"""Isolation matrix, generated from the URL configuration and the OpenAPI schema.

Instansi B (dinkes) gets real resources (`resources.build`): inquiries and referrals, a report
under evaluation, an API token, an SK with an account, appointment and audience figure, an SOP
with an assignment whose draft is in a workflow, pages, images, documents, a collection, a
redirect, a user and a group. Every route of both urlconfs and every API operation is then
called with B's real ids and codes by

  (a) anonymous callers,
  (b) A's (humas) signed-in user and (d) Diskominfo's signed-in user — on B's host, where their
      host-only session cookie is worth nothing, AND each on its own host, asking for B's ids,
  (c) A's API token (and Diskominfo's), on B's host and on its own host, admin and console too,
  (e) Diskominfo's admin and evaluator signed in with the password only (two-factor pending),
      on Diskominfo's host: nothing but a redirect to verification or a 401/403, never data.

They are refused (login redirect, 401/403/404/405 as each class is designed). Where a
tenant-schema id of B also names a row of the caller's own schema (ids are per schema), the
caller's own object may answer, but no 2xx body ever holds B's text or files, and after every
route B's rows are exactly as they were. The exceptions are listed with their reasons:
`urlmatrix.PUBLIC_BY_DESIGN` and `CONSOLE_BY_DESIGN` below. A route in no class, or with a
parameter no rule fills, or an API method not listed, fails the suite.
"""

import re
from urllib.parse import urlparse

import pytest
from django.db import connection, transaction
from django.test import Client
from django_tenants.utils import schema_context

from tenants.access.middleware import PENDING_ALLOWED_VIEWS
from tenants.models import Instansi
from tenants.services import api_token_create
from tests.conftest import host_of, login_client, tenant_client
from tests.isolation import resources, urlmatrix
from tests.isolation.resources import MARK, SECRET, SUPER, THIRD, A, B

pytestmark = pytest.mark.django_db

REFUSED_SIGNED_IN = {403, 404, 405}
REFUSED_API_STRANGER = {401, 403}

# Diskominfo's console shows every instansi's report, figures and evaluation to Diskominfo's
# evaluators on Diskominfo's host: that is its purpose (Pasal 17 evaluation). It is therefore
# not attacked with Diskominfo's own evaluator; everyone else is refused.
CONSOLE_BY_DESIGN = "Diskominfo's evaluators read every instansi's report on the console"

# Tracking by code: whoever holds the code (the citizen) sees the inquiry's public status and
# text on any host; never the citizen's name or contact (SECRET stays checked).
SHOWS_B_BY_CODE = {"inbox-track-detail", "open311-request"}

# Wagtail's error-reporting check: a deliberate 500 for superusers, showing nothing.
DELIBERATE_ERRORS = {"admin/failwhale/": "Wagtail's own test of error reporting"}

# Wagtail 8.0.1 views that answer an EMPTY POST of a signed-in superuser on its own host with a
# 500 (a bug in Wagtail's view, found by this matrix; no data is shown or written). Tolerated
# only for that caller and method; every other caller is checked as usual.
KNOWN_SERVER_ERRORS: dict[str, str] = {
    "admin/choose-external-link/": "ExternalLinkChooserView.post reads a missing field",
    "admin/redirects/import/process/": "the import's second step expects its session data",
    **{
        f"admin/snippets/choose/registry/{model}/create/": "chooser create view without a form"
        for model in ("suratkeputusan", "officialaccount", "appointment", "audiencefigure")
    },
}

# Views that refuse a signed-in caller's request for an id that is not its own by design in
# another way than 403/404: (reason, status, Location regex or exact body). B's rows staying
# unchanged is checked as everywhere.
REFUSED_OTHERWISE: dict[str, tuple[str, int, str]] = {
    "admin/pages/<int:page_id>/revisions/": (
        "Wagtail moved this list into the page history: redirect to the history of the same "
        "id, a route the matrix checks itself",
        302,
        r"^/admin/pages/\d+/history/$",
    ),
    "admin/forms/submissions/<int:page_id>/delete/": (
        "Wagtail sends a page that is not a form page (of the caller) back to the dashboard",
        302,
        r"^/admin/$",
    ),
    "admin/token-api/<int:pk>/cabut/": (
        "a token not among the instansi's own: «Token tidak ditemukan» on the token list",
        302,
        r"^/admin/token-api/$",
    ),
    "admin/kotak-masuk/pesan/<int:inquiry_id>/": (
        "an inquiry the instansi neither handles nor was referred: message on its inbox list",
        302,
        r"^/admin/kotak-masuk/$",
    ),
    **{
        f"admin/kotak-masuk/pesan/<int:inquiry_id>/{action}/": (
            "the service refuses (not found), the message is shown on the inquiry page, which "
            "itself refuses (above)",
            302,
            r"^/admin/kotak-masuk/pesan/\d+/$",
        )
        for action in ("jawab", "rujuk", "balas", "tutup", "topik")
    },
    **{
        f"admin/kotak-masuk/rujukan/<int:referral_id>/{action}/": (
            "a referral not to this instansi: message on its list of referrals",
            302,
            r"^/admin/kotak-masuk/dirujuk/$",
        )
        for action in ("jawab", "tolak")
    },
    "admin/editing-sessions/release/<int:session_id>/": (
        "Wagtail answers {} for any id and deletes only the caller's own editing session",
        200,
        "{}",
    ),
}


# --- B's resources, made once for the module and rolled back after it -------------------------


@pytest.fixture(scope="module")
def foreign(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # rolled back like a TestCase's transaction, which is how Django lets the actions'
        # durable transactions (core.actions) run inside it in tests
        outer._from_testcase = True
        outer.__enter__()
        try:
            built = resources.build()
            built.initial = resources.state(built)
            # signing in checks the password (slow by design): once per module, not per route
            built.sessions = {
                slug: login_client(slug).cookies["sessionid"].value for slug in (A, B, SUPER)
            }
            built.tokens = {slug: _token(slug) for slug in (A, SUPER, THIRD)}
            pending = _pending_sessions()
            connection.set_schema_to_public()
            _SESSIONS.clear()
            _SESSIONS.update(built.sessions)
            _PENDING.clear()
            _PENDING.update(pending)
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            connection.set_schema_to_public()


_SESSIONS: dict[str, str] = {}
# Diskominfo identities that must use two factors, signed in with the password only.
_PENDING: dict[str, str] = {}
TWO_FACTOR_PATH = "/admin/keamanan/2fa/"


def _pending_sessions() -> dict[str, str]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from evaluation.roles import EVALUATOR_GROUP

    sessions = {}
    with schema_context(SUPER):
        evaluator = get_user_model().objects.create_user(
            "evaluator_tertunda", password="sandi-kuat-tertunda-2026", is_staff=True
        )
        evaluator.groups.add(Group.objects.get(name=EVALUATOR_GROUP))
        admin = get_user_model().objects.get(username="admin")
        for who, user in (
            ("Diskominfo's admin, password only", admin),
            ("Diskominfo's evaluator, password only", evaluator),
        ):
            client = tenant_client(SUPER)
            client.force_login(user)  # no second factor: what a password-only sign-in leaves
            sessions[who] = client.cookies["sessionid"].value
    return sessions


def _pending_clients() -> list[tuple[str, Client]]:
    clients = []
    for who, session in _PENDING.items():
        client = _client(SUPER)
        client.cookies["sessionid"] = session
        clients.append((who, client))
    return clients


def _pending_verdict(route, response, foreign, *, api: bool = False) -> str | None:
    """None if a two-factor-pending caller got nothing: a redirect to verification (or
    enrolment) on this host, or a 401/403 (with a JSON detail from the API). The views of
    `PENDING_ALLOWED_VIEWS` (the verification page itself, sign-out) answer, showing nothing."""
    status = response.status_code
    leak = _leak(response, foreign)
    if leak:
        return f"{status} with {leak}"
    if route.name in PENDING_ALLOWED_VIEWS and status < 500:
        return None
    if status in (401, 403):
        if api and "detail" not in response.json():
            return f"{status} without a JSON detail"
        return None
    if status == 302:
        location = urlparse(response["Location"])
        if not location.netloc and location.path == TWO_FACTOR_PATH:
            return None
        return f"302 to {response['Location']}"
    return str(status)


def _client(slug: str | None) -> Client:
    """A client of `slug`'s host that hands a server error back as a response, to be judged."""
    client = tenant_client(slug)
    client.raise_request_exception = False
    return client


def _signed_in(slug: str, on: str | None = None) -> Client:
    """A client on `on`'s host (default: `slug`'s) with the session of `slug`'s admin."""
    client = _client(on or slug)
    client.cookies["sessionid"] = _SESSIONS[slug]
    return client


def _token(slug: str) -> str:
    _, key = api_token_create(
        instansi=Instansi.objects.get(schema_name=slug), name=f"matriks-{slug}"
    )
    return key


def _with_token(slug: str, key: str) -> Client:
    client = _client(slug)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def _with_session_of(other: str, on: str) -> Client:
    """A client on `on`'s host carrying the session cookie of a signed-in user of `other`."""
    return _signed_in(other, on)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _leak(response, foreign, *, mark: bool = True) -> str | None:
    """What of B's a successful answer shows: its text, its citizen's data, its files."""
    if not 200 <= response.status_code < 300:
        return None
    body = _body(response)
    if SECRET.encode() in body:
        return "B's private data (SECRET)"
    if mark and MARK.encode() in body:
        return "B's data (MARK)"
    if mark:
        for blob in foreign.blobs:
            if blob in body:
                return "one of B's files"
    return None


def _is_login_redirect(response) -> bool:
    """A 302 to the sign-in page of the same host (never to another host)."""
    if response.status_code != 302:
        return False
    location = urlparse(response["Location"])
    return not location.netloc and location.path == "/admin/login/"


def _is_https_redirect(response, path: str) -> bool:
    location = response.get("Location", "")
    return response.status_code == 301 and location.startswith("https://") and path in location


def _json_message(response) -> bool:
    """A 4xx of the API says why: {"detail": …} or {field: [messages]}."""
    data = response.json()
    return "detail" in data or any(isinstance(v, list) for v in data.values())


def _call(client, method: str, path: str, data=None, json: bool = False):
    if json:
        return getattr(client, method)(path, data or {}, content_type="application/json")
    return getattr(client, method)(path, data or {})


def _check_unchanged(foreign, failures: list[str]) -> None:
    now = resources.state(foreign)
    changed = [key for key in now if now[key] != foreign.initial[key]]
    if changed:
        failures.append(f"B's rows changed: {changed}")


def _signed_in_verdict(route, response, path, who, foreign, own: set[str]) -> str | None:
    """None if the answer of a caller signed in on its own host to B's ids is acceptable."""
    if response.status_code >= 500:
        if route.route in DELIBERATE_ERRORS or (
            route.route in KNOWN_SERVER_ERRORS and who.endswith(" POST")
        ):
            return None
        return f"{who}: {response.status_code}"
    leak = _leak(response, foreign)
    if leak:
        return f"{who}: {response.status_code} with {leak}"
    keys = urlmatrix.keys_of(route)
    if keys and not (keys & own):
        refused = response.status_code in REFUSED_SIGNED_IN or _is_https_redirect(response, path)
        if route.route in REFUSED_OTHERWISE:
            _, status, expected = REFUSED_OTHERWISE[route.route]
            if response.status_code == status == 302:
                refused = bool(re.match(expected, response["Location"]))
            elif response.status_code == status:
                refused = _body(response).decode() == expected
        if not refused:
            return f"{who}: {response.status_code} for B's ids it does not have"
    return None


# --- the classification itself ----------------------------------------------------------------


def test_every_route_is_classified():
    unclassified = [
        f"{route.urlconf}: {route.route} ({route.name})"
        for conf in (urlmatrix.PUBLIC_URLCONF, urlmatrix.TENANT_URLCONF)
        for route in urlmatrix.iter_routes(conf)
        if urlmatrix.classify(route) is None
    ]
    assert not unclassified, "routes without an isolation class:\n" + "\n".join(unclassified)


def test_every_classified_name_still_exists():
    """The lists do not keep names of routes that are gone (they would hide a typo)."""
    names = {
        (r.urlconf, r.name)
        for conf in (urlmatrix.PUBLIC_URLCONF, urlmatrix.TENANT_URLCONF)
        for r in urlmatrix.iter_routes(conf)
    }
    assert set(urlmatrix.PUBLIC_BY_DESIGN) <= names
    assert {(urlmatrix.TENANT_URLCONF, n) for n in urlmatrix.TENANT_API} <= names
    routes = {r.route for conf in (urlmatrix.PUBLIC_URLCONF, urlmatrix.TENANT_URLCONF)
              for r in urlmatrix.iter_routes(conf)}  # fmt: skip
    assert set(REFUSED_OTHERWISE) | set(DELIBERATE_ERRORS) | set(KNOWN_SERVER_ERRORS) <= routes


def test_every_parameter_is_filled_with_a_real_resource_of_b(foreign):
    """No URL of the matrix carries a made-up id: every parameter has a rule and a value."""
    missing = []
    for conf in (urlmatrix.PUBLIC_URLCONF, urlmatrix.TENANT_URLCONF):
        for route in urlmatrix.iter_routes(conf):
            try:
                urlmatrix.url(route, foreign.values)
            except (LookupError, KeyError) as exc:
                missing.append(f"{route.route}: {exc}")
    assert not missing, "\n".join(missing)


def _normalised(path: str) -> str:
    path = re.sub(r"\{[^}]+\}", "{}", path.lstrip("/"))
    return re.sub(r"<[^>]+>", "{}", path)


def test_api_operations_match_the_urlconf_and_the_schema():
    """(method, path) in three places agree: the views, the matrix's list, the OpenAPI schema.

    A method added to a view, or an operation the schema publishes, that the matrix does not
    list fails here — the matrix then tests every listed method."""
    api_routes = [
        r
        for r in urlmatrix.iter_routes(urlmatrix.TENANT_URLCONF)
        if r.route.startswith("api/v1/") and r.name != "api-not-found"
    ]
    by_name = {r.name: r for r in api_routes}
    implemented = {
        (m, _normalised(r.route)) for r in api_routes for m in (r.methods or {"get", "post"})
    }
    listed = {
        (m, _normalised(by_name[name].route))
        for name, methods in urlmatrix.TENANT_API.items()
        for m in methods
    } | {(m, _normalised(by_name[name].route)) for m, name in urlmatrix.API_PUBLIC_OPERATIONS}
    assert implemented == listed, {
        "implemented, not in the matrix": sorted(implemented - listed),
        "in the matrix, not implemented": sorted(listed - implemented),
    }
    schema = _client(A).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    published = {
        (method, _normalised(path))
        for path, operations in schema["paths"].items()
        for method in operations
        if method in urlmatrix.HTTP_METHODS
    }
    assert published == listed, {
        "in the schema, not in the matrix": sorted(published - listed),
        "in the matrix, not in the schema": sorted(listed - published),
    }


ADMIN_ROUTES = urlmatrix.routes_of("admin")
API_ROUTES = urlmatrix.routes_of("api")
CONSOLE_ROUTES = urlmatrix.routes_of("console")
PUBLIC_ROUTES = urlmatrix.routes_of("public")


def _route_id(route) -> str:
    return route.route


# --- admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=_route_id)
def test_admin_route_refuses_every_caller_but_bs_own_staff(route, foreign):
    path = urlmatrix.url(route, foreign.values)
    failures: list[str] = []
    a_token = foreign.tokens[A]
    strangers = [
        ("anonymous on B", _client(B), ("get", "post")),
        ("A's user's cookie on B", _with_session_of(A, B), ("get",)),
        ("Diskominfo's user's cookie on B", _with_session_of(SUPER, B), ("get",)),
        ("A's token on B", _with_token(B, a_token), ("get", "post")),
        ("A's token on A", _with_token(A, a_token), ("get", "post")),
    ]
    for who, client, methods in strangers:
        for method in methods:
            response = _call(client, method, path)
            if not (
                _is_login_redirect(response)
                or response.status_code in {403, 404, 405}
                or _is_https_redirect(response, path)
            ):
                failures.append(f"{who} {method.upper()}: {response.status_code}")
    for who, client in _pending_clients():
        for method in ("get", "post"):
            response = _call(client, method, path)
            verdict = _pending_verdict(route, response, foreign)
            if verdict:
                failures.append(f"{who} {method.upper()}: {verdict}")
    for who, slug, methods in (
        ("A's admin on A", A, ("get", "post")),
        ("Diskominfo's admin on Diskominfo", SUPER, ("get",)),
    ):
        client = _signed_in(slug)
        for method in methods:
            response = _call(client, method, path)
            verdict = _signed_in_verdict(
                route, response, path, f"{who} {method.upper()}", foreign, foreign.shadowed[slug]
            )
            if verdict:
                failures.append(verdict)
    _check_unchanged(foreign, failures)
    assert not failures, f"{path}:\n" + "\n".join(failures)


# --- API --------------------------------------------------------------------------------------


def _payload(foreign) -> dict:
    """One body for every write operation, naming B's rows wherever a field takes an id."""
    values = foreign.values
    return {
        "answer": "Jawaban uji matriks",
        "reply": "Balasan uji matriks",
        "reason": "Bukan kewenangan kami",
        "note": "uji matriks",
        "to_instansi": THIRD,
        "topics": ["uji"],
        "title": "Judul uji matriks",
        "account": int(values["account"]),
        "month": f"{values['year']}-01",
        "followers": 1,
        "template_key": "sintang",
        "kind": "pertanyaan",
        "channel": "situs",
        "body": "Pesan uji matriks",
        "event": "Acara uji",
        "place": "Aula",
        "event_at": "2026-03-02T09:00:00+07:00",
        "assignee": int(values["user"]),
        "decree": int(values["decree"]),
        "shares": [{"account_label": "Instagram", "post_url": "https://instagram.com/p/qzx"}],
        "steps": [],
    }


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
def test_api_operation_refuses_every_caller_but_bs_own(route, foreign):
    path = urlmatrix.url(route, foreign.values)
    methods = sorted(urlmatrix.TENANT_API[route.name])
    payload = _payload(foreign)
    failures: list[str] = []
    a_token, super_token = foreign.tokens[A], foreign.tokens[SUPER]
    strangers = {
        "anonymous on B": _client(B),
        "A's token on B": _with_token(B, a_token),
        "Diskominfo's token on B": _with_token(B, super_token),
        "A's user's cookie on B": _with_session_of(A, B),
        "Diskominfo's user's cookie on B": _with_session_of(SUPER, B),
    }
    for who, client in strangers.items():
        for method in methods:
            response = _call(client, method, path, payload, json=True)
            if response.status_code not in REFUSED_API_STRANGER:
                failures.append(f"{who} {method.upper()}: {response.status_code}")
            elif "detail" not in response.json():
                failures.append(f"{who} {method.upper()}: no JSON detail")
    for who, client in _pending_clients():
        for method in methods:
            response = _call(client, method, path, payload, json=True)
            verdict = _pending_verdict(route, response, foreign, api=True)
            if verdict:
                failures.append(f"{who} {method.upper()}: {verdict}")
    own_callers = {
        "A's token on A": (A, _with_token(A, a_token)),
        "A's admin session on A": (A, _signed_in(A)),
        "Diskominfo's token on Diskominfo": (SUPER, _with_token(SUPER, super_token)),
        "Diskominfo's admin session on Diskominfo": (SUPER, _signed_in(SUPER)),
    }
    # a list asked to name B (parameters a view must not honour) still lists the caller's own
    queries = [""] if urlmatrix.keys_of(route) else ["", f"?instansi={B}&schema={B}&overdue=true"]
    for who, (slug, client) in own_callers.items():
        for method, query in [(m, q) for m in methods for q in (queries if m == "get" else [""])]:
            response = _call(client, method, path + query, payload, json=True)
            verdict = _signed_in_verdict(
                route, response, path, f"{who} {method.upper()}", foreign, foreign.shadowed[slug]
            )
            if verdict:
                failures.append(verdict)
            elif 400 <= response.status_code < 500 and not _json_message(response):
                failures.append(f"{who} {method.upper()}: 4xx without a JSON message")
    _check_unchanged(foreign, failures)
    assert not failures, f"{path}:\n" + "\n".join(failures)


# --- Diskominfo's console ---------------------------------------------------------------------


@pytest.mark.parametrize("route", CONSOLE_ROUTES, ids=lambda r: r.name)
def test_console_route_is_absent_off_diskominfo_and_closed_to_strangers_on_it(route, foreign):
    path = urlmatrix.url(route, foreign.values)
    failures: list[str] = []
    a_token = foreign.tokens[A]
    # On an instansi's host the console does not exist, whoever asks, however.
    for who, client in (
        ("anonymous on A", _client(A)),
        ("A's admin on A", _signed_in(A)),
        ("A's token on A", _with_token(A, a_token)),
        ("B's admin on B", _signed_in(B)),
    ):
        for method in ("get", "post"):
            status = _call(client, method, path).status_code
            if status != 404:
                failures.append(f"{who} {method.upper()}: {status}")
    # On Diskominfo's host strangers are sent to sign in (on that host) or refused.
    plain = _plain_staff_of(SUPER)
    for who, client in _pending_clients():
        for method in ("get", "post"):
            response = _call(client, method, path)
            verdict = _pending_verdict(route, response, foreign)
            if verdict:
                failures.append(f"{who} {method.upper()}: {verdict}")
    for who, client, expected in (
        ("anonymous on Diskominfo", _client(SUPER), "login"),
        ("A's user's cookie on Diskominfo", _with_session_of(A, SUPER), "login"),
        ("A's token on Diskominfo", _with_token(SUPER, a_token), "login"),
        ("Diskominfo's staff without the evaluator role", plain, 403),
    ):
        for method in ("get", "post"):
            response = _call(client, method, path)
            ok = (
                _is_login_redirect(response)
                if expected == "login"
                else response.status_code == expected
            )
            if not ok:
                failures.append(
                    f"{who} {method.upper()}: {response.status_code} {response.get('Location')}"
                )
            elif _leak(response, foreign):
                failures.append(f"{who}: {_leak(response, foreign)}")
    _check_unchanged(foreign, failures)
    assert not failures, f"{path}:\n" + "\n".join(failures)


def test_console_shows_b_to_diskominfo_s_evaluators_by_design(foreign):
    """The one allowed reader of B's report besides B: Diskominfo's evaluator, on its host."""
    page = _signed_in(SUPER).get(f"/console/instansi/{B}/")
    assert page.status_code == 200, CONSOLE_BY_DESIGN
    assert "Dinas Kesehatan" in page.content.decode()
    report = _signed_in(SUPER).get(f"/console/laporan/{foreign.values['report']}/")
    assert report.status_code == 200 and MARK in report.content.decode(), CONSOLE_BY_DESIGN


def _plain_staff_of(slug: str) -> Client:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    with schema_context(slug):
        user, _ = get_user_model().objects.get_or_create(
            username="staf_biasa", defaults={"is_staff": True}
        )
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = _client(slug)
    with schema_context(slug):
        client.force_login(user)
    return client


# --- public by design -------------------------------------------------------------------------


def _public_id(route) -> str:
    """The route's name, or its pattern where one name serves several (Open311's formats)."""
    same_name = [r for r in PUBLIC_ROUTES if (r.urlconf, r.name) == (route.urlconf, route.name)]
    return f"{route.urlconf[-6:]}:{route.name if len(same_name) == 1 else route.route}"


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=_public_id)
def test_public_route_never_shows_what_is_not_public(route, foreign):
    """Public routes (reasons in PUBLIC_BY_DESIGN), called with B's real codes and ids: never
    a 500, never B's citizen data or restricted content; on another host, nothing of B's."""
    path = urlmatrix.url(route, foreign.values)
    failures: list[str] = []
    if route.urlconf == urlmatrix.PUBLIC_URLCONF:
        callers = [("anonymous on the portal", _client(None), False)]
    else:
        shows_b = route.name in SHOWS_B_BY_CODE
        callers = [
            ("anonymous on B", _client(B), False),
            ("anonymous on A", _client(A), not shows_b),
            ("A's admin on A", _signed_in(A), not shows_b),
            *((who, client, not shows_b) for who, client in _pending_clients()),
        ]
    for who, client, no_mark in callers:
        response = client.get(path)
        if response.status_code >= 500:
            failures.append(f"{who}: {response.status_code}")
        leak = _leak(response, foreign, mark=no_mark)
        if leak:
            failures.append(f"{who}: {response.status_code} with {leak}")
    _check_unchanged(foreign, failures)
    assert not failures, f"{path}:\n" + "\n".join(failures)


# --- controls: the same ids do reach B's data for B ------------------------------------------

CONTROL_ROUTES = [
    "api/v1/registry/decrees/<int:pk>/",
    "api/v1/inquiries/<int:inquiry_id>/",
    "api/v1/referrals/<int:referral_id>/",
    "api/v1/sop/<int:pk>/",
    "api/v1/sop/penugasan/<int:pk>/",
    "api/v1/evaluation/reports/<int:year>/",
    "admin/pages/<int:page_id>/edit/",
    "admin/images/<int:image_id>/",
    "admin/documents/edit/<int:document_id>/",
    "admin/collections/<int:pk>/",
    "admin/snippets/registry/suratkeputusan/edit/<int:pk>/",
    "admin/snippets/registry/officialaccount/edit/<int:pk>/",
    "admin/snippets/registry/appointment/edit/<int:pk>/",
    "admin/users/edit/<int:pk>/",
    "admin/groups/edit/<int:pk>/",
    "admin/redirects/<int:redirect_id>/",
    "admin/kotak-masuk/pesan/<int:inquiry_id>/",
    "admin/sop/<int:pk>/",
    "admin/sop/penugasan/<int:pk>/",
    "admin/laporan-tahunan/<int:year>/",
    "admin/wordpress/<int:pk>/",
    "admin/wordpress/<int:pk>/alamat.csv",
]


def test_control_b_reaches_the_same_ids(foreign):
    """The ids the matrix uses are B's real rows: B's own admin gets them, with B's text."""
    routes = {r.route: r for r in urlmatrix.iter_routes(urlmatrix.TENANT_URLCONF)}
    assert set(CONTROL_ROUTES) <= set(routes)
    client = _signed_in(B)
    failures = []
    for text in CONTROL_ROUTES:
        response = client.get(urlmatrix.url(routes[text], foreign.values))
        if response.status_code != 200 or MARK.encode() not in _body(response):
            failures.append(f"{text}: {response.status_code}")
    assert not failures, failures
    # Diskominfo's regency-wide list of late referrals does list B's (by design), without
    # B's text or citizen: the matrix's marker check on that route is not vacuous
    late = _signed_in(SUPER).get("/admin/kotak-masuk/terlambat/")
    assert late.status_code == 200
    assert "Dinas Kesehatan" in late.content.decode() and _leak(late, foreign) is None
    # and B's host serves B's own image file
    assert _client(B).get(f"/media/{foreign.values['image_path']}").status_code == 200


def test_referred_instansi_sees_the_referral_but_not_the_citizen(foreign):
    client = _with_token(THIRD, foreign.tokens[THIRD])
    response = client.get(f"/api/v1/referrals/{foreign.values['referral_out']}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Sekolah rusak {MARK}" in body
    assert SECRET not in body


def test_media_of_another_schema_is_refused(foreign):
    path = f"/media/{foreign.values['image_path']}"
    assert path.startswith(f"/media/{B}/")
    assert _client(A).get(path).status_code == 404
    assert _signed_in(A).get(path).status_code == 404
    assert _client(A).get(f"/media/../{B}/x").status_code == 404
    assert host_of(A) != host_of(B)


def test_wordpress_import_of_b_stays_b_s(foreign):
    """B's import run, its report and its map of old addresses: B's staff only. Other
    instansi's admins, Diskominfo's included, get a 404 for B's run on their own host, and
    their own import screen lists nothing of B's."""
    run = foreign.values["wordpress_run"]
    for slug in (A, SUPER):
        assert "wordpress_run" not in foreign.shadowed[slug]  # the 404 below is "not yours"
        client = _signed_in(slug)
        for path in (f"/admin/wordpress/{run}/", f"/admin/wordpress/{run}/alamat.csv"):
            response = client.get(path)
            assert response.status_code == 404, (slug, path, response.status_code)
            assert MARK.encode() not in _body(response)
        posted = client.post(f"/admin/wordpress/{run}/", {"kategori-kegiatan-qzx": "isu"})
        assert posted.status_code == 404
        index = client.get("/admin/wordpress/")
        assert index.status_code == 200 and MARK.encode() not in _body(index)
    own = _signed_in(B)
    report = own.get(f"/admin/wordpress/{run}/").content.decode()
    assert f"Situs lama {MARK}" in report and f"/{MARK}/catatan-privat" in report
    addresses = own.get(f"/admin/wordpress/{run}/alamat.csv").content.decode()
    assert f"/{MARK}/catatan-privat," in addresses and f"/{MARK}/halaman-draf," in addresses


def _text(response) -> str:
    """The body without its tags (search results mark the words found)."""
    return re.sub(r"<[^>]+>", "", _body(response).decode())


def _b_name() -> str:
    return Instansi.objects.get(schema_name=B).name


def test_search_finds_only_what_b_publishes(foreign):
    """The regency search (portal) and each instansi's search, fed as the periodic jobs feed
    them: B's published news is found; its password-protected news, draft, imported private
    post and document in a protected collection never are, on any host; A's search shows
    nothing of B's even when asked to."""
    hidden = [SECRET, f"Berita terbatas {MARK}", f"Dokumen {MARK}", f"Draf {MARK}", "Catatan priv"]
    query = f"?q={MARK.lower()}"  # echoed in the search box: not B's data in the body
    for who, client, path in (
        ("the portal", _client(None), f"/cari/{query}"),
        ("the portal, B chosen", _client(None), f"/cari/{query}&instansi={B}"),
        ("B's site", _client(B), f"/cari/{query}"),
    ):
        body = _text(client.get(path))
        assert f"Berita {MARK}" in body, f"{who}: B's published news not found (index not fed)"
        shown = [text for text in hidden if text in body]
        assert not shown, f"{who} shows {shown}"
    for client in (_client(A), _signed_in(A)):
        for path in (f"/cari/{query}", f"/cari/{query}&instansi={B}", f"/cari/?q={SECRET.lower()}"):
            response = client.get(path)
            assert response.status_code == 200 and MARK.encode() not in _body(response), path


def test_news_feeds_carry_only_b_s_public_news(foreign):
    """The portal's RSS and Atom carry B's published news, never its password-protected
    news (title or lead); B's own feeds likewise; A's feeds nothing of B's."""
    index = foreign.values["news_index_path"]
    # what publishing the protected page again runs after the commit (the periodic reconcile
    # has run in `resources.build`): neither may copy it to the portal
    from cms.services import page_changed

    page_changed(schema_name=B, page_id=int(foreign.values["private_page"]))
    for who, client, paths in (
        ("the portal", _client(None), ["/berita/rss/", "/berita/atom/", "/"]),
        ("B's site", _client(B), [f"/{index}rss/", f"/{index}atom/"]),
    ):
        for path in paths:
            response = client.get(path)
            body = _text(response)
            assert response.status_code == 200, (who, path, response.status_code)
            assert f"Berita {MARK}" in body, f"{who} {path}: B's published news missing"
            assert f"Berita terbatas {MARK}" not in body and SECRET not in body, (
                f"{who} {path} shows B's password-protected news"
            )
    for path in ("/berita/rss/", "/berita/atom/"):
        response = _client(A).get(path)
        assert response.status_code == 200 and MARK.encode() not in _body(response)


def test_performance_page_of_a_is_a_s_own(foreign):
    """/kinerja/ on A's host reports A's figures only; the portal's lists every instansi."""
    name = _b_name()
    for client in (_client(A), _signed_in(A)):
        for query in ("", f"?instansi={B}&schema={B}"):
            response = client.get(f"/kinerja/{query}")
            assert response.status_code == 200
            assert name not in response.content.decode()
    assert name in _client(None).get("/kinerja/").content.decode()


def test_enrolment_codes_are_issued_for_diskominfo_s_own_users_only(foreign):
    """Diskominfo's superuser hands out two-factor enrolment codes on its own host, for its
    own users: B's user's name there is "not found", and nothing is written in B's schema.
    Nobody else reaches the screen (the admin matrix above covers every other caller)."""
    from tenants.access.models import TwoFactorEnrolmentCode

    client = _signed_in(SUPER)
    response = client.post(
        "/admin/keamanan/2fa/kode-pendaftaran/", {"username": foreign.rows["user"].username}
    )
    assert response.status_code == 400 and "tidak ditemukan" in response.content.decode()
    for slug in (A, B):
        response = _signed_in(slug).post(
            "/admin/keamanan/2fa/kode-pendaftaran/", {"username": "admin"}
        )
        # Wagtail's admin answers PermissionDenied with its dashboard and a message
        refused = response.status_code == 403 or (
            response.status_code == 302 and response["Location"] == "/admin/"
        )
        assert refused, (slug, response.status_code)
    with schema_context(B):
        assert not TwoFactorEnrolmentCode.objects.exists()
