"""Routes of the regency portal."""

from django.urls import path

from ..feeds import PortalNewsAtomFeed, PortalNewsRssFeed
from . import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("cari/", views.portal_search_view, name="search"),
    path("berita/rss/", PortalNewsRssFeed(), name="news-rss"),
    path("berita/atom/", PortalNewsAtomFeed(), name="news-atom"),
    path("berkas/logo/<slug:slug>/", views.instansi_logo, name="instansi-logo"),
    path("berkas/berita/<int:pk>/", views.news_image, name="news-image"),
]
