"""One file holding the database and the stored files, and the way back (docs/operations.md).

The archive is a gzipped tar:

- `database.pgdump` (pg_dump's custom format) or `database.sqlite3` (a copy
  made with SQLite's online backup API), taken while the app keeps running;
- `files/<name>` for every file of the default storage (uploads, generated
  documents), read through Django's storage API so S3 works like a directory;
- `manifest.json`, written last: the engine, the row count of every table and a
  checksum of the registry, measured on the very snapshot that was dumped.

A restore goes only into an empty database of the same engine and checks the
restored counts and checksum against the manifest, so a drill proves the backup.
"""

import datetime
import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "hungbinh-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# The checksum covers the registry itself: who is poor, their members and the
# history of their status. Every other table is compared by its row count.
REGISTRY_TABLES = ("households_household", "households_member", "households_statuschange")
CHUNK = 1 << 20


class BackupError(Exception):
    """Something an operator must fix; the message (Vietnamese) says what."""


@dataclass
class Snapshot:
    """What a database holds, measured the same way at backup and after restore."""

    tables: dict[str, int]
    registry_checksum: str

    def differences(self, other: "Snapshot") -> list[str]:
        problems = [
            f"{name}: {self.tables.get(name)} → {other.tables.get(name)}"
            for name in sorted(set(self.tables) | set(other.tables))
            if self.tables.get(name) != other.tables.get(name)
        ]
        if self.registry_checksum != other.registry_checksum:
            problems.append(f"registry checksum: {self.registry_checksum} → {other.registry_checksum}")
        return problems


@dataclass
class Summary:
    path: str
    engine: str
    snapshot: Snapshot
    files: list[dict] = field(default_factory=list)


# --- Measuring a database ---------------------------------------------------------


def table_names(raw, vendor: str) -> list[str]:
    cursor = raw.cursor()
    if vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%' AND pg_catalog.pg_table_is_visible(c.oid)"
        )
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    names = sorted(row[0] for row in cursor.fetchall())
    cursor.close()
    return names


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _canonical(value) -> str:
    # The same instant reads back with the session's time zone on PostgreSQL;
    # compare instants, not their spelling.
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).isoformat()
    return repr(value)


def measure(raw, vendor: str) -> Snapshot:
    """Row counts of every table and a checksum of the registry's rows, in id order."""
    names = table_names(raw, vendor)
    cursor = raw.cursor()
    tables = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 - names come from the catalogue
        tables[name] = cursor.fetchone()[0]
    cursor.close()
    digest = hashlib.sha256()
    for name in REGISTRY_TABLES:
        if name not in tables:
            continue
        digest.update(name.encode())
        # A server-side cursor on PostgreSQL: a million households never sit in memory.
        rows = raw.cursor(name=f"checksum_{name}") if vendor == "postgresql" else raw.cursor()
        rows.execute(f"SELECT * FROM {_quote(name)} ORDER BY id")  # noqa: S608
        while batch := rows.fetchmany(5000):
            for row in batch:
                digest.update("\x1f".join(map(_canonical, row)).encode())
                digest.update(b"\x1e")
        rows.close()
    return Snapshot(tables=tables, registry_checksum=digest.hexdigest())


# --- PostgreSQL -------------------------------------------------------------------


def _pg_params(connection) -> dict:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("client_encoding", None)
    return params


def _pg_connect(connection):
    import psycopg2

    return psycopg2.connect(**_pg_params(connection))


def _pg_command(program: str, connection) -> tuple[list[str], dict]:
    """The client program with the app's connection settings (the password through the environment)."""
    if shutil.which(program) is None:
        raise BackupError(
            _("The PostgreSQL client program %(program)s is missing; install the Debian package postgresql-client.")
            % {"program": program}
        )
    from psycopg2.extensions import make_dsn

    params = _pg_params(connection)
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = str(params.pop("password"))
    return [program, "--dbname", make_dsn(**params)], env


def _run(argv: list[str], env: dict, what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(what)s failed: %(error)s")
            % {"what": what, "error": result.stderr.strip()[-2000:] or result.returncode}
        )


def _pg_dump(connection, target: Path) -> Snapshot:
    """pg_dump of one snapshot, and the counts and checksum of that same snapshot."""
    raw = _pg_connect(connection)
    try:
        raw.set_session(isolation_level="REPEATABLE READ", readonly=True)
        cursor = raw.cursor()
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        snapshot = measure(raw, "postgresql")
        argv, env = _pg_command("pg_dump", connection)
        argv += ["--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}", "--file", str(target)]
        _run(argv, env, "pg_dump")
        return snapshot
    finally:
        raw.rollback()
        raw.close()


def _pg_restore(connection, dump: Path) -> None:
    argv, env = _pg_command("pg_restore", connection)
    argv += ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(dump)]
    _run(argv, env, "pg_restore")


# --- SQLite -------------------------------------------------------------------------


