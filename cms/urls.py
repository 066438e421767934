"""Site routes of an instansi: sitemap, robots, search, identity CSS, and cached page serving.

The news feeds are routes of the news index page itself (`/berita/rss/`, `/berita/atom/`).
"""

from django.urls import path, re_path
from wagtail import views as wagtail_views

from . import views
from .cache import cache_page_per_tenant

urlpatterns = [
    path("sitemap.xml", views.sitemap, name="cms-sitemap"),
    path("robots.txt", views.robots_txt, name="cms-robots"),
    path("identitas.css", views.identity_css, name="cms-identity-css"),
    path("cari/", views.search, name="cms-search"),
    # Wagtail's own page route, behind the per-tenant cache (same pattern as wagtail.urls, whose
    # `_util/` routes and the `wagtail_serve` name stay as they are).
    re_path(r"^((?:[\w\-]+/)*)$", cache_page_per_tenant(wagtail_views.serve), name="cms-serve"),
]
