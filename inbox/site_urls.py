"""Site routes of the inbox on an instansi host (tracking; the form is an InquiryFormPage)."""

from django.urls import path

from . import public_views

urlpatterns = [
    path("lacak/", public_views.track, name="inbox-track"),
    path("kinerja/", public_views.performance, name="inbox-performance"),
    path("lacak/<str:code>/", public_views.track_detail, name="inbox-track-detail"),
    path("lacak/<str:code>/nilai/", public_views.track_rate, name="inbox-track-rate"),
    path("lacak/<str:code>/lanjutan/", public_views.track_follow_up, name="inbox-track-follow-up"),
]
