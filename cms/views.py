"""Site routes of an instansi that are not pages: sitemap, robots.txt, search, identity CSS."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from . import selectors
from .caching.pages import cache_page_per_tenant
from .portal.views import search_context


@require_GET
@cache_page_per_tenant
def sitemap(request):
    """Every live public page of this instansi's site (Wagtail's sitemap generator)."""
    response = wagtail_sitemap(request, template_name="cms/sitemap.xml")
    response.render()
    return response


@require_GET
@cache_page_per_tenant
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /cari/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
@cache_page_per_tenant
def identity_css(request):
    """The instansi's colours as CSS custom properties (the public CSP forbids inline styles)."""
    identity = selectors.site_identity()
    css = (
        ":root {"
        f" --brand: {identity.primary_colour};"
        f" --brand-ink: {identity.primary_text_colour};"
        f" --accent: {identity.primary_colour};"
        " }\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def search(request):
    """This instansi's pages, news and documents, from the regency's search index.

    Not behind the page cache: the index is written after the publishing transaction commits,
    later than the cache is dropped, and a cached page would keep the old results.
    """
    context = search_context(request, instansi_slug=request.tenant.schema_name)
    return render(request, "cms/search.html", context)
