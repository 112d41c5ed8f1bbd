"""API shapes of the reviews (docs/reviews.md, "API")."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from households.models import Khoi, Ward
from households.rules import Status
from households.selectors import khoi_list, ward_list
from households.vocab import OTHER_DECREASES, OTHER_INCREASES

from . import rules, selectors
from .models import Campaign, Cause, Decision, Indicator, Meeting, Posting, Review, Standard


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """An id in the request body: one outside the user's scope is a 404, like a URL would be."""

    def __init__(self, *, scoped, model, **kwargs):
        self.scoped = scoped  # callable(user) -> queryset
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        return self.scoped(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError(_("Give the id as a number."))
        try:
            return self.get_queryset().get(pk=int(data))
        except (TypeError, ValueError) as error:
            raise serializers.ValidationError(_("Give the id as a number.")) from error
        except self.get_queryset().model.DoesNotExist as error:
            raise NotFound() from error


def _campaign_field():
    return ScopedRelatedField(scoped=lambda user: selectors.campaign_list(user=user), model=Campaign)


def _khoi_field():
    return ScopedRelatedField(scoped=lambda user: khoi_list(user=user), model=Khoi)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["code", "name", "dimension", "criterion", "order"]


class StandardSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Standard
        fields = [
            "id",
            "code",
            "name",
            "legal_basis",
            "year_from",
            "year_to",
            "income_line_urban",
            "income_line_rural",
            "average_top_urban",
            "average_top_rural",
            "score_a_cutoff_urban",
            "score_a_cutoff_rural",
            "poor_min_deprivations",
            "document_type",
            "document_number",
            "document_date",
            "document_issuer",
            "document_subject",
            "extended_by",
            "extended_from_year",
            "indicators",
        ]
        # The legal document that sets the standard, and the one that extended it, are edited in the admin only, as
        # the rest of the standard.
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    status_year = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "ward", "kind", "year", "month", "starts_on", "ends_on", "standard", "status_year"]
        read_only_fields = ["starts_on", "ends_on", "standard"]

    def get_fields(self):
        fields = super().get_fields()
        fields["ward"] = ScopedRelatedField(scoped=lambda user: ward_list(user=user), model=Ward)
        return fields


class ReviewSerializer(serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    explanation = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()
    deprivations = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    causes = serializers.ListField(child=serializers.ChoiceField(choices=Cause.choices), required=False)

    class Meta:
        model = Review
        fields = [
            "id",
            "campaign",
            "household",
            "household_code",
            "head_name",
            "khoi",
            "source",
            "applied_on",
            "from_status",
            "state",
            "assigned_to",
            "phieu_a_passed",
            "score_a",
            "income_per_capita",
            "deprivations",
            "causes",
            "cause_other",
            "proposed_status",
            "score_b",
            "explanation",
            "comment",
            "agreed_votes",
            "posting",
            "decision",
            "refusal_reason",
            "closed_on",
            "due_on",
            "version",
        ]
        read_only_fields = [
            "campaign",
            "household",
            "khoi",
            "source",
            "applied_on",
            "from_status",
            "state",
            "assigned_to",
            "proposed_status",
            "score_b",
            "comment",
            "agreed_votes",
            "posting",
            "decision",
            "refusal_reason",
            "closed_on",
        ]
        extra_kwargs = {"income_per_capita": {"min_value": None}, "score_a": {"min_value": None}}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_explanation(self, review) -> list[str]:
        return explanation(review, self.context.setdefault("terms", {}))

    def get_due_on(self, review) -> str | None:
        due_on = selectors.review_due_on(review, self.context.setdefault("regular_review_days", {}))
        return due_on.isoformat() if due_on else None


def explanation(review: Review, cache: dict) -> list[str]:
    """The classifier's lines for the review's saved figures; [] when nothing can be proposed yet."""
    standard = review.campaign.standard
    if standard.pk not in cache:
        cache[standard.pk] = standard.terms()
    if review.income_per_capita is None and review.score_a is None:
        return []
    try:
        result = rules.classify(
            cache[standard.pk],
            area_type=review.campaign.ward.area_type,
            income_per_capita=review.income_per_capita,
            score_a=review.score_a,
            deprivations=review.deprivations,
        )
    except rules.ClassificationError as error:
        return [error.message]
    return list(result.explanation)


class ApplicationSerializer(serializers.Serializer):
    """POST /reviews/: a household's application (Mẫu 01/04) added to a campaign."""

    campaign = serializers.IntegerField()
    household = serializers.IntegerField()
    source = serializers.ChoiceField(choices=[("form_01", "Mẫu số 01"), ("form_04", "Mẫu số 04")])
    applied_on = serializers.DateField()


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)
    refused_on = serializers.DateField()


