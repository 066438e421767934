"""The URL configuration as data: every pattern of both urlconfs, classified and fillable.

Every named route must appear in exactly one class below (Wagtail's own admin routes are taken
as a block by their prefix). `test_every_route_is_classified` fails on a route that is in no
class, so a new endpoint cannot slip in without the isolation tests covering it. Each URL
parameter is filled by a rule in `PARAMETERS` with a real resource of instansi B (see
`resources.py`); a parameter without a rule fails the suite too, and API routes list the HTTP
methods the matrix covers (`TENANT_API`), compared with the views and the OpenAPI schema.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC_URLCONF = "simpul.urls_public"
TENANT_URLCONF = "simpul.urls_tenant"

# Public by design, each with its reason. Key: (urlconf, route name).
PUBLIC_BY_DESIGN: dict[tuple[str, str], str] = {
    (PUBLIC_URLCONF, "healthz"): "health probe: reachability flags, no data",
    (PUBLIC_URLCONF, "livez"): "liveness probe",
    (PUBLIC_URLCONF, "api-schema"): "OpenAPI description of the public verification API, no data",
    (PUBLIC_URLCONF, "api-docs"): "API documentation page of the portal, no data",
    (PUBLIC_URLCONF, "home"): "regency portal: active instansi and published news",
    (PUBLIC_URLCONF, "instansi-logo"): "logos of active instansi, shown on the portal",
    (PUBLIC_URLCONF, "news-image"): "images of published news in the portal index",
    (PUBLIC_URLCONF, "registry-verify"): "public check that an account is official (Pasal 10)",
    (PUBLIC_URLCONF, "registry-verify-api"): "the same check as JSON, rate-limited",
    (PUBLIC_URLCONF, "inbox-portal-form"): "citizens file inquiries on the portal",
    (PUBLIC_URLCONF, "inbox-track"): "tracking form",
    (PUBLIC_URLCONF, "inbox-track-detail"): "tracking by an unguessable code; no personal data",
    (PUBLIC_URLCONF, "inbox-track-rate"): "the code's holder rates its answer once (POST only)",
    (PUBLIC_URLCONF, "inbox-track-follow-up"): "the code's holder asks one follow-up (POST only)",
    (PUBLIC_URLCONF, "open311-discovery"): "Open311 discovery document",
    (PUBLIC_URLCONF, "open311-services"): "Open311: the inquiry kinds per instansi",
    (PUBLIC_URLCONF, "open311-service"): "Open311: one service definition",
    (
        PUBLIC_URLCONF,
        "open311-requests",
    ): "Open311: public, non-personal fields; POST files an inquiry",
    (PUBLIC_URLCONF, "open311-request"): "Open311: one request's public fields",
    (PUBLIC_URLCONF, "search"): "regency search: only public pages, news and documents",
    (PUBLIC_URLCONF, "news-rss"): "RSS of the regency's published news",
    (PUBLIC_URLCONF, "news-atom"): "Atom of the regency's published news",
    (
        PUBLIC_URLCONF,
        "inbox-performance",
    ): "response figures per instansi; counts under 5 and small bases hidden",
    (TENANT_URLCONF, "healthz"): "health probe",
    (TENANT_URLCONF, "livez"): "liveness probe",
    (TENANT_URLCONF, "api-root"): "API root: the instansi's name and links",
    (TENANT_URLCONF, "api-not-found"): "unknown API paths: a JSON 404 and nothing else",
    (TENANT_URLCONF, "api-schema"): "OpenAPI description, no data",
    (TENANT_URLCONF, "api-docs"): "API documentation page, no data",
    (
        TENANT_URLCONF,
        "tenant-media",
    ): "media of the host's own schema only (test_media_of_another_schema_is_refused)",
    (TENANT_URLCONF, "wagtaildocs_serve"): "Wagtail document serving applies collection privacy",
    (
        TENANT_URLCONF,
        "wagtaildocs_authenticate_with_password",
    ): "password form of a private document",
    (
        TENANT_URLCONF,
        "registry-akun-resmi",
    ): "the instansi's official accounts (public by Pasal 10)",
    (TENANT_URLCONF, "inbox-track"): "tracking form",
    (TENANT_URLCONF, "inbox-track-detail"): "tracking by an unguessable code; no personal data",
    (TENANT_URLCONF, "inbox-track-rate"): "the code's holder rates its answer once (POST only)",
    (TENANT_URLCONF, "inbox-track-follow-up"): "the code's holder asks one follow-up (POST only)",
    (
        TENANT_URLCONF,
        "inbox-performance",
    ): "the instansi's own response figures; counts under 5 and small bases hidden",
    (TENANT_URLCONF, "cms-sitemap"): "sitemap of published pages",
    (TENANT_URLCONF, "cms-robots"): "robots rules",
    (TENANT_URLCONF, "cms-identity-css"): "the instansi's colours as CSS",
    (TENANT_URLCONF, "cms-search"): "search over published pages",
    (
        TENANT_URLCONF,
        "cms-serve",
    ): "published pages from the page cache (Wagtail checks restrictions)",
    (TENANT_URLCONF, "wagtail_serve"): "published pages (Wagtail checks view restrictions)",
    (
        TENANT_URLCONF,
        "wagtailcore_authenticate_with_password",
    ): "password form of a restricted page",
    (TENANT_URLCONF, "wagtailcore_login"): "login redirect for restricted pages",
    (TENANT_URLCONF, "wagtailadmin_login"): "sign-in page",
    (TENANT_URLCONF, "wagtailadmin_sprite"): "the admin's icon sprite, static SVG",
    (
        TENANT_URLCONF,
        "wagtailadmin_javascript_catalog",
    ): "the admin's translation catalogue, static text",
    (TENANT_URLCONF, "wagtailadmin_logout"): "sign-out",
    (TENANT_URLCONF, "wagtailadmin_password_reset"): "password reset: asks for an e-mail",
    (TENANT_URLCONF, "wagtailadmin_password_reset_done"): "password reset: confirmation text",
    (
        TENANT_URLCONF,
        "wagtailadmin_password_reset_confirm",
    ): "password reset: needs the mailed token",
    (TENANT_URLCONF, "wagtailadmin_password_reset_complete"): "password reset: confirmation text",
}

# The instansi API: a token or staff session of THIS instansi, scoped to its own data. Each
# route with the HTTP methods the matrix covers; a method a view gains is uncovered until it is
# listed here (`test_matrix.test_api_operations_match_the_urlconf_and_the_schema`).
TENANT_API: dict[str, frozenset[str]] = {
    name: frozenset(methods.split())
    for name, methods in {
        "registry-decree-list": "get",
        "registry-decree-detail": "get",
        "registry-decree-pdf": "get",
        "registry-account-list": "get",
        "registry-appointment-list": "get",
        "registry-audience": "post",
        "inbox-api-inquiries": "get post",
        "inbox-api-stats": "get",
        "inbox-api-inquiry": "get",
        "inbox-api-inquiry-answer": "post",
        "inbox-api-inquiry-refer": "post",
        "inbox-api-inquiry-reply": "post",
        "inbox-api-inquiry-close": "post",
        "inbox-api-inquiry-topics": "post",
        "inbox-api-referrals": "get",
        "inbox-api-referral": "get",
        "inbox-api-referral-answer": "post",
        "inbox-api-referral-decline": "post",
        "sop-list": "get",
        "sop-from-template": "post",
        "sop-stats": "get",
        "sop-assignment-list": "get",
        "sop-assignment-create": "post",
        "sop-assignment-detail": "get",
        "sop-assignment-draft": "post",
        "sop-assignment-shares": "post",
        "sop-detail": "get",
        "sop-update": "post",
        "sop-activate": "post",
        "evaluation-report-list": "get",
        "evaluation-report-detail": "get",
        "evaluation-report-submit": "post",
    }.items()
}
# Routes under /api/v1/ that are public by design (above) but appear in the OpenAPI schema.
API_PUBLIC_OPERATIONS = {("get", "api-root")}

# Diskominfo's console: 404 on every host but the super-tenant's, Diskominfo users only there.
CONSOLE_PREFIX = "console/"
# Wagtail's admin (and the project's admin screens registered in it): staff of this instansi.
ADMIN_PREFIX = "admin/"


HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    urlconf: str
    route: str
    name: str | None
    # the HTTP methods the view implements (class-based views), or None (a function view)
    methods: frozenset[str] | None = None


# What fills each URL parameter: (route regex, parameter regex, key). A key names one of B's
# resources in `resources.Foreign.values`; "=text" is a literal (a model name, an action). The
# first matching rule wins. A parameter no rule covers fails `test_every_parameter_is_filled`,
# so a new route cannot be tested with a made-up id.
PARAMETERS: list[tuple[str, str, str]] = [
    # --- the portal (public schema)
    (r"^open311/v2/services/", "service_code", "service_code"),
    (r"^open311/v2/requests/", "request_id", "request_id"),
    (r"^berkas/logo/", "slug", "slug"),
    (r"^berkas/berita/", "pk", "news_item"),
    (r"^lacak/", "code", "code"),
    # --- files and pages of a host
    (r"^\^media/", "path", "image_path"),
    (r"^documents/\^", "_0", "document"),
    (r"^documents/\^", "_1", "document_filename"),
    (r"^documents/authenticate_with_password/", "restriction_id", "collection_restriction"),
    (r"^_util/authenticate_with_password/", "page_view_restriction_id", "page_restriction"),
    (r"^_util/authenticate_with_password/", "page_id", "private_page"),
    (r"^\^\(\(\?:", "_0", "private_path"),
    # --- the API
    (r"^api/v1/registry/decrees/", "pk", "decree"),
    (r"^api/v1/sop/penugasan/", "pk", "assignment"),
    (r"^api/v1/sop/", "pk", "sop"),
    (r"^api/v1/inquiries/", "inquiry_id", "inquiry"),
    (r"^api/v1/referrals/", "referral_id", "referral"),
    (r"^api/v1/evaluation/reports/", "year", "year"),
    # --- Wagtail's admin
    (r"^admin/api/main/\^pages/", "pk", "page"),
    (r"^admin/api/main/\^pages/", "action_name", "=delete"),
    (r"^admin/api/main/\^documents/", "pk", "document"),
    (r"^admin/api/main/\^images/", "pk", "image"),
    (r"^admin/bulk/", "app_label", "=wagtailcore"),
    (r"^admin/bulk/", "model_name", "=page"),
    (r"^admin/bulk/", "action", "=delete"),
    (r"^admin/pages/(add|usage|create)/", "(content_type_)?app(_label|_name)", "=cms"),
    (r"^admin/pages/(add|usage|create)/", "(content_type_)?model_name", "=newspage"),
    (r"^admin/pages/workflow/", "action_name", "=approve"),
    (r"^admin/pages/workflow/", "task_state_id", "task_state"),
    (r"^admin/pages/workflow/", "task_id", "task"),
    (r"^admin/pages/", "destination_id", "news_index"),
    (r"^admin/pages/", "revision_id(_a)?", "revision"),
    (r"^admin/pages/", "revision_id_b", "=live"),
    (r"^admin/pages/", "workflow_state_id", "workflow_state"),
    (r"^admin/pages/", "pk|page_id|parent_page_id|page_to_move_id", "page"),
    (r"^admin/choose-page/", "parent_page_id", "page"),
    (r"^admin/tag-autocomplete/", "app_name", "=taggit"),
    (r"^admin/tag-autocomplete/", "model_name", "=tag"),
    (r"^admin/collections/", "pk|collection_id", "collection"),
    (r"^admin/workflows/remove/", "page_pk", "news_index"),
    (r"^admin/workflows/remove/", "workflow_pk", "workflow"),
    (r"^admin/workflows/tasks/add/", "app_label", "=wagtailcore"),
    (r"^admin/workflows/tasks/add/", "model_name", "=groupapprovaltask"),
    (r"^admin/workflows/(tasks|task_chooser)/", "pk|task_id", "task"),
    (r"^admin/workflows/", "pk", "workflow"),
    (r"^admin/editing-sessions/", "app_label", "=wagtailcore"),
    (r"^admin/editing-sessions/", "model_name", "=page"),
    (r"^admin/editing-sessions/", "object_id", "page"),
    (r"^admin/editing-sessions/", "session_id", "session"),
    (r"^admin/token-api/", "pk", "token"),
    (r"^admin/kotak-masuk/", "inquiry_id", "inquiry"),
    (r"^admin/kotak-masuk/", "referral_id", "referral"),
    (r"^admin/laporan-tahunan/", "year", "year"),
    (r"^admin/laporan-tahunan/", "action", "=simpan"),
    (r"^admin/forms/submissions/", "page_id", "live_page"),
    (r"^admin/redirects/", "redirect_id", "redirect"),
    (r"^admin/settings/", "app_name", "=cms"),
    (r"^admin/settings/", "model_name", "=identitysettings"),
    (r"^admin/settings/", "pk", "settings"),
    (r"^admin/documents/", "uploaded_file_id", "uploaded"),
    (r"^admin/documents/", "pk|document_id|doc_id", "document"),
    (r"^admin/images/", "uploaded_file_id", "uploaded"),
    (r"^admin/images/", "filter_spec", "=fill-10x10"),
    (r"^admin/images/", "pk|image_id", "image"),
    (r"^admin/snippets/(choose/)?registry/suratkeputusan/", "pk", "decree"),
    (r"^admin/snippets/(choose/)?registry/officialaccount/", "pk", "account"),
    (r"^admin/snippets/(choose/)?registry/appointment/", "pk", "appointment"),
    (r"^admin/snippets/(choose/)?registry/audiencefigure/", "pk", "audience"),
    (r"^admin/sites/", "pk", "site"),
    (r"^admin/users/", "pk", "user"),
    (r"^admin/groups/", "pk", "group"),
    (r"^admin/registri/sk/", "pk", "decree"),
    (r"^admin/registri/akun/", "pk", "account"),
    (r"^admin/registri/penunjukan/", "pk", "appointment"),
    (r"^admin/sop/penugasan/", "pk", "assignment"),
    (r"^admin/sop/", "pk", "sop"),
    (r"^admin/password_reset/confirm/", "uidb64", "reset_uid"),
    (r"^admin/password_reset/confirm/", "token", "reset_token"),
    (r"^admin/wordpress/", "pk", "wordpress_run"),
    # --- Diskominfo's console
    (r"^console/instansi/", "slug", "slug"),
    (r"^console/instansi/", "action", "=arsip"),
    (r"^console/laporan/", "pk", "report"),
    (r"^console/laporan/", "action", "=kembalikan"),
    (r"^console/(pengaturan|ekspor)/", "year", "year"),
    (r"^console/pekerjaan/", "job_id", "job"),
]
# Query strings some routes need to name their object (bulk actions, autocomplete).
# Searches ask for B's marker (and name B where a caller may choose the instansi): a search
# route called without words shows nothing and would prove nothing. In lower case, which the
# full-text search ignores, so the words echoed in the search box are not taken for B's data.
QUERIES: dict[str, str] = {
    r"^admin/bulk/": "id={page}",
    r"^admin/tag-autocomplete/": "term=QZX",
    r"^cari/$": "q=qzxdinkes&instansi={slug}",
}


def placeholders(route: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of each parameter: `<conv:name>`, `(?P<name>…)`, or a bare group
    (named `_0`, `_1`… in order)."""
    found: list[tuple[str, int, int]] = []
    i, unnamed = 0, 0
    while i < len(route):
        if route[i] == "<":
            end = route.index(">", i)
            found.append((route[i + 1 : end].split(":")[-1], i, end + 1))
            i = end + 1
        elif route[i] == "(" and (i == 0 or route[i - 1] != "\\"):
            depth, j = 0, i
            while True:
                if route[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(route[j], 0)
                j += 1
                if depth == 0:
                    break
            named = re.match(r"\(\?P<(\w+)>", route[i:])
            if named:
                found.append((named.group(1), i, j))
            else:
                found.append((f"_{unnamed}", i, j))
                unnamed += 1
            i = j
        else:
            i += 1
    return found


def parameter_key(route: str, name: str) -> str | None:
    for route_rule, name_rule, key in PARAMETERS:
        if re.search(route_rule, route) and re.fullmatch(name_rule, name):
            return key
    return None


def keys_of(route: "Route") -> set[str]:
    """The resources of B that the route's URL names."""
    keys = {parameter_key(route.route, name) for name, _, _ in placeholders(route.route)}
    for rule, query in QUERIES.items():
        if re.search(rule, route.route):
            keys |= set(re.findall(r"\{(\w+)\}", query))
    return {k for k in keys if k and not k.startswith("=")}


def url(route: "Route", values: dict[str, str]) -> str:
    """The route's path with B's real ids and codes in every parameter."""
    text, out, pos = route.route, [], 0
    for name, start, end in placeholders(text):
        key = parameter_key(text, name)
        if key is None:
            raise LookupError(f"no rule fills <{name}> of {text}")
        out.append(text[pos:start])
        out.append(key[1:] if key.startswith("=") else values[key])
        pos = end
    out.append(text[pos:])
    path = "".join(out).replace("^", "").replace("$", "").replace("\\Z", "")
    path = "/" + path.replace("\\", "")
    for rule, query in QUERIES.items():
        if re.search(rule, text):
            path += "?" + query.format(**values)
    return path


def _view_methods(pattern: URLPattern) -> frozenset[str] | None:
    view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
    if view is None:
        return None
    return frozenset(m for m in HTTP_METHODS if hasattr(view, m))


def iter_routes(urlconf: str) -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            text = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + text)
            elif isinstance(pattern, URLPattern):
                full = prefix + text
                routes.append(Route(urlconf, full, pattern.name, _view_methods(pattern)))

    walk(get_resolver(urlconf).url_patterns, "")
    return routes


def classify(route: Route) -> str | None:
    """'public', 'api', 'console', 'admin', or None for a route no rule covers."""
    if (route.urlconf, route.name) in PUBLIC_BY_DESIGN:
        return "public"
    if route.urlconf == TENANT_URLCONF:
        if route.name in TENANT_API:
            return "api"
        if route.route.startswith(CONSOLE_PREFIX):
            return "console"
        if route.route.startswith(ADMIN_PREFIX):
            return "admin"
    return None


def routes_of(kind: str) -> list[Route]:
    return [
        r
        for conf in (PUBLIC_URLCONF, TENANT_URLCONF)
        for r in iter_routes(conf)
        if classify(r) == kind
    ]
