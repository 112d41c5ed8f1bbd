"""Scoped reads of the reports app: a job is only ever seen by the user who asked for it."""

from django.db.models import QuerySet

from .models import Job


def job_list(*, user) -> QuerySet[Job]:
    return Job.objects.filter(user_id=user.pk).order_by("-created_at")


def job_get(*, user, pk) -> Job:
    return job_list(user=user).get(pk=pk)
