from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from hungbinh.accounts.roles import can_edit_registry, can_manage_ward

from . import personal_data, selectors, services
from .filters import HouseholdFilter, IdFilter
from .importing import household_import, runs
from .models import Household
from .serializers import (
    ConflictSerializer,
    HouseholdSerializer,
    ImportErrorSerializer,
    ImportRequestSerializer,
    ImportResultSerializer,
    KhoiSerializer,
    MemberSerializer,
    StatusChangeRequestSerializer,
    StatusChangeSerializer,
    WardSerializer,
)


class WardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WardSerializer

    def get_queryset(self):
        return selectors.ward_list(user=self.request.user)


class KhoiFilter(filters.FilterSet):
    ward = IdFilter(field_name="ward_id")


class KhoiViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KhoiSerializer
    filterset_class = KhoiFilter

    def get_queryset(self):
        return selectors.khoi_list(user=self.request.user)


# --- Households and members -----------------------------------------------------


class RegistryWritePermission(permissions.BasePermission):
    """Reading follows the scope; writing needs a role that may edit the registry.

    The upper level is read-only: its writes are a 403 before any object is
    looked up. Objects outside a writer's scope are a 404 through the scoped
    querysets.
    """

    message = _("Your role may only read the registry, not change it.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_edit_registry(request.user)


class StaleVersionIsConflict:
    """A stale `version` is answered 409 with the current version; nothing was written."""

    def handle_exception(self, exc):
        if isinstance(exc, services.StaleVersion):
            return Response({"detail": exc.message, "version": exc.current_version}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)


CONFLICT = OpenApiResponse(ConflictSerializer, description=_("The version sent is stale; nothing was written."))


@extend_schema_view(
    list=extend_schema(summary=_("Households the user may see, filtered")),
    update=extend_schema(responses={200: HouseholdSerializer, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: HouseholdSerializer, 409: CONFLICT}),
)
class HouseholdViewSet(StaleVersionIsConflict, viewsets.ModelViewSet):
    """The household registry (docs/registry.md).

    There is no DELETE: a household leaves the programme through a status
    change, and deleting it would destroy its status history and audit trail.
    An administrator can still remove a mistaken record in the admin site.
    """

    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    permission_classes = [permissions.IsAuthenticated, RegistryWritePermission]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return selectors.household_list(user=self.request.user)
        return selectors.household_detail_queryset(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["as_of"] = self._as_of()
        return context

    def _as_of(self):
        if not hasattr(self, "_as_of_date"):
            data = self.request.query_params if self.request is not None else None
            self._as_of_date = HouseholdFilter(data=data, queryset=Household.objects.none()).as_of_date
        return self._as_of_date

    def _for_answer(self, household):
        """The household re-read as the list shows it (with its member count)."""
        return selectors.household_list(user=self.request.user).get(pk=household.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        household = services.household_create(by=self.request.user, **data)
        serializer.instance = self._for_answer(household)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        changes = {name: data[name] for name in services.HOUSEHOLD_EDITABLE_FIELDS if name in data}
        household = services.household_update(
            by=self.request.user, household=serializer.instance, version=version, **changes
        )
        serializer.instance = self._for_answer(household)

    @extend_schema(
        request=StatusChangeRequestSerializer,
        responses={200: HouseholdSerializer, 409: CONFLICT},
        summary=_("Record a change of the household's status"),
    )
    @action(detail=True, methods=["post"], url_path="status", filterset_class=None)
    def change_status(self, request, pk=None):
        household = self.get_object()
        serializer = StatusChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.household_change_status(by=request.user, household=household, **serializer.validated_data)
        answer = self.get_serializer(self._for_answer(household))
        return Response(answer.data)

    @extend_schema(responses=StatusChangeSerializer(many=True), summary=_("The household's status history"))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        household = self.get_object()
        changes = selectors.status_history(household=household)
        return Response(StatusChangeSerializer(changes, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(ImportResultSerializer, description=_("The workbook has errors; nothing written.")),
        },
        summary=_("Import households and members from an Excel workbook"),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
        filterset_class=None,
        pagination_class=None,
    )
    def import_workbook(self, request):
        if not can_manage_ward(request.user):
            raise PermissionDenied(_("Only ward officers and leaders may import households."))
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ward = self._import_ward(serializer.validated_data.get("ward"))
        result = household_import(
            by=request.user,
            ward=ward,
            file=serializer.validated_data["file"],
            dry_run=serializer.validated_data["dry_run"],
            file_name=getattr(serializer.validated_data["file"], "name", ""),
        )
        body = {
            "created": result.created,
            "updated": result.updated,
            "errors": ImportErrorSerializer(result.errors, many=True).data,
            # As the import page tells them (its runs were taken back by this import, or before it).
            "interrupted": runs.notices_for(request.user),
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST if result.errors else status.HTTP_200_OK)

    def _import_ward(self, ward_id):
        wards = selectors.ward_list(user=self.request.user)
        if ward_id is not None:
            return get_object_or_404(wards, pk=ward_id)
        candidates = list(wards[:2])
        if len(candidates) != 1:
            raise ValidationError({"ward": [_("Choose the ward to import into.")]})
        return candidates[0]


class MemberFilter(filters.FilterSet):
    household = IdFilter(field_name="household_id", label=_("Household"))


@extend_schema_view(
    create=extend_schema(responses={201: MemberSerializer, 409: CONFLICT}),
    update=extend_schema(responses={200: MemberSerializer, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: MemberSerializer, 409: CONFLICT}),
    destroy=extend_schema(
        parameters=[
            OpenApiParameter(
                "version",
                int,
                description=_("Optional: the household's version you read; a stale one gets 409."),
            )
        ],
        responses={204: None, 409: CONFLICT},
    ),
)
class MemberViewSet(StaleVersionIsConflict, viewsets.ModelViewSet):
    """Members of the households the user may see.

    Every answer that carries unmasked citizen ID numbers is logged (who, when,
    which households) in the personal data access log.
    """

    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    permission_classes = [permissions.IsAuthenticated, RegistryWritePermission]

    def get_queryset(self):
        return selectors.member_list(user=self.request.user)

    @cached_property
    def disclosure(self):
        # The API's contract: full ID numbers for the roles that may see them, each answer logged.
        return personal_data.disclosure_for(self.request.user, reveal_ids=True)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "disclosure": self.disclosure}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code < 300:
            self._log_unmasked(request, response)
        return response

    def _log_unmasked(self, request, response):
        data = getattr(response, "data", None)
        rows = data.get("results", [data]) if isinstance(data, dict) else []
        shown = [row for row in rows if isinstance(row, dict) and row.get("id_number")]
        self.disclosure.log(
            channel=personal_data.Channel.API,
            path=request.get_full_path(),
            household_ids=[row["household"] for row in shown],
            member_count=len(shown),
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        household = data.pop("household")
        serializer.instance = services.member_create(by=self.request.user, household=household, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("household", None)
        version = data.pop("version", None)
        serializer.instance = services.member_update(
            by=self.request.user, member=serializer.instance, version=version, **data
        )

    def perform_destroy(self, instance):
        version = self.request.query_params.get("version")
        if version is not None and not (version.isascii() and version.isdigit()):
            raise ValidationError({"version": [_("The version is a whole number.")]})
        services.member_delete(by=self.request.user, member=instance, version=int(version) if version else None)
