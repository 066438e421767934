"""Public (bare-domain) routes of the registry: account verification page and API."""

from django.urls import path

from .api.registry import VerifyApi
from .registry import views

urlpatterns = [
    path("verifikasi-akun/", views.verify_page, name="registry-verify"),
    path("api/v1/verify", VerifyApi.as_view(), name="registry-verify-api"),
]
