"""Diskominfo console routes (served on the super-tenant host only; views answer 404 elsewhere)."""

from django.urls import path

from . import views

app_name = "evaluation_console"

urlpatterns = [
    path("", views.console_index, name="index"),
    path("instansi/baru/", views.console_onboard, name="onboard"),
    path("instansi/<slug:slug>/", views.console_instansi, name="instansi"),
    path(
        "instansi/<slug:slug>/perbarui/",
        views.console_instansi_refresh,
        name="instansi_refresh",
    ),
    path(
        "instansi/<slug:slug>/<str:action>/",
        views.console_instansi_admin,
        name="instansi_admin",
    ),
    path("laporan/<int:pk>/", views.console_report, name="report"),
    path("laporan/<int:pk>/pdf/", views.console_report_pdf, name="report_pdf"),
    path("laporan/<int:pk>/<str:action>/", views.console_report_action, name="report_action"),
    path("pengaturan/", views.console_settings_current, name="settings_current"),
    path("pengaturan/<int:year>/", views.console_settings, name="settings"),
    path("ekspor/<int:year>/rekap.xlsx", views.console_recap_xlsx, name="recap_xlsx"),
    path("ekspor/<int:year>/rekap.csv", views.console_recap_csv, name="recap_csv"),
    path("ekspor/<int:year>/ringkasan-bupati.pdf", views.console_bupati_pdf, name="bupati_pdf"),
    path("pekerjaan/", views.console_job_start, name="job_start"),
    path("pekerjaan/<int:job_id>/", views.console_job, name="job"),
    path("pekerjaan/<int:job_id>/unduh/", views.console_job_download, name="job_download"),
]
