from datetime import date

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import personal_data, rules, selectors
from .importing.limits import MAX_UPLOAD_BYTES
from .models import Household, Khoi, Member, StatusChange, Ward
from .rules import ChangeReason, Status


class WardSerializer(serializers.ModelSerializer):
    upper_unit_name = serializers.CharField(source="upper_unit.name", read_only=True)

    class Meta:
        model = Ward
        fields = ["id", "name", "code", "area_type", "upper_unit", "upper_unit_name"]


class KhoiSerializer(serializers.ModelSerializer):
    class Meta:
        model = Khoi
        fields = ["id", "name", "ward", "position"]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class ScopedKhoiField(serializers.PrimaryKeyRelatedField):
    """A khối the user may see; any other id reads as unknown, revealing nothing."""

    default_error_messages = {
        "does_not_exist": _("Khối {pk_value} does not exist or is outside your scope; choose one of your khối."),
    }

    def get_queryset(self):
        return selectors.khoi_list(user=_user(self.parent))


class ScopedHouseholdField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("Household {pk_value} does not exist or is outside your scope."),
    }

    def get_queryset(self):
        return selectors.household_detail_queryset(user=_user(self.parent))


# --- Households ---------------------------------------------------------------

# Set when the household is registered; afterwards only the status endpoint moves them.
STATUS_FIELDS = ("status", "status_since", "escaped_poverty_on")


class HouseholdSerializer(serializers.ModelSerializer):
    """A household as the public API lists it (its fields are relied on: docs/README.md).

    The computed fields answer for the `as_of` date in the serializer context
    (the list filter's `as_of`, default today in Vietnam).
    """

    khoi = ScopedKhoiField()
    is_newly_escaped = serializers.SerializerMethodField()
    newly_escaped_until = serializers.DateField(read_only=True, allow_null=True)
    is_target = serializers.SerializerMethodField()
    members_count = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=_("Read with the household; an update must send it back and gets 409 if it is stale."),
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "code",
            "ward",
            "khoi",
            "head_name",
            "address",
            "status",
            "status_since",
            "escaped_poverty_on",
            "is_newly_escaped",
            "newly_escaped_until",
            "is_target",
            "ethnic_minority",
            "has_merit_person",
            "members_count",
            "version",
        ]
        read_only_fields = ["ward"]
        # Uniqueness of the code in its ward is checked by the service, in the
        # same transaction as the write.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in STATUS_FIELDS:
                fields[name].required = False
        return fields

    @property
    def as_of(self) -> date:
        return self.context["as_of"]

    def get_is_newly_escaped(self, household) -> bool:
        return rules.is_newly_escaped(household.status, household.escaped_poverty_on, self.as_of)

    def get_is_target(self, household) -> bool:
        return rules.is_target(household.status, household.escaped_poverty_on, self.as_of)

    def to_representation(self, household):
        # The same fields as the declared ones (which still drive validation and
        # the schema), built directly: a list page of 50 households through the
        # generic field machinery cost more than its SQL (see bench/RESULTS.md).
        as_of, escaped_on = self.as_of, household.escaped_poverty_on
        until = rules.newly_escaped_until(escaped_on)
        return {
            "id": household.pk,
            "code": household.code,
            "ward": household.ward_id,
            "khoi": household.khoi_id,
            "head_name": household.head_name,
            "address": household.address,
            "status": household.status,
            "status_since": _iso(household.status_since),
            "escaped_poverty_on": _iso(escaped_on),
            "is_newly_escaped": rules.is_newly_escaped(household.status, escaped_on, as_of),
            "newly_escaped_until": _iso(until),
            "is_target": rules.is_target(household.status, escaped_on, as_of),
            "ethnic_minority": household.ethnic_minority,
            "has_merit_person": household.has_merit_person,
            "members_count": getattr(household, "members_count", None),
            "version": household.version,
        }

    def validate(self, attrs):
        if self.instance is None:
            return attrs
        errors = {}
        if "version" not in attrs:
            errors["version"] = _("Send the version of the household you read, so that no one's changes are lost.")
        for name in STATUS_FIELDS:
            if name in attrs and attrs[name] != getattr(self.instance, name):
                errors[name] = _(
                    "The status is not changed by editing the household: record the change with its date and "
                    "reason through POST /api/v1/households/%(id)s/status/."
                ) % {"id": self.instance.pk}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class StatusChangeRequestSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    effective_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=ChangeReason.choices)
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1)


class StatusChangeSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "effective_on",
            "from_status",
            "to_status",
            "reason",
            "decision_number",
            "note",
            "recorded_by",
            "recorded_at",
        ]

    def get_recorded_by(self, change) -> str:
        """The name of the person who recorded the change."""
        user = change.recorded_by
        if user is None:
            return ""
        return user.get_full_name() or user.username


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text=_("The household's current version."))


# --- Members ------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    """A member of a household.

    `id_number` is masked (``********1234``) for roles that may not see ID
    numbers; roles that may get it in full, and the answer is logged. The upper
    level gets `ethnicity` and `is_disabled` as null: both are sensitive data
    that it, working with aggregate figures, does not need for individual
    people. The rules live in households.personal_data (docs/personal-data.md).
    """

    household = ScopedHouseholdField()
    # Declared by hand: the model's max_length would answer a 13-digit number
    # with a generic length error instead of the service's specific one.
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    # Nullable only in answers: null is what a role without the right to see them gets.
    ethnicity = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)
    is_disabled = serializers.BooleanField(required=False, allow_null=True)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        write_only=True,
        help_text=_("Optional: the household's version you read; a stale one gets 409 and nothing is written."),
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "household",
            "full_name",
            "birth_date",
            "gender",
            "relation",
            "id_number",
            "ethnicity",
            "is_disabled",
            "has_merit",
            "version",
        ]
        validators = []

    def validate_household(self, household):
        if self.instance is not None and household.pk != self.instance.household_id:
            raise serializers.ValidationError(
                _("A member cannot be moved to another household; remove them here and add them there.")
            )
        return household

    def validate_ethnicity(self, value):
        if value is None:
            raise serializers.ValidationError(_("Enter the ethnicity, or leave it empty if it is not known."))
        return value

    def validate_is_disabled(self, value):
        if value is None:
            raise serializers.ValidationError(_("Answer true or false."))
        return value

    def to_representation(self, member):
        data = super().to_representation(member)
        disclosure = self.context.get("disclosure") or personal_data.disclosure_for(_user(self), reveal_ids=True)
        for name in (personal_data.ID_NUMBER_FIELD, *personal_data.SENSITIVE_FIELDS):
            data[name] = disclosure.value(name, getattr(member, name))
        return data


# --- Import -----------------------------------------------------------------


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The workbook (.xlsx) in the format of the import template."))
    ward = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("The ward to import into; may be left out by a user with one ward."),
    )
    dry_run = serializers.BooleanField(default=False, help_text=_("Only check the workbook; write nothing."))

    def validate_file(self, upload):
        # The page's limit (importing/limits.py), for the API too.
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(
                _("The file is %(size)s MB; split the list into files of at most %(max)s MB.")
                % {"size": round(upload.size / 1024 / 1024, 1), "max": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        return upload


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_blank=True, allow_null=True)
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)
    interrupted = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "Messages about the caller's earlier imports that were interrupted (their process died or stalled) "
            "and taken back, or found impossible to take back, since the caller was last told, in any of their "
            "wards; each is said once, here or on the import page, in the same words, naming the households kept "
            "because they were edited since. Usually empty."
        ),
    )
