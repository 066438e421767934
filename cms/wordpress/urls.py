"""Admin URLs of the WordPress import (under /admin/wordpress/)."""

from django.urls import path

from . import views

app_name = "cms_wordpress"

urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/alamat.csv", views.report_csv, name="report_csv"),
]
