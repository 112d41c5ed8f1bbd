"""Units and tasks in the API (docs/program.md section 5). Reads follow the scope (a unit member: their unit's
tasks; another ward's task: 404); writes go through assignments.services."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from households.filters import IdFilter
from hungbinh.accounts.api import role_may
from hungbinh.accounts.roles import can_work_on_tasks
from projects import selectors as program

from . import selectors, services
from .rules import OPEN_STATES
from .serializers import (
    TaskFileRequestSerializer,
    TaskNoteRequestSerializer,
    TaskNoteSerializer,
    TaskSerializer,
    UnitSerializer,
)


class UnitFilter(filters.FilterSet):
    ward = IdFilter(field_name="ward_id")
    kind = filters.CharFilter(field_name="kind")


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The units of the wards in scope (offices, the health station, the Front and mass organisations, khối
    committees); an administrator adds and renames them."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)


class TaskFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    lead_unit = IdFilter(field_name="lead_unit_id")
    state = filters.CharFilter(field_name="state")
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Overdue (past due, not done or cancelled)"))

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        overdue = {"state__in": OPEN_STATES, "due_on__lt": today}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class StaleTaskIsConflict:
    def handle_exception(self, exc):
        if isinstance(exc, services.StaleTask):
            return Response({"detail": exc.message, "version": exc.current_version}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)


class TaskViewSet(StaleTaskIsConflict, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Tasks of the plans: lead unit (required), coordinating units, due date, state. The state moves through
    dated progress notes (`notes`); one file is attached with `attachment`."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        return selectors.task_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        try:
            plan = program.plan_get(user=self.request.user, pk=plan.pk)
        except program.Plan.DoesNotExist:
            from django.http import Http404

            raise Http404 from None
        data.pop("version", None)
        task = services.task_create(
            by=self.request.user,
            plan=plan,
            title=data.get("title", ""),
            description=data.get("description", ""),
            item=data.get("item"),
            lead_unit=data.get("lead_unit"),
            coordinating_units=data.get("coordinating_units", []),
            due_on=data.get("due_on"),
        )
        serializer.instance = self.get_queryset().get(pk=task.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        coordinating = data.pop("coordinating_units", None)
        task = services.task_update(
            by=self.request.user,
            task=serializer.instance,
            version=version,
            coordinating_units=coordinating,
            **{k: v for k, v in data.items() if k in services.TASK_EDITABLE},
        )
        serializer.instance = self.get_queryset().get(pk=task.pk)

    @extend_schema(
        request=TaskNoteRequestSerializer,
        responses={201: TaskNoteSerializer, 409: OpenApiResponse(description=_("Stale version; nothing written."))},
        summary=_("Write a dated progress note, optionally moving the task's state"),
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def notes(self, request, pk=None):
        task = self.get_object()
        if request.method == "GET":
            return Response(TaskNoteSerializer(selectors.task_notes(user=request.user, task=task), many=True).data)
        body = TaskNoteRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.task_add_note(by=request.user, task=task, **body.validated_data)
        return Response(TaskNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": TaskFileRequestSerializer},
        responses={200: TaskSerializer},
        summary=_("Attach a file to the task (replacing the previous one)"),
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
        filterset_class=None,
        pagination_class=None,
        # A role that may not work on tasks gets a 403 before the file is read (the service checks it again).
        permission_classes=[role_may(can_work_on_tasks, _("Your role may not work on tasks."))],
    )
    def attachment(self, request, pk=None):
        task = self.get_object()
        body = TaskFileRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.task_attach(
            by=request.user, task=task, file=body.validated_data["file"], version=body.validated_data.get("version")
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)
