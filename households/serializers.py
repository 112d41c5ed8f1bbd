from rest_framework import serializers

from .models import Khoi, Ward


class WardSerializer(serializers.ModelSerializer):
    upper_unit_name = serializers.CharField(source="upper_unit.name", read_only=True)

    class Meta:
        model = Ward
        fields = ["id", "name", "code", "area_type", "upper_unit", "upper_unit_name"]


class KhoiSerializer(serializers.ModelSerializer):
    class Meta:
        model = Khoi
        fields = ["id", "name", "ward", "position"]
