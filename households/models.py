from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class UpperUnit(models.Model):
    """The level above the wards (a city or province department) that oversees them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("upper-level unit")
        verbose_name_plural = _("upper-level units")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Ward(models.Model):
    """A ward (phường) or commune (xã); its area type selects the poverty line."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("official code"), max_length=20, unique=True)
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices, default=AreaType.URBAN)
    upper_unit = models.ForeignKey(
        UpperUnit,
        verbose_name=_("upper-level unit"),
        on_delete=models.PROTECT,
        related_name="wards",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["upper_unit", "name"], name="ward_name_unique_in_upper_unit"),
        ]

    def __str__(self):
        return self.name


class Khoi(models.Model):
    """A residential block (khối, tổ dân phố, thôn) of a ward."""

    ward = models.ForeignKey(Ward, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="khois")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("order"), default=0, help_text=_("Order in lists: Khối 2 before Khối 10."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khối")
        verbose_name_plural = _("khối")
        ordering = ["ward_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="khoi_name_unique_in_ward"),
        ]

    def __str__(self):
        return self.name
