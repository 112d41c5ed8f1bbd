"""API shapes of the program (docs/program.md section 5)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import (
    PLAN_BODY_FIELDS,
    Budget,
    FundingSource,
    Indicator,
    Intervention,
    Plan,
    PlanItem,
    Program,
    SubProject,
)
from .rules import SupportKind

WHOLE_DONG = {"invalid": _("The amount is a whole number of đồng, without decimals.")}


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "code", "name", "short_name", "start_year", "end_year", "decision"]


class SubProjectSerializer(serializers.ModelSerializer):
    project_number = serializers.IntegerField(source="project.number", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = SubProject
        fields = ["id", "code", "name", "project", "project_number", "project_name", "program", "basis", "target_rule"]


class PlanItemSerializer(serializers.ModelSerializer):
    subproject_code = serializers.CharField(source="subproject.code", read_only=True)
    lead_unit = serializers.SerializerMethodField()
    coordinating_units = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "number",
            "heading",
            "subproject",
            "subproject_code",
            "lead_unit",
            "coordinating_units",
            "lead_text",
            "coordinating_text",
        ]

    def get_lead_unit(self, item) -> int | None:
        return next((a.unit_id for a in item.assignments.all() if a.role == "lead"), None)

    def get_coordinating_units(self, item) -> list[int]:
        return [a.unit_id for a in item.assignments.all() if a.role == "coordinating"]


class PlanSerializer(serializers.ModelSerializer):
    items = PlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "ward",
            "program",
            "year",
            "version",
            "state",
            "origin",
            "previous",
            "number",
            "issued_on",
            "dated_on",
            *PLAN_BODY_FIELDS,
            "items",
        ]
        read_only_fields = ["version", "state", "origin", "previous", "number", "issued_on", "items"]
        # The services say which plan already exists for the year, in Vietnamese.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # Ward, program and year are chosen once, when the plan is made.
            for name in ("ward", "program", "year"):
                fields[name].read_only = True
        return fields


class PlanCopySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.all(), required=False)


class PlanIssueSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    issued_on = serializers.DateField()


class BudgetSerializer(serializers.ModelSerializer):
    funding_source = serializers.SlugRelatedField(slug_field="code", queryset=FundingSource.objects.all())
    spent = serializers.IntegerField(source="spent_total", read_only=True)
    remaining = serializers.SerializerMethodField()
    allocated = serializers.IntegerField(min_value=0, error_messages=WHOLE_DONG)

    class Meta:
        model = Budget
        fields = ["id", "plan", "subproject", "funding_source", "allocated", "note", "spent", "remaining"]
        validators = []  # budget_set replaces the line of the same sub-project and source

    def get_remaining(self, budget) -> int:
        return budget.allocated - (getattr(budget, "spent_total", 0) or 0)


class PlanIndicatorSerializer(serializers.ModelSerializer):
    funding_source = serializers.SlugRelatedField(
        slug_field="code", queryset=FundingSource.objects.all(), required=False, allow_null=True
    )
    achieved = serializers.SerializerMethodField()
    computed = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "position",
            "name",
            "unit",
            "baseline",
            "target",
            "achieved",
            "computed",
            "achieved_entered",
            "source",
            "subproject",
            "funding_source",
            "households_total",
            "note",
        ]

    def _row(self, indicator):
        return self.context.get("achieved", {}).get(indicator.pk)

    def get_achieved(self, indicator) -> str | None:
        row = self._row(indicator)
        value = row.achieved if row else indicator.achieved_entered
        return None if value is None else str(value)

    def get_computed(self, indicator) -> bool:
        row = self._row(indicator)
        return bool(row and row.computed)


class InterventionSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id")
    member = serializers.IntegerField(source="member_id", required=False, allow_null=True)
    funding_source = serializers.SlugRelatedField(slug_field="code", queryset=FundingSource.objects.all())
    amount = serializers.IntegerField(error_messages=WHOLE_DONG)
    quantity = serializers.IntegerField(required=False, default=1, error_messages=WHOLE_DONG)
    kind = serializers.ChoiceField(choices=SupportKind.choices)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    confirm_over_budget = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_("Record it even though it passes the allocation of the plan's budget line."),
    )

    class Meta:
        model = Intervention
        fields = [
            "id",
            "ward",
            "household",
            "member",
            "member_name",
            "subproject",
            "date",
            "kind",
            "description",
            "quantity",
            "amount",
            "funding_source",
            "unit",
            "batch",
            "override_reason",
            "eligibility_problem",
            "overridden_by",
            "recorded_by",
            "recorded_at",
            "confirm_over_budget",
        ]
        read_only_fields = [
            "ward",
            "member_name",
            "batch",
            "eligibility_problem",
            "overridden_by",
            "recorded_by",
            "recorded_at",
        ]


class InterventionBulkSerializer(serializers.Serializer):
    households = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=5000)
    subproject = serializers.PrimaryKeyRelatedField(
        queryset=SubProject.objects.all(), required=False, allow_null=True, default=None
    )
    funding_source = serializers.SlugRelatedField(slug_field="code", queryset=FundingSource.objects.all())
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=SupportKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(required=False, default=1, error_messages=WHOLE_DONG)
    amount = serializers.IntegerField(error_messages=WHOLE_DONG)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    confirm_over_budget = serializers.BooleanField(required=False, default=False)


class InterventionBulkResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    households = serializers.IntegerField()
    exceptions = serializers.IntegerField()
