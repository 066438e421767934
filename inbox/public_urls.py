"""Public (bare-domain) routes of the inbox: portal inquiry form, tracking, Open311."""

from django.urls import path

from . import open311, public_views

urlpatterns = [
    path("tanya/", public_views.portal_inquiry_form, name="inbox-portal-form"),
    path("lacak/", public_views.track, name="inbox-track"),
    path("kinerja/", public_views.performance, name="inbox-performance"),
    path("lacak/<str:code>/", public_views.track_detail, name="inbox-track-detail"),
    path("open311/v2/services.json", open311.services, name="open311-services"),
    path(
        "open311/v2/services/<str:service_code>.json",
        open311.service_definition,
        name="open311-service",
    ),
    path("open311/v2/requests.json", open311.requests_collection, name="open311-requests"),
    path(
        "open311/v2/requests/<str:request_id>.json", open311.request_detail, name="open311-request"
    ),
    path("open311/v2/discovery.json", open311.discovery, name="open311-discovery"),
]
