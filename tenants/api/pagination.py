"""The one pagination of the API's list endpoints (REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]).

DRF's LimitOffsetPagination takes any `limit` by default: a client asking for a million rows
got them in one response. Larger limits are cut to MAX_LIMIT; the `next` link carries on.
"""

from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 200


class ApiPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT
