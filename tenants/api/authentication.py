"""`Authorization: Token <key>`: an instansi's API token, valid only on that instansi's host."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from rest_framework import authentication, exceptions

from core import policy

from ..models import ApiToken, Instansi
from ..services import hash_token_key

# "Last used" is shown to the minute (the admin's token list): a busy client's token is written
# once a minute, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass
class ApiClient:
    """The caller behind an API token: acts for its instansi, has no admin rights; it holds only
    the permissions the apps declared for API clients in the one policy (core.policy)."""

    token: ApiToken
    instansi: Instansi

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_active = True
    pk = None

    def __str__(self) -> str:
        return f"API {self.instansi.display_name}: {self.token.name}"

    def get_full_name(self) -> str:
        return str(self)

    def has_perm(self, perm, obj=None) -> bool:
        return perm in policy.api_client_permissions()


class InstansiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("instansi")
            .filter(key_hash=hash_token_key(key), revoked_at__isnull=True)
            .first()
        )
        tenant = getattr(connection, "tenant", None)
        # A token works only on its own instansi's host: elsewhere it is simply invalid.
        if (
            token is None
            or getattr(tenant, "pk", None) != token.instansi_id
            or not token.instansi.is_active
        ):
            raise exceptions.AuthenticationFailed("Token tidak sah untuk instansi ini.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return ApiClient(token=token, instansi=token.instansi), token


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """A browser session, but never one that still owes its second factor.

    The two-factor gate (tenants.access.middleware) already shows such a request an anonymous
    user; this says why in the JSON answer, and refuses a pending session on its own should
    the gate ever be missing from MIDDLEWARE.
    """

    def authenticate(self, request):
        from ..access.services import two_factor_pending

        django_request = request._request
        user = getattr(django_request, "user", None)
        signed_in = user is not None and user.is_authenticated  # runs the gate (lazy user)
        pending = getattr(django_request, "two_factor_pending_user", None)
        if pending is None and signed_in and two_factor_pending(user):
            pending = user
        if pending is not None:
            raise exceptions.AuthenticationFailed(
                "Sesi ini belum lolos verifikasi dua faktor: selesaikan di /admin/keamanan/2fa/."
            )
        return super().authenticate(request)
