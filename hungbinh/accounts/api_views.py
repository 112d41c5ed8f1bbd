from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .tokens import revoke_tokens, token_for


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (throttled like the login page); DELETE revokes it.

    A token expires API_TOKEN_HOURS after it was issued and with a password change (hungbinh/accounts/tokens.py).
    """

    permission_classes = [AllowAny]
    serializer_class = AuthTokenSerializer

    def get_authenticators(self):
        # Asking for a token needs no credentials; revoking one needs the token (or the session).
        if self.request is not None and self.request.method == "DELETE":
            return super().get_authenticators()
        return []

    def get_permissions(self):
        if self.request is not None and self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description=_("Wrong username or password, or a body that is not an object.")),
            429: OpenApiResponse(description=_("Too many failed attempts: locked for a while.")),
        },
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            return Response(
                {"detail": _("Send an object with “username” and “password”.")}, status=status.HTTP_400_BAD_REQUEST
            )
        username = request.data.get("username", "")
        credentials = {"username": username if isinstance(username, str) else ""}
        if AxesProxyHandler.is_locked(request._request, credentials):
            return Response(
                {"detail": _("Too many failed login attempts. The account is locked for a while; try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        token = token_for(serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None, 401: OpenApiResponse(description=_("Not logged in."))})
    def delete(self, request):
        """Revoke the caller's tokens: the next request with one of them is a 401."""
        revoke_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
