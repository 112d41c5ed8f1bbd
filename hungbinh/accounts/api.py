"""API plumbing shared by every endpoint: errors as JSON, never a 500 for bad input."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # A service raises Django's ValidationError; the API answers it as a 400
    # with field errors, the same shape as a serializer's.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    return drf_exception_handler(exc, context)
