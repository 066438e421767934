"""Site routes of the registry on an instansi host (the Akun Resmi page)."""

from django.urls import path

from . import views

urlpatterns = [
    path("akun-resmi/", views.akun_resmi, name="registry-akun-resmi"),
]
