"""API routes of evaluation (under /api/v1/ on instansi hosts)."""

from django.urls import path

from . import views

urlpatterns = [
    path("evaluation/reports/", views.ReportListApi.as_view(), name="evaluation-report-list"),
    path(
        "evaluation/reports/<int:year>/",
        views.ReportDetailApi.as_view(),
        name="evaluation-report-detail",
    ),
    path(
        "evaluation/reports/<int:year>/submit/",
        views.ReportSubmitApi.as_view(),
        name="evaluation-report-submit",
    ),
]
