from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from hungbinh.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup into the configured, empty database and the storage, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a file written by `manage.py backup`")

    def handle(self, *args, file, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                summary = restore(connection=connection, storage=default_storage, path=file, progress=self.stdout.write)
            except BackupError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Restored %(path)s: %(tables)s tables, %(households)s households, %(files)s stored files; "
                        "every row count and the registry checksum %(checksum)s match the backup."
                    )
                    % {
                        "path": summary.path,
                        "tables": len(summary.snapshot.tables),
                        "households": summary.snapshot.tables.get("households_household", 0),
                        "files": len(summary.files),
                        "checksum": summary.snapshot.registry_checksum[:16],
                    }
                )
            )
