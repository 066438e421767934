"""URLs of an instansi's host: API, admin, Diskominfo's console, then the Wagtail site."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from simpul import views

api_v1 = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("", include("tenants.api.urls")),
    path("", include("inbox.api.urls")),
    path("", include("sop.api.urls")),
    path("", include("evaluation.api.urls")),
    # Last: an unknown API path is a JSON 404 here, never handed on to the site's pages.
    re_path(r"^.*$", views.api_not_found, name="api-not-found"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the project's static files (drf-spectacular-sidecar) and its start-up
    # script from a URL of its own (the split view): the public CSP allows no CDN and no inline
    # script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("console/", include("evaluation.console_urls")),
    path("", include("tenants.registry.urls")),
    path("", include("inbox.site_urls")),
    path("", include("cms.urls")),
]

# nginx serves /media/<schema>/ for the matching host in the deploy stack; without nginx (or in
# development) the view does the same check.
urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", views.tenant_media, name="tenant-media"))

urlpatterns.append(path("", include(wagtail_urls)))

handler404 = "simpul.views.page_not_found"
handler500 = "simpul.views.server_error"
