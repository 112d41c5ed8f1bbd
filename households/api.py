from django_filters import rest_framework as filters
from rest_framework import viewsets

from . import selectors
from .serializers import KhoiSerializer, WardSerializer


class WardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WardSerializer

    def get_queryset(self):
        return selectors.ward_list(user=self.request.user)


class KhoiFilter(filters.FilterSet):
    ward = filters.NumberFilter(field_name="ward_id")


class KhoiViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KhoiSerializer
    filterset_class = KhoiFilter

    def get_queryset(self):
        return selectors.khoi_list(user=self.request.user)
