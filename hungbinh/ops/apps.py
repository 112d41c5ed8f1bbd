from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: backup and restore, the health endpoint, error pages for outages, logs, input hygiene."""

    name = "hungbinh.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from hungbinh import text_input

        text_input.install()
