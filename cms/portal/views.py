"""The regency portal's pages: instansi list, latest news across instansi, their images."""

from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tenants.selectors import instansi_get
from tenants.services import instansi_url

from ..params import query_param
from .models import PortalSearchEntry
from .selectors import (
    MAX_RANKED,
    portal_filter_choices,
    portal_instansi_list,
    portal_news_get,
    portal_news_list,
    portal_search,
    portal_search_has_more,
    portal_search_instansi_choices,
    portal_search_snippets,
)

NEWS_PER_PAGE = 20
SEARCH_PER_PAGE = 10
CATEGORY_LABELS = {
    "kegiatan": "Kegiatan instansi",
    "isu": "Isu aktual daerah",
    "kebijakan": "Kebijakan pusat & provinsi",
}


@require_GET
def portal_home(request):
    filters = {
        "query": query_param(request, "q"),
        "instansi_slug": query_param(request, "instansi", 30),
        "category": query_param(request, "kategori", 16),
        "tagar": query_param(request, "tagar", 60),
    }
    paginator = Paginator(portal_news_list(**filters), NEWS_PER_PAGE)
    try:
        news_page = paginator.page(request.GET.get("halaman", 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404("Halaman tidak ditemukan.") from exc
    news = [
        {
            "title": item.title,
            "lead": item.lead,
            "url": instansi_url(item.instansi, item.url_path),
            "instansi": item.instansi.display_name,
            "instansi_slug": item.instansi.schema_name,
            "category": item.category,
            "category_label": CATEGORY_LABELS.get(item.category, item.category),
            "tagar": item.tagar,
            "image_url": f"/berkas/berita/{item.pk}/" if item.image_path else "",
            "image_alt": item.image_alt,
            "date": item.date,
        }
        for item in news_page.object_list
    ]
    instansi = []
    for i in portal_instansi_list():
        profile = getattr(i, "portal_profile", None)
        instansi.append(
            {
                "name": i.name,
                "short_name": i.display_name,
                "slug": i.schema_name,
                "url": instansi_url(i),
                "is_super": i.is_super,
                "logo_url": f"/berkas/logo/{i.schema_name}/"
                if profile and profile.logo_path
                else "",
                "initials": "".join(w[0] for w in i.display_name.split()[:2]).upper(),
            }
        )
    filtering = any(filters.values())
    return render(
        request,
        "portal/home.html",
        {
            "instansi_list": instansi,
            "news": news,
            "news_page": news_page,
            "filters": filters,
            "filtering": filtering,
            "categories": list(CATEGORY_LABELS.items()),
            "filter_instansi": portal_filter_choices()["instansi"],
        },
    )


def search_context(request, *, instansi_slug: str = "") -> dict:
    """The search form's values and one page of ranked, highlighted results.

    On the portal the citizen may choose the instansi; an instansi's own search passes its
    slug. An unknown page number is a 404, like every paginated list of the site.
    """
    query = query_param(request, "q")
    kind = query_param(request, "jenis", 10)
    chosen = instansi_slug or query_param(request, "instansi", 63)
    paginator = Paginator(
        portal_search(query=query, instansi_slug=chosen, kind=kind), SEARCH_PER_PAGE
    )
    try:
        results = paginator.page(request.GET.get("halaman", 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404("Halaman tidak ditemukan.") from exc
    entries = list(results.object_list)
    snippets = portal_search_snippets(query=query, entry_ids=[e.pk for e in entries])
    kind_labels = dict(PortalSearchEntry.Kind.choices)
    items = [
        {
            "title": snippets.get(e.pk, (e.title, ""))[0],
            "snippet": snippets.get(e.pk, ("", ""))[1],
            "url": instansi_url(e.instansi, e.url_path),
            "instansi": e.instansi.display_name,
            "kind": e.kind,
            "kind_label": kind_labels.get(e.kind, e.kind),
            "date": e.date,
        }
        for e in entries
    ]
    return {
        "query": query,
        # Only a query with MAX_RANKED matches can have more (one more query then).
        "has_more": paginator.count >= MAX_RANKED
        and portal_search_has_more(query=query, instansi_slug=chosen, kind=kind),
        "max_ranked": MAX_RANKED,
        "kind": kind,
        "chosen_instansi": chosen,
        "kinds": PortalSearchEntry.Kind.choices,
        "results": results,
        "items": items,
        "querystring": urlencode(
            {"q": query, "jenis": kind, **({} if instansi_slug else {"instansi": chosen})}
        ),
    }


@require_GET
def portal_search_view(request):
    """The regency's search: pages, news and documents of every instansi."""
    context = search_context(request)
    context["search_instansi"] = portal_search_instansi_choices()
    return render(request, "portal/search.html", context)


def _media_file(schema_name: str, relative: str) -> FileResponse:
    """A file of one instansi's media folder, refusing anything outside it."""
    if not relative:
        raise Http404("Berkas tidak ditemukan.")
    root = (Path(settings.MEDIA_ROOT) / schema_name).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404("Berkas tidak ditemukan.")
    response = FileResponse(path.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def instansi_logo(request, slug: str):
    instansi = instansi_get(slug)
    profile = getattr(instansi, "portal_profile", None) if instansi else None
    if instansi is None or not instansi.is_active or profile is None:
        raise Http404("Berkas tidak ditemukan.")
    return _media_file(instansi.schema_name, profile.logo_path)


@require_GET
def news_image(request, pk: int):
    item = portal_news_get(pk)
    if item is None or not item.instansi.is_active:
        raise Http404("Berkas tidak ditemukan.")
    return _media_file(item.instansi.schema_name, item.image_path)
