from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hungbinh.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write one file holding the database and the stored files (see docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="file to write (default: hungbinh-<date>-<time>.tar.gz in the current directory)",
        )

    def handle(self, *args, output=None, **options):
        output = output or Path(f"hungbinh-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        with translation.override(settings.LANGUAGE_CODE):
            try:
                summary = backup(connection=connection, storage=default_storage, output=output)
            except BackupError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Backup written to %(path)s: %(engine)s database, %(tables)s tables, "
                        "%(households)s households, %(files)s stored files; registry checksum %(checksum)s."
                    )
                    % {
                        "path": summary.path,
                        "engine": summary.engine,
                        "tables": len(summary.snapshot.tables),
                        "households": summary.snapshot.tables.get("households_household", 0),
                        "files": len(summary.files),
                        "checksum": summary.snapshot.registry_checksum[:16],
                    }
                )
            )
