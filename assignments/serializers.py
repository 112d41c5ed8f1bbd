"""API shapes of units and tasks (docs/program.md section 5)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Task, TaskNote, Unit
from .rules import TaskState


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "ward", "parent", "position", "is_active"]


class TaskNoteSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = TaskNote
        fields = ["id", "on", "text", "from_state", "to_state", "author", "created_at"]


class TaskSerializer(serializers.ModelSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    coordinating_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    due_on = serializers.DateField(required=False, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "ward",
            "plan",
            "item",
            "title",
            "description",
            "lead_unit",
            "coordinating_units",
            "due_on",
            "state",
            "is_overdue",
            "version",
            "attachment_name",
            "attachment_url",
        ]
        read_only_fields = ["ward", "state", "attachment_name"]
        extra_kwargs = {"version": {"required": False}}

    def get_is_overdue(self, task) -> bool:
        return task.is_overdue(self.context["today"])

    def get_attachment_url(self, task) -> str | None:
        if not task.attachment:
            return None
        from django.urls import reverse

        return reverse("task-file", args=[task.pk])

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["plan"].read_only = True
        return fields


class TaskNoteRequestSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    to_state = serializers.ChoiceField(choices=TaskState.choices, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text=_("The task's version you read; stale: 409."))


class TaskFileRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    version = serializers.IntegerField(required=False)
