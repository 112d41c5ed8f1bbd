"""Writes to the registry. Each function is one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Khoi, Ward


@transaction.atomic
def khoi_move(*, khoi: Khoi, to_ward: Ward) -> Khoi:
    """Move a khối, with everything recorded under it, to another ward.

    After the 2025 merger of wards a khối keeps its households and their
    history; only the ward it answers to changes.
    """
    khoi = Khoi.objects.select_for_update().get(pk=khoi.pk)
    if khoi.ward_id == to_ward.pk:
        raise ValidationError(
            _("Khối “%(khoi)s” already belongs to ward %(ward)s.") % {"khoi": khoi.name, "ward": to_ward.name}
        )
    if Khoi.objects.filter(ward=to_ward, name=khoi.name).exists():
        raise ValidationError(
            _("Ward %(ward)s already has a khối named “%(khoi)s”; rename one of them before moving.")
            % {"ward": to_ward.name, "khoi": khoi.name}
        )
    khoi.ward = to_ward
    khoi.save(update_fields=["ward"])
    return khoi
