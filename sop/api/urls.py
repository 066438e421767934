"""API routes of sop, included under /api/v1/ on instansi hosts."""

from django.urls import path

from . import views

urlpatterns = [
    path("sop/", views.SopListApi.as_view(), name="sop-list"),
    path("sop/dari-templat/", views.SopCreateFromTemplateApi.as_view(), name="sop-from-template"),
    path("sop/statistik/", views.SopStatsApi.as_view(), name="sop-stats"),
    path("sop/penugasan/", views.AssignmentListApi.as_view(), name="sop-assignment-list"),
    path("sop/penugasan/baru/", views.AssignmentCreateApi.as_view(), name="sop-assignment-create"),
    path(
        "sop/penugasan/<int:pk>/", views.AssignmentDetailApi.as_view(), name="sop-assignment-detail"
    ),
    path(
        "sop/penugasan/<int:pk>/draf/",
        views.AssignmentDraftApi.as_view(),
        name="sop-assignment-draft",
    ),
    path(
        "sop/penugasan/<int:pk>/unggahan/",
        views.AssignmentSharesApi.as_view(),
        name="sop-assignment-shares",
    ),
    path("sop/<int:pk>/", views.SopDetailApi.as_view(), name="sop-detail"),
    path("sop/<int:pk>/ubah/", views.SopUpdateApi.as_view(), name="sop-update"),
    path("sop/<int:pk>/berlakukan/", views.SopActivateApi.as_view(), name="sop-activate"),
]
