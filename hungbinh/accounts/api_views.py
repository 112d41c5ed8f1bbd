from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (throttled like the login page)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        credentials = {"username": request.data.get("username", "")}
        if AxesProxyHandler.is_locked(request._request, credentials):
            return Response(
                {"detail": _("Too many failed login attempts. The account is locked for a while; try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
