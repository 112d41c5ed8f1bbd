"""Celery tasks: one, that runs a job by its id (reports/jobs.py does the work)."""

from celery import shared_task

from .jobs import job_run


@shared_task(name="reports.run_job", ignore_result=True)
def run_job(job_id: str) -> None:
    job_run(job_id)
