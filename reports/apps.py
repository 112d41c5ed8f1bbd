from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Register the kinds of job, in the web process and in the worker alike.
        from . import job_kinds  # noqa: F401
