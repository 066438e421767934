"""URLs of the bare regency domain (public schema): the portal, health, public verification."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from simpul import views

# The portal's own API is the public account verification only: its schema is generated from
# the public routes (the /api/v1/ hook keeps the API), never from an instansi's API.
portal_api_schema = SpectacularAPIView.as_view(
    urlconf="tenants.public_urls",
    custom_settings={
        "TITLE": "Simpul API portal kabupaten",
        "DESCRIPTION": (
            "API publik portal kabupaten: periksa apakah sebuah akun media sosial adalah akun "
            "resmi instansi (berdasarkan SK yang terdaftar). Tanpa token; dibatasi per alamat IP."
        ),
    },
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("api/schema/", portal_api_schema, name="api-schema"),
    # Swagger UI from the project's static files (drf-spectacular-sidecar), as on instansi hosts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("tenants.public_urls")),
    path("", include("inbox.public_urls")),
    path("", include("cms.portal.urls")),
]

handler404 = "simpul.views.page_not_found"
handler500 = "simpul.views.server_error"
