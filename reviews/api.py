"""The reviews API (docs/reviews.md, "API"): thin views over reviews.selectors and reviews.services.

Reading follows the scope (another ward's or khối's object is a 404); each step
is a POST whose service checks the role (403), the state and the data (400
with the reason).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from households.api import CONFLICT
from households.filters import IdFilter
from households.rules import Status
from households.selectors import household_detail_queryset
from hungbinh.accounts.api import role_may
from hungbinh.accounts.roles import can_edit_registry, can_manage_ward, can_sign_decisions

from . import rules, selectors, services
from .models import Review
from .serializers import (
    ApplicationSerializer,
    CampaignSerializer,
    ClassificationSerializer,
    ClassifySerializer,
    DecisionSerializer,
    MeetingSerializer,
    MovementSerializer,
    PostingSerializer,
    RefuseSerializer,
    ReturnSerializer,
    ReviewSerializer,
    StandardSerializer,
)

# The steps' roles, checked before the review is looked up or the body read (the services check them again).
SURVEYORS_ONLY = gettext_lazy("Your role may not survey households.")
WARD_STAFF_ONLY = gettext_lazy("Only ward staff may do this step of the review.")
LEADER_ONLY = gettext_lazy("Only the ward leader may sign a recognition decision.")


class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    """Poverty standards with their indicators (every signed-in user may read them)."""

    serializer_class = StandardSerializer

    def get_queryset(self):
        return selectors.standard_list()


class CampaignFilter(filters.FilterSet):
    ward = IdFilter(field_name="ward_id")
    kind = filters.CharFilter()
    year = IdFilter(max_value=9999)


BOARD_ROW = inline_serializer(
    "CampaignBoardRow",
    {
        "khoi": serializers.IntegerField(),
        "khoi_name": serializers.CharField(),
        **{
            name: serializers.IntegerField()
            for name in ("listed", "surveyed", "submitted", "verified", "agreed", "posted", "recognised", "late")
        },
    },
    many=True,
)


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.campaign_open(
            by=self.request.user, ward=data["ward"], kind=data["kind"], year=data["year"], month=data.get("month")
        )

    @extend_schema(responses=BOARD_ROW)
    @action(detail=True, methods=["get"])
    def board(self, request, pk=None):
        """Per khối: how many households are listed, surveyed, submitted, verified, agreed, posted, recognised, late."""
        board = selectors.campaign_board(user=request.user, campaign=self.get_object())
        return Response(
            [
                {
                    "khoi": row.khoi.pk,
                    "khoi_name": row.khoi.name,
                    **{
                        name: getattr(row, name)
                        for name in (
                            "listed",
                            "surveyed",
                            "submitted",
                            "verified",
                            "agreed",
                            "posted",
                            "recognised",
                            "late",
                        )
                    },
                }
                for row in board
            ]
        )


class ReviewFilter(filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    household = IdFilter(field_name="household_id")
    khoi = IdFilter(field_name="khoi_id")
    state = filters.ChoiceFilter(choices=Review._meta.get_field("state").choices)


@extend_schema_view(
    create=extend_schema(request=ApplicationSerializer, responses={201: ReviewSerializer}),
    update=extend_schema(responses={200: ReviewSerializer, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: ReviewSerializer, 409: CONFLICT}),
)
class ReviewViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Household reviews. PATCH saves the survey (a draft); the steps are actions."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.review_list_with_standard(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = _valid(ApplicationSerializer, request)
        campaign = _scoped(selectors.campaign_list(user=request.user), data["campaign"])
        household = _scoped(household_detail_queryset(user=request.user), data["household"])
        review = services.review_add_application(
            by=request.user, campaign=campaign, form=data["source"], applied_on=data["applied_on"], household=household
        )
        return Response(self._out(review.pk), status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = self.request.data.get("version")
        data.pop("version", None)
        serializer.instance = services.review_save(
            by=self.request.user, review=serializer.instance, version=version, **data
        )

    def update(self, request, *args, **kwargs):
        try:
            super().update(request, *args, **kwargs)
        except services.StaleReview as stale:
            body = {"detail": stale.message_dict["version"][0], "version": stale.current_version}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(self._out(self.get_object().pk))

    def _out(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def _step(self, service, **kwargs):
        review = self.get_object()
        service(by=self.request.user, review=review, **kwargs)
        return Response(self._out(review.pk))

    @extend_schema(request=None, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], permission_classes=[role_may(can_edit_registry, SURVEYORS_ONLY)])
    def submit(self, request, pk=None):
        return self._step(services.review_submit)

    @extend_schema(request=None, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], permission_classes=[role_may(can_manage_ward, WARD_STAFF_ONLY)])
    def verify(self, request, pk=None):
        return self._step(services.review_verify)

    @extend_schema(request=ReturnSerializer, responses=ReviewSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        permission_classes=[role_may(can_manage_ward, WARD_STAFF_ONLY)],
    )
    def return_(self, request, pk=None):
        self.get_object()  # another ward's or khối's review is a 404 whatever the body
        data = _valid(ReturnSerializer, request)
        return self._step(services.review_return, comment=data["comment"])

    @extend_schema(request=RefuseSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], permission_classes=[role_may(can_sign_decisions, LEADER_ONLY)])
    def refuse(self, request, pk=None):
        self.get_object()  # another ward's or khối's review is a 404 whatever the body
        data = _valid(RefuseSerializer, request)
        return self._step(services.review_refuse, reason=data["reason"], refused_on=data["refused_on"])

    @extend_schema(request=ClassifySerializer, responses=ClassificationSerializer)
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        """The class these figures propose under the review's standard; nothing is saved."""
        review = self.get_object()
        data = _valid(ClassifySerializer, request)
        return Response(classify_figures(review, data))


