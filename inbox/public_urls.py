"""Public (bare-domain) routes of the inbox: portal inquiry form, tracking, Open311."""

from django.urls import path

from . import open311, public_views


def _open311(route: str, view, name: str) -> list:
    """The route in each GeoReport format, `.xml` and `.json`; the view gets it as `fmt`."""
    return [
        path(f"open311/v2/{route}.{fmt}", view, {"fmt": fmt}, name=name) for fmt in open311.FORMATS
    ]


urlpatterns = [
    path("tanya/", public_views.portal_inquiry_form, name="inbox-portal-form"),
    path("lacak/", public_views.track, name="inbox-track"),
    path("kinerja/", public_views.performance, name="inbox-performance"),
    path("lacak/<str:code>/", public_views.track_detail, name="inbox-track-detail"),
    path("lacak/<str:code>/nilai/", public_views.track_rate, name="inbox-track-rate"),
    path("lacak/<str:code>/lanjutan/", public_views.track_follow_up, name="inbox-track-follow-up"),
    *_open311("services", open311.services, "open311-services"),
    *_open311("services/<str:service_code>", open311.service_definition, "open311-service"),
    *_open311("requests", open311.requests_collection, "open311-requests"),
    *_open311("requests/<str:request_id>", open311.request_detail, "open311-request"),
    *_open311("discovery", open311.discovery, "open311-discovery"),
]
