"""Reads of an instansi's website (current tenant schema): sections, news lists, accounts.

What is the same for every visitor (the site's sections, its identity, its official accounts,
whether any page is private, the latest news, a news page by its address) is read through the
tenant's memo (`cms.caching.memo.tenant_memo`): once per process until a change moves the
tenant's generation on (any page saved, published or unpublished, identity, registry, privacy,
images). A page read from the memo is returned as the request's own copy
(`cms.caching.copies.request_copy`): nothing one request sets on it reaches another.
"""

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from wagtail.images import get_image_model
from wagtail.models import Page

from tenants.registry.selectors import official_account_list_active

from .caching.copies import request_copies, request_copy
from .caching.memo import tenant_memo
from .caching.pages import any_view_restriction
from .models import (
    ContactPage,
    HomePage,
    IdentitySettings,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)
from .validators import TAGAR_RE

# Rendition filters the templates use, prefetched so that no image costs a query or a cache
# round trip of its own (each must match the template that shows it).
CARD_RENDITION = "fill-640x360"  # cms/includes/news_card.html
HERO_RENDITION = "fill-960x540"  # cms/home_page.html
LOGO_RENDITIONS = ("height-96", "max-600x600")  # simpul_base.html: header; base_page.html: og

# Page types that are sections of the site (children of the home page), routed from the memo.
SECTION_MODELS = (NewsIndexPage, StandardPage, ContactPage)


def home_page() -> HomePage | None:
    return HomePage.objects.live().order_by("depth", "path").first()


def news_index_page() -> NewsIndexPage | None:
    """The instansi's NewsIndexPage (the "berita" section), or None before provisioning."""
    return NewsIndexPage.objects.order_by("depth", "path").first()


def contact_page() -> ContactPage | None:
    return ContactPage.objects.live().order_by("path").first()


def site_news_index_page() -> NewsIndexPage | None:
    """`news_index_page()` from the tenant's memo (for links on every page)."""
    return request_copy(tenant_memo("news_index_page", news_index_page))


def site_contact_page() -> ContactPage | None:
    return request_copy(tenant_memo("contact_page", contact_page))


def section_page(home: HomePage, slug: str) -> Page | None:
    """The home page's child `slug` of a section type, from the tenant's memo of them all."""

    def build() -> dict[str, Page]:
        sections = {}
        for model in SECTION_MODELS:
            for page in model.objects.child_of(home):
                sections[page.slug] = page
        return sections

    return request_copy(tenant_memo(("sections", home.pk, home.path), build).get(slug))


def news_page_for_route(index: NewsIndexPage, slug: str) -> NewsPage | None:
    """The news page `slug` under `index` (live or not: routing decides), with its image, from
    the tenant's memo; its `news_index` is `index`, the page it is routed through."""

    def build() -> NewsPage | None:
        return (  # child_of(index), spelled out: building that costs a fifth of the query
            NewsPage.objects.select_related("image")
            .filter(path__startswith=index.path, depth=index.depth + 1, slug=slug)
            .first()
        )

    news = request_copy(tenant_memo(("news_page", index.pk, index.path, slug), build))
    if news is not None:
        news.news_index = index
    return news


def site_identity() -> IdentitySettings:
    """The instansi's identity settings with its logo and the logo's renditions loaded."""

    def build() -> IdentitySettings:
        identity = IdentitySettings.load()
        prefetch_renditions([identity.logo], LOGO_RENDITIONS)
        return identity

    return tenant_memo("identity", build)


def hero_image(home: HomePage):
    """The home page's hero image with its rendition loaded, or None."""
    if not home.hero_image_id:
        return None

    def build():
        return (
            get_image_model()
            .objects.prefetch_renditions(HERO_RENDITION)
            .filter(pk=home.hero_image_id)
            .first()
        )

    return tenant_memo(("hero_image", home.hero_image_id), build)


def prefetch_renditions(images, filter_specs) -> None:
    """Load these renditions of `images` (None entries skipped) in one query, as
    `prefetch_renditions()` does for a queryset; Wagtail then finds them without a query."""
    images = [image for image in images if image is not None]
    if not images:
        return
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=list(filter_specs))
    )
    prefetch_related_objects(
        images, Prefetch("renditions", queryset=renditions, to_attr="prefetched_renditions")
    )


def public(pages: QuerySet) -> QuerySet:
    """`pages.public()`, which costs a query for the restrictions, only when there are any."""
    return pages.public() if any_view_restriction() else pages


def _with_card_images(news: QuerySet[NewsPage]) -> QuerySet[NewsPage]:
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=CARD_RENDITION)
    return news.select_related("image").prefetch_related(
        Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions")
    )


def news_list(
    *, index_page: Page | None = None, tagar: str = "", category: str = ""
) -> QuerySet[NewsPage]:
    """Live, public news (newest first), optionally under one index, by hashtag or category.

    An unknown or malformed filter gives an empty list, never an error.
    """
    news = public(NewsPage.objects.live())
    if index_page is not None:
        news = news.child_of(index_page)
    if tagar:
        tag = tagar if tagar.startswith("#") else f"#{tagar}"
        if not TAGAR_RE.match(tag):
            return NewsPage.objects.none()
        # Hashtags are stored space-separated; match one whole tag, case-insensitively.
        news = news.filter(tagar__iregex=rf"(^| ){tag}( |$)")
    if category:
        if category not in NewsCategory.values:
            return NewsPage.objects.none()
        news = news.filter(category=category)
    return _with_card_images(news.order_by("-date", "-first_published_at", "-id"))


def news_list_latest(*, limit: int = 4) -> list[NewsPage]:
    return list(news_list()[:limit])


def site_latest_news(*, limit: int = 4) -> list[NewsPage]:
    """`news_list_latest()` from the tenant's memo: the home page's "latest news" block, the
    same for every visitor until the next publish (which moves the generation on)."""
    return request_copies(
        tenant_memo(("latest_news", limit), lambda: news_list_latest(limit=limit))
    )


def official_accounts() -> list:
    """The instansi's active official accounts (registry), for the home page."""
    return tenant_memo("official_accounts", lambda: list(official_account_list_active()))


def search_pages(query: str) -> list[Page]:
    """Per-tenant full-text search (Wagtail database backend) over live public pages."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    results = public(Page.objects.live()).specific().search(query, operator="and")
    return list(results[:50])
