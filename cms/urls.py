"""Site routes of an instansi: sitemap, robots, search, identity CSS, and cached page serving.

The news feeds are routes of the news index page itself (`/berita/rss/`, `/berita/atom/`).
"""

from django.urls import path, re_path
from django.views.generic import RedirectView
from wagtail import views as wagtail_views

from . import views
from .caching.pages import cache_page_per_tenant
from .wordpress.redirects import with_wordpress_redirects

urlpatterns = [
    path("sitemap.xml", views.sitemap, name="cms-sitemap"),
    path("robots.txt", views.robots_txt, name="cms-robots"),
    path("identitas.css", views.identity_css, name="cms-identity-css"),
    path("cari/", views.search, name="cms-search"),
    # Wagtail's `_util/` routes come before the page route, whose pattern matches them too (a
    # password-protected page could never be unlocked, a private document led to a 404). The
    # front-end login is the admin's: one sign-in form, with its lockout and two-factor step.
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        wagtail_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="wagtailadmin_login", query_string=True),
        name="wagtailcore_login",
    ),
    # Wagtail's own page route, behind the per-tenant cache (same pattern as wagtail.urls, whose
    # `wagtail_serve` name stays as it is).
    # Old WordPress addresses such as /?p=123 redirect first (cms.wordpress.redirects).
    re_path(
        r"^((?:[\w\-]+/)*)$",
        with_wordpress_redirects(cache_page_per_tenant(wagtail_views.serve)),
        name="cms-serve",
    ),
]
