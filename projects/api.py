"""The program's API (docs/program.md section 5): programs, sub-projects, plans, budgets,
indicators and support given. Reads follow the selectors' scope (another ward's
object is a 404); writes go through the services (a role that may not act: 403;
bad input: 400 with Vietnamese messages, nothing written)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from households.filters import IdFilter
from households.models import Household
from hungbinh.accounts.api import role_may
from hungbinh.accounts.roles import can_issue_plan, can_manage_program, can_record_support

from . import selectors, services
from .models import Indicator, Plan
from .serializers import (
    BudgetSerializer,
    InterventionBulkResultSerializer,
    InterventionBulkSerializer,
    InterventionSerializer,
    PlanCopySerializer,
    PlanIndicatorSerializer,
    PlanIssueSerializer,
    PlanSerializer,
    ProgramSerializer,
    SubProjectSerializer,
)

# Roles checked before the plan is looked up or the body read: a role that may not act gets a 403, not a 400.
MAY_MAKE_PLANS = role_may(can_manage_program, gettext_lazy("Your role may not make plans."))
MAY_ISSUE = role_may(can_issue_plan, gettext_lazy("Only the ward leader issues (signs) a plan."))
MAY_RECORD_SUPPORT = role_may(can_record_support, gettext_lazy("Your role may not record support."))


class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    """The national target programs (data an administrator adds, e.g. the 2026–2035 program)."""

    serializer_class = ProgramSerializer

    def get_queryset(self):
        return selectors.program_list()


class YearFilter(IdFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=2100, **kwargs)


class SubProjectFilter(filters.FilterSet):
    program = IdFilter(field_name="program_id")
    code = filters.CharFilter(field_name="code")


class SubProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SubProjectSerializer
    filterset_class = SubProjectFilter

    def get_queryset(self):
        return selectors.subproject_list()


# --- Plans --------------------------------------------------------------------------


class PlanFilter(filters.FilterSet):
    ward = IdFilter(field_name="ward_id")
    year = YearFilter(field_name="year")
    state = filters.CharFilter(field_name="state")


class PlanViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Plans of the wards in scope. A draft is changed with PATCH; an issued plan is frozen (400):
    correct it (`correct`), and issue the correction. `copy` makes next year's plan in one step."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return selectors.plan_list_with_items(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        ward, program, year = data.pop("ward"), data.pop("program"), data.pop("year")
        serializer.instance = services.plan_create(by=self.request.user, ward=ward, program=program, year=year, **data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("ward", "program", "year")}
        serializer.instance = services.plan_update(by=self.request.user, plan=serializer.instance, **data)

    def _answer(self, plan, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data, status=code)

    @extend_schema(request=PlanCopySerializer, responses={201: PlanSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, permission_classes=[MAY_MAKE_PLANS])
    def copy(self, request, pk=None):
        plan = self.get_object()
        body = PlanCopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        copy = services.plan_copy(by=request.user, plan=plan, **body.validated_data)
        return self._answer(copy, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: PlanSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, permission_classes=[MAY_MAKE_PLANS])
    def correct(self, request, pk=None):
        correction = services.plan_correct(by=request.user, plan=self.get_object())
        return self._answer(correction, status.HTTP_201_CREATED)

    @extend_schema(request=PlanIssueSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, permission_classes=[MAY_ISSUE])
    def issue(self, request, pk=None):
        plan = self.get_object()
        body = PlanIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.plan_issue(by=request.user, plan=plan, **body.validated_data)
        return self._answer(plan)


# --- Budgets and indicators -------------------------------------------------------------


class PlanScopedFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")


def _plan_in_scope(user, plan_id) -> Plan:
    try:
        return selectors.plan_get(user=user, pk=plan_id)
    except Plan.DoesNotExist:
        raise Http404 from None


class BudgetViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Allocations per plan, sub-project and funding source; `spent` is the sum of the support recorded in the
    plan's ward and year on the same line, `remaining` what is left. POST sets a line (creating or replacing)."""

    serializer_class = BudgetSerializer
    filterset_class = PlanScopedFilter

    def get_queryset(self):
        return selectors.budget_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        plan = _plan_in_scope(self.request.user, data["plan"].pk)
        budget = services.budget_set(
            by=self.request.user,
            plan=plan,
            subproject=data.get("subproject"),
            funding_source=data["funding_source"],
            allocated=data["allocated"],
            note=data.get("note", ""),
        )
        serializer.instance = self.get_queryset().get(pk=budget.pk)

    def perform_update(self, serializer):
        budget = serializer.instance
        data = serializer.validated_data
        for name in ("plan", "subproject", "funding_source"):
            if name in data and data[name] != getattr(budget, name):
                raise ValidationError(
                    {name: [_("A budget line keeps its plan, sub-project and source; set another line instead.")]}
                )
        updated = services.budget_set(
            by=self.request.user,
            plan=budget.plan,
            subproject=budget.subproject,
            funding_source=budget.funding_source,
            allocated=data.get("allocated", budget.allocated),
            note=data.get("note", budget.note),
        )
        serializer.instance = self.get_queryset().get(pk=updated.pk)


class IndicatorViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A plan's indicators with `achieved` computed from the registry and the support where the source says
    so (`computed`), or entered by hand (`achieved_entered`). Definitions change on drafts only."""

    serializer_class = PlanIndicatorSerializer
    filterset_class = PlanScopedFilter

    def get_queryset(self):
        return selectors.indicator_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._serialize(list(page), many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._serialize(self.get_object()))

    def _serialize(self, instances, many=False):
        context = {**self.get_serializer_context(), "achieved": self._achieved(instances)}
        return PlanIndicatorSerializer(instances, many=many, context=context).data

    def _achieved(self, instances) -> dict:
        """Computed values of the indicators on the page: two queries at most, whatever the number of plans."""
        many = instances if isinstance(instances, list | tuple) else [instances]
        indicators = [i for i in many if isinstance(i, Indicator)]
        return {row.indicator.pk: row for row in selectors.indicator_rows_of(indicators)}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = _plan_in_scope(self.request.user, data.pop("plan").pk)
        serializer.instance = services.indicator_save(by=self.request.user, plan=plan, **data)
        serializer._data = self._serialize(serializer.instance)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("plan", None)
        indicator = serializer.instance
        serializer.instance = services.indicator_save(
            by=self.request.user, plan=indicator.plan, indicator=indicator, **data
        )
        serializer._data = self._serialize(serializer.instance)


# --- Support given --------------------------------------------------------------------------


class InterventionFilter(filters.FilterSet):
    household = IdFilter(field_name="household_id")
    subproject = IdFilter(field_name="subproject_id")
    funding_source = filters.CharFilter(field_name="funding_source__code")
    unit = IdFilter(field_name="unit_id")
    year = YearFilter(field_name="date", lookup_expr="year")
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")


class InterventionViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Support given to households and people (interventions). A support breaking its sub-project's target rule
    on its date is a 400 giving the reason, unless `override_reason` is written by a ward officer or leader.
    A support passing its budget line's allocation is a 400 until sent again with `confirm_over_budget`."""

    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter

    def get_queryset(self):
        return selectors.intervention_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        user = self.request.user
        try:
            household = selectors.support_household_get(user=user, pk=data.pop("household_id"))
        except Household.DoesNotExist:
            raise Http404 from None
        member_id = data.pop("member_id", None)
        member = None
        if member_id is not None:
            member = selectors.household_member(household=household, pk=member_id)
            if member is None:
                raise ValidationError({"member": [_("This person is not a member of the chosen household.")]})
        created = services.intervention_record(
            by=user,
            household=household,
            member=member,
            subproject=data.get("subproject"),
            funding_source=data["funding_source"],
            date=data["date"],
            kind=data["kind"],
            amount=data["amount"],
            quantity=data.get("quantity", 1),
            description=data.get("description", ""),
            unit=data.get("unit"),
            override_reason=data.get("override_reason", ""),
            over_budget_ok=data.get("confirm_over_budget", False),
        )
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def perform_destroy(self, instance):
        services.intervention_delete(by=self.request.user, intervention=instance)

    @extend_schema(
        request=InterventionBulkSerializer,
        responses={201: InterventionBulkResultSerializer},
        summary=gettext_lazy("Record the same support for a list of households in one action"),
    )
    @action(
        detail=False,
        methods=["post"],
        filterset_class=None,
        pagination_class=None,
        permission_classes=[MAY_RECORD_SUPPORT],
    )
    def bulk(self, request):
        body = InterventionBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        batch = services.intervention_record_bulk(
            by=request.user,
            household_ids=data.pop("households"),
            over_budget_ok=data.pop("confirm_over_budget"),
            **data,
        )
        exceptions = batch.interventions.exclude(eligibility_problem="").count()
        result = {"batch": batch.pk, "households": batch.households, "exceptions": exceptions}
        return Response(result, status=status.HTTP_201_CREATED)
