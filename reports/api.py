"""Submitted reports through the API (docs/reports.md, "Submissions"): `GET /api/v1/reports/` lists the frozen
reports the user may see, `GET /api/v1/reports/<id>/download/?file=pdf|xlsx` returns the stored file."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from households.filters import IdFilter

from . import selectors
from .models import Submission


class SubmissionSerializer(serializers.ModelSerializer):
    ward_name = serializers.CharField(source="ward.name", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id", "ward", "ward_name", "kind", "period", "stage", "version", "submitted_by", "submitted_at",
            "pdf_sha256", "xlsx_sha256", "pdf_url", "xlsx_url",
        ]  # fmt: skip

    def _url(self, obj, extension) -> str:
        return f"{reverse('submission-download', kwargs={'pk': obj.pk})}?file={extension}"

    def get_pdf_url(self, obj) -> str:
        return self._url(obj, "pdf")

    def get_xlsx_url(self, obj) -> str:
        return self._url(obj, "xlsx")


class SubmissionFilter(filters.FilterSet):
    ward = IdFilter(field_name="ward_id")
    period = filters.CharFilter()
    kind = filters.ChoiceFilter(choices=Submission.Kind.choices)
    stage = filters.ChoiceFilter(choices=Submission.Stage.choices)


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports the wards submitted (frozen PDF and Excel files with their SHA-256); every version is kept."""

    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_queryset(self):
        return selectors.submission_list(user=self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("file", OpenApiTypes.STR, enum=["pdf", "xlsx"], description="Default: pdf")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary=_("The stored file of a submitted report"),
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        from .views import submission_file_response

        extension = request.query_params.get("file", "pdf")
        if extension not in ("pdf", "xlsx"):
            raise ValidationError({"file": [_("Ask for file=pdf or file=xlsx.")]})
        return submission_file_response(request.user, pk, extension)
