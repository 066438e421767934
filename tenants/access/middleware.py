"""Sends users who must pass two-factor sign-in (or enabled it) to verify before any admin page."""

from django.shortcuts import redirect
from django.urls import reverse

from . import services

_GUARDED = ("/admin/", "/console/")
_OPEN = ("/admin/login/", "/admin/logout/", "/admin/keamanan/2fa/", "/admin/jsi18n/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        user = getattr(request, "user", None)
        if (
            getattr(request, "tenant", None) is not None
            and path.startswith(_GUARDED)
            and not path.startswith(_OPEN)
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and (services.two_factor_required(user) or services.has_confirmed_device(user))
        ):
            return redirect(f"{reverse('simpul_two_factor')}?next={path}")
        return self.get_response(request)
