"""API plumbing shared by every endpoint: errors as JSON, never a 500 for bad input."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # A service raises Django's ValidationError; the API answers it as a 400
    # with field errors, the same shape as a serializer's.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    # get_object_or_404's message is English and names the model ("No Khoi
    # matches the given query."); an object outside the scope gets the plain,
    # translated "not found" that says nothing about what exists.
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


def role_may(predicate, message):
    """A DRF permission: the role may take this action (hungbinh/accounts/roles.py), answered before the object
    is looked up and the body read, so a role that may not act always gets a 403 (docs/roles.md), never a 400
    about a body it could not send anyway. The object's scope is still the queryset's (404)."""
    from rest_framework.permissions import BasePermission

    class RoleMay(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and predicate(request.user))

    RoleMay.message = message
    return RoleMay
