"""The URL configuration as data: every pattern of both urlconfs, classified, with a sample URL.

Every named route must appear in exactly one class below (Wagtail's own admin routes are taken
as a block by their prefix). `test_every_route_is_classified` fails on a route that is in no
class, so a new endpoint cannot slip in without the isolation tests covering it.
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
    (PUBLIC_URLCONF, "home"): "regency portal: active instansi and published news",
    (PUBLIC_URLCONF, "instansi-logo"): "logos of active instansi, shown on the portal",
    (PUBLIC_URLCONF, "news-image"): "images of published news in the portal index",
    (PUBLIC_URLCONF, "registry-verify"): "public check that an account is official (Pasal 10)",
    (PUBLIC_URLCONF, "registry-verify-api"): "the same check as JSON, rate-limited",
    (PUBLIC_URLCONF, "inbox-portal-form"): "citizens file inquiries on the portal",
    (PUBLIC_URLCONF, "inbox-track"): "tracking form",
    (PUBLIC_URLCONF, "inbox-track-detail"): "tracking by an unguessable code; no personal data",
    (PUBLIC_URLCONF, "open311-discovery"): "Open311 discovery document",
    (PUBLIC_URLCONF, "open311-services"): "Open311: the inquiry kinds per instansi",
    (PUBLIC_URLCONF, "open311-service"): "Open311: one service definition",
    (
        PUBLIC_URLCONF,
        "open311-requests",
    ): "Open311: public, non-personal fields; POST files an inquiry",
    (PUBLIC_URLCONF, "open311-request"): "Open311: one request's public fields",
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

# The instansi API: a token or staff session of THIS instansi, scoped to its own data.
TENANT_API: set[str] = {
    "registry-decree-list",
    "registry-decree-detail",
    "registry-decree-pdf",
    "registry-account-list",
    "registry-appointment-list",
    "registry-audience",
    "inbox-api-inquiries",
    "inbox-api-stats",
    "inbox-api-inquiry",
    "inbox-api-inquiry-answer",
    "inbox-api-inquiry-refer",
    "inbox-api-inquiry-reply",
    "inbox-api-inquiry-close",
    "inbox-api-inquiry-topics",
    "inbox-api-referrals",
    "inbox-api-referral",
    "inbox-api-referral-answer",
    "inbox-api-referral-decline",
    "sop-list",
    "sop-from-template",
    "sop-stats",
    "sop-assignment-list",
    "sop-assignment-create",
    "sop-assignment-detail",
    "sop-assignment-draft",
    "sop-assignment-shares",
    "sop-detail",
    "sop-update",
    "sop-activate",
    "evaluation-report-list",
    "evaluation-report-detail",
    "evaluation-report-submit",
}

# Diskominfo's console: 404 on every host but the super-tenant's, Diskominfo users only there.
CONSOLE_PREFIX = "console/"
# Wagtail's admin (and the project's admin screens registered in it): staff of this instansi.
ADMIN_PREFIX = "admin/"


@dataclass(frozen=True)
class Route:
    urlconf: str
    route: str
    name: str | None
    sample: str


def _sample(route: str) -> str:
    """A concrete path for a pattern, converters and groups filled with harmless values."""
    path = route
    path = re.sub(r"<int:[^>]+>", "999999", path)
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<[^>]+>", "x", path)
    path = re.sub(r"\(\?P<[^>]+>[^()]*(\([^()]*\)[^()]*)*\)", "x", path)
    path = re.sub(r"\((?:\\d|\[0-9\])\+\)", "999999", path)
    path = re.sub(r"\([^()]*\)", "x", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + path


def iter_routes(urlconf: str) -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            text = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + text)
            elif isinstance(pattern, URLPattern):
                full = prefix + text
                routes.append(Route(urlconf, full, pattern.name, _sample(full)))

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