class ClassifySerializer(serializers.Serializer):
    """Figures of a survey being typed: the answer is the class they propose, nothing is saved."""

    score_a = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    income_per_capita = serializers.IntegerField(required=False, allow_null=True)
    deprivations = serializers.ListField(child=serializers.CharField(max_length=40), required=False)


class ClassificationSerializer(serializers.Serializer):
    proposed_status = serializers.ChoiceField(choices=Status.choices, allow_null=True)
    proposed_status_label = serializers.CharField()
    score_b = serializers.IntegerField()
    explanation = serializers.ListField(child=serializers.CharField())


class VoteSerializer(serializers.Serializer):
    review = serializers.IntegerField()
    agreed = serializers.IntegerField()


class AttendanceSerializer(serializers.Serializer):
    """The attendees by group (docs/reviews.md, "The meeting's attendance"); a group left out is 0, a key that
    names no group is a 400 (DRF would drop it silently and the meeting would count its people as 0)."""

    def get_fields(self):
        return {
            group: serializers.IntegerField(required=False, label=Meeting.attendance_label(group))
            for group in rules.ATTENDANCE_GROUPS
        }

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            problem = rules.attendance_groups_problem(data.keys())
            if problem:
                raise serializers.ValidationError(problem)
        return super().to_internal_value(data)


class AttendanceSchema(OpenApiSerializerExtension):
    """The schema says what AttendanceSerializer refuses: no key but the groups (additionalProperties false)."""

    target_class = AttendanceSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


class MeetingSerializer(serializers.ModelSerializer):
    votes = VoteSerializer(many=True)
    attendance = AttendanceSerializer(
        required=False,
        allow_null=True,
        help_text="The attendees by group; `attendees` is then their sum. Null: a meeting with its total only.",
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "campaign",
            "khoi",
            "held_on",
            "chair",
            "secretary",
            "attendees",
            "attendance",
            "households_listed",
            "households_represented",
            "notes",
            "votes",
        ]
        read_only_fields = ["households_listed"]
        extra_kwargs = {
            "attendees": {"min_value": None, "required": False, "allow_null": True},
            "households_represented": {"required": False},
        }

    def get_fields(self):
        fields = super().get_fields()
        fields["campaign"] = _campaign_field()
        fields["khoi"] = _khoi_field()
        return fields

    def to_representation(self, meeting):
        data = {
            name: getattr(meeting, name)
            for name in self.Meta.fields
            if name not in ("campaign", "khoi", "votes", "attendance")
        }
        data["attendance"] = meeting.attendance()
        data["held_on"] = meeting.held_on.isoformat()
        data.update(campaign=meeting.campaign_id, khoi=meeting.khoi_id)
        data["votes"] = [{"review": v.review_id, "agreed": v.agreed, "passed": v.passed} for v in meeting.votes.all()]
        return data


class PostingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Posting
        fields = ["id", "campaign", "khoi", "starts_on", "ends_on"]
        read_only_fields = ["ends_on"]

    def get_fields(self):
        fields = super().get_fields()
        fields["campaign"] = _campaign_field()
        fields["khoi"] = _khoi_field()
        return fields


class DecisionSerializer(serializers.ModelSerializer):
    reviews = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)

    class Meta:
        model = Decision
        fields = ["id", "campaign", "number", "signed_on", "reviews"]

    def get_fields(self):
        fields = super().get_fields()
        fields["campaign"] = _campaign_field()
        return fields

    def to_representation(self, decision):
        return {
            "id": decision.pk,
            "campaign": decision.campaign_id,
            "number": decision.number,
            "signed_on": decision.signed_on.isoformat(),
            # Only the reviews in the user's scope (reviews.selectors.decision_list): a khối
            # member never learns which households of other khối a decision covers.
            "reviews": [r.pk for r in decision.visible_reviews],
        }


class MovementSerializer(serializers.Serializer):
    """POST /movements/: a household moved away, dissolved, split, or moved in."""

    id = serializers.IntegerField(read_only=True)
    household = serializers.IntegerField()
    movement = serializers.ChoiceField(choices=sorted(OTHER_DECREASES | OTHER_INCREASES))
    occurred_on = serializers.DateField(source="effective_on")
    reason = serializers.CharField(source="note", max_length=2000)
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)

    def to_representation(self, change):
        return {
            "id": change.pk,
            "household": change.household_id,
            "movement": change.movement,
            "occurred_on": change.effective_on.isoformat(),
            "reason": change.note,
            "from_status": change.from_status,
            "to_status": change.to_status,
        }
