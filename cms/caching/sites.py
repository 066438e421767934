"""Wagtail's per-request lookups answered from the tenant memo: the site for the request's
host (a query otherwise) and the sites' root paths (a cache read otherwise).

Wagtail keeps both on the request under private names (`cms.caching.internals`): the memo
fills them before Wagtail looks. The site and its root page are loaded once per generation,
root page in its specific form, and each request gets its own copies of both
(`cms.caching.copies`): Wagtail routes and serves the home page from `site.root_page`.
"""

from django.http.request import split_domain_port

from .copies import request_copy
from .memo import tenant_memo


def _load_site(request):
    """The request's site, with its root page in its specific form (Wagtail reads it to
    route every page): loaded here once, not by each request's copy."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is not None:
        site.root_page.specific  # noqa: B018 - loads it into the memoised instance
    return site


def _site_copy(site):
    """The memoised site, with a root page (specific) of the request's own."""
    if site is None:
        return None
    own = request_copy(site)
    own.root_page = request_copy(site.root_page.specific)
    return own


def prime_wagtail_site(request) -> None:
    """Answer `Site.find_for_request` and Wagtail's site root paths for `request` from the
    memo (inside a `memo_scope`)."""
    from wagtail.models import Site

    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request.get_host())[0]
        port = request.get_port()
        site = tenant_memo(("site", hostname, port), lambda: _load_site(request))
        request._wagtail_site = _site_copy(site)
    if not hasattr(request, "_wagtail_cached_site_root_paths"):
        request._wagtail_cached_site_root_paths = tenant_memo(
            "site_root_paths", Site.get_site_root_paths
        )
