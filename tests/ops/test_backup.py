"""Backup and restore: the restore drill on the configured engine, and what a restore refuses."""

import datetime
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from households import services
from households.rules import ChangeReason, Status
from hungbinh.ops import backup as ops_backup

BASE_DIR = Path(__file__).resolve().parents[2]
STORED = {
    "jobs/2025/danh-sach-ho.xlsx": b"PK\x03\x04 workbook bytes",
    "uploads/bien-ban-khoi-1.pdf": b"%PDF-1.7 minutes",
}


def manage(*args, database_url: str, media_root: Path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "hungbinh.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


class FreshDatabase:
    """An empty database of the configured engine, beside the test database."""

    def __init__(self, tmp_path: Path):
        self.settings = dict(connection.settings_dict)
        if connection.vendor == "postgresql":
            name = self.settings["NAME"] = f"{connection.settings_dict['NAME']}_restore"
            self._admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
            user = self.settings["USER"] + (f":{self.settings['PASSWORD']}" if self.settings["PASSWORD"] else "")
            host = f"{self.settings['HOST'] or '127.0.0.1'}:{self.settings['PORT'] or 5432}"
            self.url = f"postgres://{user}@{host}/{name}"
        else:
            self.settings["NAME"] = str(tmp_path / "restored.sqlite3")
            self.url = f"sqlite:///{self.settings['NAME']}"

    def _admin(self, *statements):
        import psycopg2

        admin = psycopg2.connect(
            dbname="postgres",
            user=self.settings["USER"],
            password=self.settings["PASSWORD"] or None,
            host=self.settings["HOST"] or "127.0.0.1",
            port=self.settings["PORT"] or 5432,
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        admin.close()

    def raw(self):
        if connection.vendor == "postgresql":
            import psycopg2

            return psycopg2.connect(
                dbname=self.settings["NAME"],
                user=self.settings["USER"],
                password=self.settings["PASSWORD"] or None,
                host=self.settings["HOST"] or "127.0.0.1",
                port=self.settings["PORT"] or 5432,
            )
        return sqlite3.connect(self.settings["NAME"])

    def drop(self):
        if connection.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.settings["NAME"]}" WITH (FORCE)')


def row_counts(raw) -> dict[str, int]:
    cursor = raw.cursor()
    counts = {}
    for name in ops_backup.table_names(raw, "postgresql" if not isinstance(raw, sqlite3.Connection) else "sqlite"):
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def source_raw():
    """A plain connection to the test database (values read as the backup reads them)."""
    if connection.vendor == "postgresql":
        return ops_backup._pg_connect(connection)
    params = connection.get_connection_params()
    return sqlite3.connect(params["database"], uri=params.get("uri", False))


@pytest.fixture
def registry(world, settings, tmp_path):
    """A few households made through the services (history and status changes included) and stored files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = world.users["ward_officer_hb"]
    for n in range(12):
        household = services.household_create(
            by=officer,
            khoi=world.hb_k1 if n % 2 else world.hb_k2,
            code=f"HB-{n:03d}",
            head_name=f"Trần Thị Hằng {n}",
            address="Số 1, đường Lê Lợi",
            status=Status.POOR,
            status_since=datetime.date(2024, 1, 15),
        )
        services.member_create(by=officer, household=household, full_name=f"Lê Văn Bình {n}", relation="Chồng")
        if n % 3 == 0:
            household.refresh_from_db()
            services.household_change_status(
                by=officer,
                household=household,
                version=household.version,
                to_status=Status.NEAR_POOR,
                effective_on=datetime.date(2025, 1, 10),
                reason=ChangeReason.DECISION,
                decision_number="12/QĐ-UBND",
            )
    for name, content in STORED.items():
        default_storage.save(name, ContentFile(content))
    return world


@pytest.mark.django_db(transaction=True)
def test_restore_drill_gives_back_every_row_and_file(registry, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", output=archive, stdout=out)
    assert "12 hộ" in out.getvalue()

    source = source_raw()
    expected_counts = row_counts(source)
    expected = ops_backup.measure(source, connection.vendor)
    source.close()
    assert expected_counts["households_household"] == 12
    assert expected_counts["households_member"] == 12
    assert expected_counts["households_statuschange"] == 16

    fresh = FreshDatabase(tmp_path)
    restored_media = tmp_path / "restored-media"
    try:
        result = manage("restore", str(archive), database_url=fresh.url, media_root=restored_media)
        assert result.returncode == 0, result.stderr
        raw = fresh.raw()
        assert row_counts(raw) == expected_counts
        assert ops_backup.measure(raw, connection.vendor).registry_checksum == expected.registry_checksum
        if connection.vendor == "postgresql":
            # Sequences come back too: the next household gets a new id.
            cursor = raw.cursor()
            cursor.execute("SELECT last_value FROM households_household_id_seq")
            last_value = cursor.fetchone()[0]
            cursor.execute("SELECT MAX(id) FROM households_household")
            assert last_value >= cursor.fetchone()[0]
        raw.close()
        for name, content in STORED.items():
            assert (restored_media / name).read_bytes() == content

        # A second restore finds the database in use and changes nothing.
        again = manage("restore", str(archive), database_url=fresh.url, media_root=restored_media)
        assert again.returncode != 0
        assert "không trống" in again.stderr and "Không khôi phục gì" in again.stderr
        assert "Traceback" not in again.stderr
        raw = fresh.raw()
        assert row_counts(raw) == expected_counts
        raw.close()
    finally:
        fresh.drop()


def _archive_with(tmp_path, manifest: dict | None, name="bad.tar.gz") -> Path:
    path = tmp_path / name
    with tarfile.open(path, "w:gz") as archive:
        if manifest is not None:
            data = json.dumps(manifest).encode()
            info = tarfile.TarInfo(ops_backup.MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_tar = tmp_path / "notes.txt"
    not_tar.write_text("hello")
    for path in (not_tar, _archive_with(tmp_path, None), _archive_with(tmp_path, {"format": "other"}, "o.tar.gz")):
        with pytest.raises(ops_backup.BackupError, match="không phải là bản sao lưu"):
            ops_backup.restore(connection=connection, storage=default_storage, path=path)
    with pytest.raises(ops_backup.BackupError, match="không tồn tại"):
        ops_backup.restore(connection=connection, storage=default_storage, path=tmp_path / "missing.tar.gz")


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_engine(tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest = {"format": ops_backup.FORMAT, "version": ops_backup.FORMAT_VERSION, "engine": other}
    with pytest.raises(ops_backup.BackupError, match="DATABASE_URL"):
        ops_backup.restore(connection=connection, storage=default_storage, path=_archive_with(tmp_path, manifest))


@pytest.mark.django_db
def test_restore_refuses_the_database_in_use(tmp_path):
    manifest = {"format": ops_backup.FORMAT, "version": ops_backup.FORMAT_VERSION, "engine": connection.vendor}
    with pytest.raises(ops_backup.BackupError, match="không trống"):
        ops_backup.restore(connection=connection, storage=default_storage, path=_archive_with(tmp_path, manifest))


def test_snapshot_differences_name_each_table_that_differs():
    before = ops_backup.Snapshot(tables={"a": 1, "b": 2}, registry_checksum="x")
    after = ops_backup.Snapshot(tables={"a": 1, "b": 3, "c": 0}, registry_checksum="y")
    assert before.differences(after) == ["b: 2 → 3", "c: None → 0", "registry checksum: x → y"]
    assert before.differences(before) == []
