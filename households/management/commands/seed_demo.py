"""Demo data for trying the app: two wards, their khối and one user per role.

Idempotent: rows are looked up by their natural keys, so running it again adds
nothing and changes nothing (a demo user's password is set only when the user
is created, so a changed password survives).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from households.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo wards, khối and users (refuses when DEBUG is off unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG đang tắt: dữ liệu mẫu và mật khẩu mẫu không dành cho hệ thống thật. "
                "Dùng --force nếu thật sự muốn nạp."
            )
        with transaction.atomic():
            summary = seed_demo()
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu: " + ", ".join(f"{k} {v}" for k, v in summary.items())))
