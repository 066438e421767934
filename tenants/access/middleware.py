"""The two-factor gate: until verified, a user who must use two factors is signed in for nothing
but the views in `PENDING_ALLOWED_VIEWS`.

The rule is per identity, not per URL: `request.user` (and `request.auser()`) of such a request
is an anonymous user everywhere else — the admin, the console, the API with a session, private
documents, exports, and any URL added later — so every view refuses it exactly as it refuses a
visitor who never signed in. Where a view would send that visitor to the sign-in page, the gate
sends the pending user to verification (or enrolment) instead, with the same `next`. DRF's
session authentication (tenants.api.authentication) adds a JSON 401 that says why.
"""

import contextlib
import functools
from urllib.parse import parse_qs, urlencode, urlparse

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme

from . import services

# Named routes a pending user may use. Everything else sees an anonymous user.
PENDING_ALLOWED_VIEWS = frozenset(
    {
        "simpul_two_factor",  # enrol or verify
        "wagtailadmin_logout",
        # static parts the verification page itself loads (icons, translations)
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
    }
)


def safe_next(request, candidate: str | None) -> str | None:
    """`candidate` if it is a path or URL on this host (scheme checked), else None."""
    if not candidate:
        return None
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def two_factor_url(request, next_url: str | None) -> str:
    """The verification page, carrying a validated, encoded `next`."""
    url = reverse("simpul_two_factor")
    next_url = safe_next(request, next_url)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _login_paths() -> set[str]:
    """Where views send a visitor to sign in: the admin's and Wagtail's front-end login."""
    paths = {resolve_url(settings.LOGIN_URL)}
    frontend = getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None)
    with contextlib.suppress(NoReverseMatch):
        paths.add(resolve_url(frontend) if frontend else reverse("wagtailcore_login"))
    return paths


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(functools.partial(self._gate, request, user))
        auser = getattr(request, "auser", None)
        if auser is not None:
            request.auser = functools.partial(self._agate, request, auser)
        # a pending user asking for the sign-in page goes on to verification instead
        # (`is_authenticated` runs the gate)
        if (
            request.method == "GET"
            and self._view_name(request) == "wagtailadmin_login"
            and not request.user.is_authenticated
            and getattr(request, "two_factor_pending_user", None) is not None
        ):
            return HttpResponseRedirect(two_factor_url(request, request.GET.get("next")))
        response = self.get_response(request)
        if getattr(request, "two_factor_pending_user", None) is not None:
            response = self._login_redirect_to_verification(request, response)
        cookie = getattr(request, "simpul_device_cookie", None)
        if cookie:
            response.set_cookie(
                services.DEVICE_COOKIE,
                cookie,
                max_age=services.DEVICE_COOKIE_MAX_AGE,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    def _gate(self, request, user):
        if getattr(request, "tenant", None) is None or not services.two_factor_pending(user):
            return user
        if self._view_name(request) in PENDING_ALLOWED_VIEWS:
            return user
        request.two_factor_pending_user = user
        return AnonymousUser()

    async def _agate(self, request, auser):
        user = await auser()
        return await sync_to_async(self._gate)(request, user)

    @staticmethod
    def _view_name(request) -> str | None:
        match = getattr(request, "resolver_match", None)
        if match is None:
            try:
                match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
            except Resolver404:
                return None
        return match.url_name

    @staticmethod
    def _login_redirect_to_verification(request, response):
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        location = urlparse(response.get("Location", ""))
        if location.netloc or location.path not in _login_paths():
            return response
        next_url = (parse_qs(location.query).get("next") or [None])[0]
        return HttpResponseRedirect(two_factor_url(request, next_url))