def classify_figures(review: Review, data: dict) -> dict:
    """The classifier's answer for figures being typed (the survey page calls it as the user types)."""
    try:
        result = rules.classify(
            review.campaign.standard.terms(),
            area_type=review.campaign.ward.area_type,
            income_per_capita=data.get("income_per_capita"),
            score_a=data.get("score_a"),
            deprivations=data.get("deprivations") or [],
        )
    except rules.ClassificationError as error:
        return {
            "proposed_status": None,
            "proposed_status_label": _("Not determined"),
            "score_b": 0,
            "explanation": [error.message],
        }
    label = Status(result.status).label if result.status else _("Not determined")
    return {
        "proposed_status": result.status,
        "proposed_status_label": str(label),
        "score_b": result.score_b,
        "explanation": list(result.explanation),
    }


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _scoped(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as error:
        raise NotFound() from error


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A khối's meeting with the votes per household; below half of the attendees a household goes back."""

    serializer_class = MeetingSerializer
    filterset_fields = ["campaign", "khoi"]

    def get_queryset(self):
        return selectors.meeting_list_with_votes(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        reviews = selectors.reviews_by_id(user=self.request.user, ids=[v["review"] for v in data["votes"]])
        missing = [v["review"] for v in data["votes"] if v["review"] not in reviews]
        if missing:
            raise NotFound()
        serializer.instance = services.meeting_record(
            by=self.request.user,
            campaign=data["campaign"],
            khoi=data["khoi"],
            held_on=data["held_on"],
            attendees=data.get("attendees"),
            attendance=data.get("attendance"),
            votes=[(reviews[v["review"]], v["agreed"]) for v in data["votes"]],
            households_represented=data.get("households_represented", 0),
            chair=data.get("chair", ""),
            secretary=data.get("secretary", ""),
            notes=data.get("notes", ""),
        )


class PostingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A khối's posting; the answer carries the computed `ends_on`."""

    serializer_class = PostingSerializer
    filterset_fields = ["campaign", "khoi"]

    def get_queryset(self):
        return selectors.posting_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.posting_open(
            by=self.request.user, campaign=data["campaign"], khoi=data["khoi"], starts_on=data["starts_on"]
        )


class DecisionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Recognition decisions (ward leader): they apply the reviews' classes to the households."""

    serializer_class = DecisionSerializer
    filterset_fields = ["campaign"]

    def get_queryset(self):
        return selectors.decision_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        reviews = selectors.reviews_by_id(user=self.request.user, ids=data["reviews"])
        if len(reviews) != len(set(data["reviews"])):
            raise NotFound()
        decision = services.decision_issue(
            by=self.request.user,
            campaign=data["campaign"],
            number=data["number"],
            signed_on=data["signed_on"],
            reviews=list(reviews.values()),
        )
        # Answered through the selector, like the list: the reviews the user may see.
        serializer.instance = selectors.decision_list(user=self.request.user).get(pk=decision.pk)


class MovementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Households that moved away, dissolved, split or moved in (the reports' "other" decreases and increases)."""

    serializer_class = MovementSerializer
    filterset_fields = ["household"]

    def get_queryset(self):
        return selectors.movement_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        household = _scoped(household_detail_queryset(user=self.request.user), data["household"])
        serializer.instance = services.household_movement_record(
            by=self.request.user,
            household=household,
            movement=data["movement"],
            occurred_on=data["effective_on"],
            reason=data["note"],
            to_status=data.get("to_status", ""),
        )
