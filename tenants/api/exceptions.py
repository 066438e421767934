"""The one place that turns domain errors into JSON 4xx answers for every API of Simpul."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import SimpulError


def exception_handler(exc, context):
    if isinstance(exc, SimpulError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            data = {("detail" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        else:
            data = {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DataError):
        # A value the database cannot hold (an id past bigint, say): nothing can match it.
        return Response(
            {"detail": "Nilai di luar jangkauan; tidak ditemukan."},
            status=status.HTTP_404_NOT_FOUND,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Tidak ditemukan.")
    return drf_exception_handler(exc, context)
