"""Load the ward's 2025 plan as written (projects/seed_plan.py) for an existing ward.

The data migration loads it for a ward named Hưng Bình that exists when it runs;
on an installation where the ward is created later, run this once.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from households.models import Ward
from projects.seed_plan import load_seed_plan


class Command(BaseCommand):
    help = "Nạp Kế hoạch giảm nghèo năm 2025 của phường Hưng Bình (đúng văn bản đã ký) cho một phường đã có."

    def add_arguments(self, parser):
        parser.add_argument("ward_code", help="mã phường (Ward.code)")

    def handle(self, *args, ward_code, **options):
        ward = Ward.objects.filter(code=ward_code).first()
        if ward is None:
            raise CommandError(f"Không có phường mã {ward_code}.")
        with transaction.atomic():
            plan = load_seed_plan(ward.pk)
        if plan is None:
            self.stdout.write(f"Phường {ward.name} đã có kế hoạch năm 2025; không nạp lại.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã nạp kế hoạch năm 2025 cho phường {ward.name} (id {plan.pk})."))
