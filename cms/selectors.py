"""Reads of an instansi's website (current tenant schema): sections, news lists, accounts."""

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model
from wagtail.models import Page

from tenants.registry.selectors import official_account_list_active

from .models import ContactPage, HomePage, NewsCategory, NewsIndexPage, NewsPage
from .validators import TAGAR_RE

# Rendition filters the templates use, prefetched so a list costs no query per item.
CARD_RENDITION = "fill-640x360"
HERO_RENDITION = "fill-1200x630"


def home_page() -> HomePage | None:
    return HomePage.objects.live().order_by("depth", "path").first()


def news_index_page() -> NewsIndexPage | None:
    """The instansi's NewsIndexPage (the "berita" section), or None before provisioning."""
    return NewsIndexPage.objects.order_by("depth", "path").first()


def contact_page() -> ContactPage | None:
    return ContactPage.objects.live().order_by("path").first()


def _with_card_images(news: QuerySet[NewsPage]) -> QuerySet[NewsPage]:
    images = get_image_model().objects.prefetch_renditions(CARD_RENDITION)
    return news.prefetch_related(Prefetch("image", queryset=images))


def news_list(
    *, index_page: Page | None = None, tagar: str = "", category: str = ""
) -> QuerySet[NewsPage]:
    """Live, public news (newest first), optionally under one index, by hashtag or category.

    An unknown or malformed filter gives an empty list, never an error.
    """
    news = NewsPage.objects.live().public()
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


def official_accounts() -> list:
    """The instansi's active official accounts (registry), for the home page."""
    return list(official_account_list_active())


def search_pages(query: str) -> list[Page]:
    """Per-tenant full-text search (Wagtail database backend) over live public pages."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    results = Page.objects.live().public().specific().search(query, operator="and")
    return list(results[:50])
