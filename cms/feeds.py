"""RSS 2.0 and Atom feeds of a news index (`/berita/rss/`, `/berita/atom/`) and of the
regency portal's latest news from every instansi (the same addresses on the portal)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from tenants.services import instansi_url

from . import selectors
from .models import IdentitySettings, NewsCategory
from .portal.selectors import portal_news_list

FEED_ITEMS = 20


class NewsRssFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "id"

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page
        self.request = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        identity = IdentitySettings.load(request_or_site=self.request)
        return f"{self.index_page.title} — {identity.name or self.index_page.get_site().site_name}"

    def description(self):
        return self.index_page.intro or f"Berita terbaru dari {self.title()}"

    subtitle = description

    def link(self):
        return self.index_page.get_full_url(self.request)

    def items(self):
        return selectors.news_list(index_page=self.index_page)[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.category_label, *item.tagar_list]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed


class PortalNewsRssFeed(Feed):
    """The regency's latest news from every instansi (the portal's news index), RSS 2.0.

    Each item links to the news page on its instansi's site and names the instansi as author.
    """

    feed_type = Rss201rev2Feed
    language = "id"
    # One instance serves every request (it is in the URL conf): it keeps no request state.

    def title(self):
        return f"Berita {settings.SIMPUL_REGENCY_NAME}"

    def description(self):
        return f"Berita terbaru dari semua instansi pemerintah {settings.SIMPUL_REGENCY_NAME}."

    subtitle = description

    def link(self):
        return "/"

    def items(self):
        return portal_news_list()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return instansi_url(item.instansi, item.url_path)

    def item_guid(self, item):
        return instansi_url(item.instansi, item.url_path)

    def item_author_name(self, item):
        return item.instansi.display_name

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [dict(NewsCategory.choices).get(item.category, item.category), *item.tagar]


class PortalNewsAtomFeed(PortalNewsRssFeed):
    feed_type = Atom1Feed
