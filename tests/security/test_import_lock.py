"""Issue 11, item 4: a large import writes in short batches, all or nothing, and a lock timeout is a 503.

On SQLite the whole database has one write lock: an import that held it in one transaction made
officers' saves, and a member's read (it writes an access-log row), fail with "database is locked"
(docs/workbook.md, "Writing in batches").
"""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection
from django.test import RequestFactory

from households.importing import household_import, writing
from households.models import Household, Member, StatusChange
from hungbinh.ops.errors import server_error

from ..households.workbooks import build, household_row, member_row

RETRY = "Hãy thử lại sau vài giây"
CHANGED = "Sổ theo dõi hộ đã thay đổi trong lúc nhập tệp nên chưa có dữ liệu nào được ghi"


@pytest.mark.parametrize("path", ["/households/1/edit/", "/api/v1/households/1/", "/households/1/?show_ids=1"])
def test_a_lock_timeout_is_a_503_that_says_to_try_again_in_seconds(path):
    request = RequestFactory().post(path)
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = json.loads(response.content)["detail"] if path.startswith("/api/") else response.content.decode()
    assert RETRY in body


def test_a_lost_database_still_says_to_wait_a_minute():
    request = RequestFactory().get("/households/")
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert RETRY not in response.content.decode()


def _households(count, *, prefix="NEW", numbers="04008"):
    households = [household_row(f"{prefix}-{n}", **{"Họ và tên chủ hộ": f"Chủ hộ {n}"}) for n in range(count)]
    members = [
        member_row(f"{prefix}-{n}", **{"Họ và tên": f"Chủ hộ {n}", "Số CCCD": f"{numbers}{n:07d}"})
        for n in range(count)
    ]
    return households, members


def _everything():
    return (
        sorted(Household.objects.values_list("code", "head_name", "status", "status_since", "version")),
        sorted(Member.objects.values_list("household__code", "full_name", "id_number", "relation")),
        StatusChange.objects.count(),
        Household.history.count(),
        Member.history.count(),
    )


@pytest.fixture
def registry(world):
    """Two households of the registry that the file changes (a name, a status, a member), by the import."""
    households, members = _households(2, prefix="OLD", numbers="04108")
    result = household_import(
        by=world.users["ward_officer_hb"], ward=world.hb, file=build(households, members), dry_run=False
    )
    assert result.ok
    return world


def _file():
    households, members = _households(7)
    households += [
        household_row("OLD-0", **{"Họ và tên chủ hộ": "Chủ hộ đổi tên"}),
        household_row("OLD-1", **{"Họ và tên chủ hộ": "Chủ hộ 1", "Phân loại": "Hộ cận nghèo"}),
    ]
    members += [
        member_row("OLD-0", **{"Họ và tên": "Chủ hộ 0", "Số CCCD": "041080000000", "Quan hệ với chủ hộ": "Con"}),
        member_row("OLD-1", **{"Họ và tên": "Người mới", "Số CCCD": "040090000001", "Ngày sinh": "01/01/1990"}),
    ]
    return build(households, members)


@pytest.mark.django_db
def test_a_large_import_is_written_in_batches(registry, monkeypatch):
    monkeypatch.setattr(writing, "BATCH_HOUSEHOLDS", 2)
    monkeypatch.setattr(writing, "SQLITE_PAUSE_SECONDS", 0)
    seen = []
    result = household_import(
        by=registry.users["ward_officer_hb"],
        ward=registry.hb,
        file=_file(),
        dry_run=False,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert result.ok, result.errors
    assert (result.created, result.updated, result.members_created, result.members_updated) == (7, 2, 8, 1)
    assert seen == [(2, 9), (4, 9), (6, 9), (8, 9), (9, 9)]  # five transactions
    old = Household.objects.get(code="OLD-0")
    assert (old.head_name, old.version) == ("Chủ hộ đổi tên", 2)
    assert Household.objects.get(code="OLD-1").members.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("failing", ["last batch", "conflict"])
def test_a_batch_that_fails_takes_back_every_earlier_one(registry, monkeypatch, failing):
    """Households added, households and members changed, status changes, history: nothing of the file stays."""
    monkeypatch.setattr(writing, "BATCH_HOUSEHOLDS", 2)
    monkeypatch.setattr(writing, "SQLITE_PAUSE_SECONDS", 0)
    before = _everything()
    write, batches = writing.write, []

    def last_fails(plan, **kwargs):
        batches.append(plan)
        if len(batches) == 5:  # the last: the database refuses a row, as a unique number taken meanwhile would
            raise IntegrityError("refused")
        return write(plan, **kwargs)

    def someone_saves(plan, **kwargs):
        batches.append(plan)
        if len(batches) == 4:  # after three batches were committed, an officer saves OLD-1 (last batch)
            Household.objects.filter(code="OLD-1").update(version=5)
        return write(plan, **kwargs)

    monkeypatch.setattr(writing, "write", last_fails if failing == "last batch" else someone_saves)
    result = household_import(by=registry.users["ward_officer_hb"], ward=registry.hb, file=_file(), dry_run=False)
    assert [str(error.message) for error in result.errors] == [f"{CHANGED}. Hãy nhập lại tệp."]
    if failing == "conflict":
        Household.objects.filter(code="OLD-1").update(version=1)
    assert _everything() == before


def _sqlite_file(path) -> None:
    """The test database's schema and migration data, in a file of its own (the scenario needs a file)."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()


@pytest.mark.django_db(transaction=True)  # the copy is made outside a transaction
def test_officers_save_and_read_while_a_large_import_writes_and_fails_at_its_last_row(tmp_path):
    """The issue's scenario, smaller: 1,000 households while officers save (page, API) and read with full IDs.

    With a one-second lock timeout: no 500; each save or read succeeds or is the 503 that says to try
    again; the import's transactions are batches; its last member is refused, and nothing stays.
    """
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's database-wide write lock; PostgreSQL locks rows (tests/households)")
    path = tmp_path / "registry.sqlite3"
    _sqlite_file(path)
    command = [sys.executable, "-m", "tests.security.import_lock", "--path", str(path), "--households", "1000"]
    command += ["--officers", "3", "--timeout", "1", "--fail-last"]
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": f"sqlite:///{path}"}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env={**os.environ, **env}, cwd=settings.BASE_DIR
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["import_error"] is None
    assert outcome["errors"] == [f"{CHANGED}. Hãy nhập lại tệp."]
    assert outcome["after"] == outcome["before"]
    assert outcome["bad"] == []
    assert outcome["requests"] > 0
    assert {answer.split()[1] for answer in outcome["answers"]} <= {"200", "302", "503"}
    # The write lock was held a batch at a time, not for the whole import.
    assert outcome["batches"] == 4
    assert outcome["longest_batch"] < outcome["import_seconds"] / 3
