"""API routes of the tenants app: the instansi's own registry (decrees, accounts, appointments)."""

from django.urls import path

from . import registry

urlpatterns = [
    path("registry/decrees/", registry.DecreeListApi.as_view(), name="registry-decree-list"),
    path(
        "registry/decrees/<int:pk>/",
        registry.DecreeDetailApi.as_view(),
        name="registry-decree-detail",
    ),
    path(
        "registry/decrees/<int:pk>/pdf",
        registry.DecreePdfApi.as_view(),
        name="registry-decree-pdf",
    ),
    path("registry/accounts/", registry.AccountListApi.as_view(), name="registry-account-list"),
    path(
        "registry/appointments/",
        registry.AppointmentListApi.as_view(),
        name="registry-appointment-list",
    ),
    path("registry/audience/", registry.AudienceRecordApi.as_view(), name="registry-audience"),
]
