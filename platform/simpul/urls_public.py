"""URLs of the bare regency domain (public schema): the portal, health, public verification."""

from django.urls import include, path

from simpul import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("", include("tenants.public_urls")),
    path("", include("inbox.public_urls")),
    path("", include("cms.portal.urls")),
]

handler404 = "simpul.views.page_not_found"
handler500 = "simpul.views.server_error"