def _sqlite_copy(connection, target: Path) -> Snapshot:
    """A consistent copy through the online backup API, measured on the copy."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        # One self-contained file: the copy is not left in WAL mode.
        destination.execute("PRAGMA journal_mode=DELETE")
        return measure(destination, "sqlite")
    finally:
        destination.close()


def _sqlite_restore(connection, copy: Path) -> None:
    source = sqlite3.connect(copy)
    target = connection.get_new_connection(connection.get_connection_params())
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


# --- Stored files ---------------------------------------------------------------------


def stored_files(storage: Storage, path: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # a storage nothing was ever written to
        return
    for name in sorted(files):
        yield posixpath.join(path, name)
    for directory in sorted(directories):
        yield from stored_files(storage, posixpath.join(path, directory))


class _Hashing(io.RawIOBase):
    """Reads through a file while hashing what passes, so big files are read once."""

    def __init__(self, source):
        self.source = source
        self.digest = hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.source.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _add_stored_files(archive: tarfile.TarFile, storage: Storage) -> list[dict]:
    listed = []
    for name in stored_files(storage):
        info = tarfile.TarInfo(FILES_PREFIX + name)
        info.size = storage.size(name)
        info.mtime = int(timezone.now().timestamp())
        with storage.open(name, "rb") as source:
            hashing = _Hashing(source)
            archive.addfile(info, hashing)
        listed.append({"name": name, "size": info.size, "sha256": hashing.digest.hexdigest()})
    return listed


# --- Backup and restore ------------------------------------------------------------------


def engine_of(connection) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": connection.vendor})
    return connection.vendor


def backup(*, connection, storage: Storage, output: Path) -> Summary:
    """Write the archive to `output` (through a temporary file, so a failure leaves no half archive)."""
    engine = engine_of(connection)
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="hungbinh-backup-", dir=output.parent) as work:
        dump = Path(work) / DUMP_NAMES[engine]
        snapshot = _pg_dump(connection, dump) if engine == "postgresql" else _sqlite_copy(connection, dump)
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(dump, arcname=DUMP_NAMES[engine])
            files = _add_stored_files(archive, storage)
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "engine": engine,
                "tables": snapshot.tables,
                "registry_checksum": snapshot.registry_checksum,
                "files": files,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        os.replace(partial, output)
    return Summary(path=str(output), engine=engine, snapshot=snapshot, files=files)


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError, TypeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("This file is not a Hưng Bình backup (it has no valid manifest)."))
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            _("This backup has format version %(version)s; this version of the app reads version %(ours)s.")
            % {"version": manifest.get("version"), "ours": FORMAT_VERSION}
        )
    return manifest


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except FileNotFoundError:
        raise BackupError(_("The file %(path)s does not exist.") % {"path": path}) from None
    except tarfile.TarError:
        raise BackupError(_("The file %(path)s is not a Hưng Bình backup.") % {"path": path}) from None


def _require_empty(connection) -> None:
    connection.ensure_connection()
    existing = table_names(connection.connection, connection.vendor)
    if existing:
        name = connection.settings_dict["NAME"]
        raise BackupError(
            _(
                "The database %(name)s is not empty (it has %(count)s tables). Nothing was restored: "
                "restore only into a new, empty database (create one, or point DATABASE_URL at one), "
                "so that no data is overwritten."
            )
            % {"name": name, "count": len(existing)}
        )


def _restore_files(archive: tarfile.TarFile, manifest: dict, storage: Storage) -> None:
    for entry in manifest["files"]:
        name = entry["name"]
        # Spooled to a seekable file first: remote storages (S3) rewind what they upload.
        with tempfile.SpooledTemporaryFile(max_size=16 * CHUNK) as spooled:
            hashing = _Hashing(archive.extractfile(FILES_PREFIX + name))
            shutil.copyfileobj(hashing, spooled, CHUNK)
            spooled.seek(0)
            if hashing.digest.hexdigest() != entry["sha256"]:
                raise BackupError(_("The stored file %(name)s is damaged in the backup.") % {"name": name})
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(spooled, name=posixpath.basename(name)))
        if saved != name:
            raise BackupError(_("The stored file %(name)s could not be restored under its name.") % {"name": name})


def restore(*, connection, storage: Storage, path: Path, progress: Callable[[str], None] = lambda _m: None) -> Summary:
    """Restore the archive into the configured, empty database and the storage; verify against the manifest."""
    engine = engine_of(connection)
    with _open_archive(Path(path)) as archive:
        manifest = read_manifest(archive)
        if manifest["engine"] != engine:
            raise BackupError(
                _(
                    "This backup is of a %(theirs)s database but the app is configured for %(ours)s; "
                    "set DATABASE_URL to a %(theirs)s database."
                )
                % {"theirs": manifest["engine"], "ours": engine}
            )
        _require_empty(connection)
        with tempfile.TemporaryDirectory(prefix="hungbinh-restore-") as work:
            dump = Path(work) / DUMP_NAMES[engine]
            with archive.extractfile(DUMP_NAMES[engine]) as source, dump.open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            progress(_("Restoring the database…"))
            if engine == "postgresql":
                _pg_restore(connection, dump)
            else:
                _sqlite_restore(connection, dump)
        progress(_("Restoring %(count)s stored files…") % {"count": len(manifest["files"])})
        _restore_files(archive, manifest, storage)
    connection.close()  # a fresh connection sees the restored schema
    snapshot = verify(connection=connection, manifest=manifest)
    return Summary(path=str(path), engine=engine, snapshot=snapshot, files=manifest["files"])


def _measure_connection(connection) -> Snapshot:
    """Measure through a plain DB-API connection, reading values as the backup read them
    (Django's own SQLite connection turns text into dates and decimals)."""
    if connection.vendor == "postgresql":
        raw = _pg_connect(connection)
    else:
        params = connection.get_connection_params()
        raw = sqlite3.connect(params["database"], uri=params.get("uri", False))
    try:
        return measure(raw, connection.vendor)
    finally:
        raw.close()


def verify(*, connection, manifest: dict) -> Snapshot:
    """Counts and checksum of the restored database, which must equal the manifest's."""
    snapshot = _measure_connection(connection)
    expected = Snapshot(tables=manifest["tables"], registry_checksum=manifest["registry_checksum"])
    problems = expected.differences(snapshot)
    if problems:
        raise BackupError(
            _("The restored database differs from the backup: %(problems)s") % {"problems": "; ".join(problems[:10])}
        )
    return snapshot
