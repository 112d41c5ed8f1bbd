"""API tokens that expire, end with a password change, and can be revoked by their owner.

A token is valid for API_TOKEN_HOURS after it was issued (default 24: a day's
work of a script or an app). Asking the token endpoint again after that issues
a new one; a password change deletes the user's tokens (User.save), and
DELETE /api/auth/token/ deletes the caller's own.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_lifetime() -> timedelta:
    return timedelta(hours=settings.API_TOKEN_HOURS)


def is_expired(token: Token, now=None) -> bool:
    return token.created + token_lifetime() <= (now or timezone.now())


def token_for(user) -> Token:
    """The user's valid token: the current one, or a new one when it expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return token


def revoke_tokens(user) -> int:
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired. Ask for a new one at /api/auth/token/."))
        return user, token
