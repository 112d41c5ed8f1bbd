"""Issue 11, item 4, reproduced: officers edit and read while a large import writes, on a SQLite file.

Run in a child process by tests/security/test_import_lock.py (and by hand for the figures of
docs/workbook.md, "Writing in batches"):

    DJANGO_SETTINGS_MODULE=tests.settings DATABASE_URL=sqlite:////tmp/x.sqlite3 \\
        .venv/bin/python -m tests.security.import_lock --path /tmp/x.sqlite3 --households 10000 --timeout 20

The database file must hold the migrated schema. The import runs in this process; each officer, in a
process of their own as a web server's worker, saves through the household page's form and the API's
PATCH (JSON) and reads a household with full ID numbers (which writes an access-log row) until it ends;
a probe, in another, measures how long a writer waits for the write lock. `--fail-last` makes the
database refuse the file's last member. One JSON line on stdout says what happened.
"""

import argparse
import datetime
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter


def _setup(timeout: float) -> None:
    import django
    from django.conf import settings

    # Before the first connection: the short timeout is what makes the scenario fast.
    settings.DATABASES["default"]["OPTIONS"]["timeout"] = timeout
    django.setup()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def _world(officer_count: int):
    from bench.data import bench_ward
    from households.models import Household, Member

    bench = bench_ward("LOCK", khoi_count=4)
    edited = []
    for n in range(officer_count):
        household = Household.objects.create(
            ward=bench.ward,
            khoi=bench.khois[0],
            code=f"EDIT-{n}",
            head_name=f"Chủ hộ {n}",
            status="poor",
            status_since=datetime.date(2024, 1, 15),
        )
        Member.objects.create(household=household, full_name=f"Chủ hộ {n}", id_number=f"0450900{n:05d}", position=1)
        edited.append(household.pk)
    return bench, edited


def _workbook(bench, households: int) -> bytes:
    from bench.measure import import_workbook

    return import_workbook(households, khoi_names=[k.name for k in bench.khois], seed=11)


def _probe(path: str, stop: threading.Event, waits: list[float]) -> None:
    """How long a writer waits for SQLite's write lock (BEGIN IMMEDIATE, as every save here), again and again."""
    probe = sqlite3.connect(path, timeout=120, isolation_level=None)
    while not stop.is_set():
        start = time.perf_counter()
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        except sqlite3.OperationalError:  # still locked after 120 s: the wait is at least that
            pass
        waits.append(time.perf_counter() - start)
        time.sleep(0.01)
    probe.close()


RETRY_WORDS = "thử lại"  # "try again", in the 503's message


def _officer(client, household_pk: int, n: int):
    """One save or read, by the page's form, the API (JSON) or a read with full ID numbers."""
    from households.models import Household

    household = Household.objects.get(pk=household_pk)
    kind = ("page", "api", "read")[n % 3]
    if kind == "page":
        fields = {"khoi": household.khoi_id, "code": household.code, "head_name": f"Chủ hộ sửa {n}"}
        response = client.post(f"/households/{household_pk}/edit/", {**fields, "version": household.version})
        return kind, response, response.status_code == 302
    if kind == "api":
        response = client.patch(
            f"/api/v1/households/{household_pk}/",
            {"head_name": f"Chủ hộ API {n}", "version": household.version},
            content_type="application/json",
        )
        return kind, response, response.status_code == 200
    response = client.get(f"/households/{household_pk}/?show_ids=1")
    return kind, response, response.status_code == 200


def _officer_process(*, user_id: int, household: int, stop_file: str, ready_file: str) -> dict:
    """An officer at work, in a process of their own (as the web server's workers are), until told to stop."""
    from django.test import Client

    from hungbinh.accounts.models import User

    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(User.objects.get(pk=user_id))
    answers, bad = Counter(), []
    _touch(ready_file)
    n = 0
    while not os.path.exists(stop_file):
        n += 1
        kind, response, ok = _officer(client, household, n)
        answers[f"{kind} {response.status_code}"] += 1
        if response.status_code == 503:
            body = response.json()["detail"] if kind == "api" else response.content.decode()
            if RETRY_WORDS not in body or not response.get("Retry-After"):
                bad.append(f"{kind}: 503 without the retry message")
        elif not ok:
            bad.append(f"{kind}: {response.status_code}")
        time.sleep(0.1)
    return {"answers": answers, "bad": bad}


def _probe_process(*, path: str, stop_file: str, ready_file: str) -> dict:
    waits: list[float] = []
    stop = threading.Event()
    probe = threading.Thread(target=_probe, args=(path, stop, waits))
    probe.start()
    _touch(ready_file)
    while not os.path.exists(stop_file):
        time.sleep(0.05)
    stop.set()
    probe.join()
    return {"waits": waits}


def _touch(name: str) -> None:
    with open(name, "w"):
        pass


def _timed_batches() -> list[float]:
    """How long each of the import's write transactions took (none before batches were written)."""
    from households.importing import writing

    seconds: list[float] = []
    write_batch = getattr(writing, "_write_batch", None)
    if write_batch is None:
        return seconds

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return write_batch(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - start)

    writing._write_batch = timed
    return seconds


def _counts(ward) -> dict:
    from households.models import Household, Member, StatusChange

    return {
        "households": Household.objects.filter(ward=ward).count(),
        "members": Member.objects.filter(household__ward=ward).count(),
        "status_changes": StatusChange.objects.filter(household__ward=ward).count(),
    }


def run(*, path: str, households: int, officers: int, timeout: float, fail_last: bool) -> dict:
    from django.db import connection

    from households.importing import household_import

    bench, edited = _world(officers)
    workbook = _workbook(bench, households)
    before = _counts(bench.ward)
    if fail_last:
        _refuse_last_member(workbook)
    connection.close()
    stop_file = f"{path}.stop"
    roles = [("--probe-of", {"path": path})] + [
        ("--officer-of", {"user_id": bench.officer.pk, "household": pk}) for pk in edited
    ]
    children = []
    for n, (role, params) in enumerate(roles):
        params = {**params, "stop_file": stop_file, "ready_file": f"{path}.ready{n}"}
        command = [sys.executable, "-m", "tests.security.import_lock", "--timeout", str(timeout), role]
        children.append(subprocess.Popen([*command, json.dumps(params)], stdout=subprocess.PIPE, text=True))
    # The officers are at work before the import starts.
    while not all(os.path.exists(f"{path}.ready{n}") for n in range(len(roles))):
        time.sleep(0.05)
    time.sleep(0.5)
    batches = _timed_batches()
    start = time.perf_counter()
    error = result = None
    try:
        result = household_import(by=bench.officer, ward=bench.ward, file=io.BytesIO(workbook), dry_run=False)
    except Exception as exc:  # the figure says it; the test fails on it
        error = repr(exc)
    seconds = time.perf_counter() - start
    time.sleep(0.5)
    _touch(stop_file)
    outcomes = [json.loads(child.communicate(timeout=300)[0].strip().splitlines()[-1]) for child in children]
    os.remove(stop_file)
    for n in range(len(roles)):
        os.remove(f"{path}.ready{n}")
    answers = sum((Counter(outcome.get("answers", {})) for outcome in outcomes), Counter())
    return {
        "households": households,
        "import_seconds": round(seconds, 2),
        "import_error": error,
        "created": result.created if result else None,
        "errors": [str(e.message) for e in result.errors[:3]] if result else None,
        "batches": len(batches),
        "longest_batch": round(max(batches, default=0), 2),
        "longest_lock_wait": round(max(outcomes[0]["waits"], default=0), 2),
        "answers": dict(answers),
        "requests": sum(answers.values()),
        "unavailable": sum(n for key, n in answers.items() if key.endswith(" 503")),
        "bad": [problem for outcome in outcomes for problem in outcome.get("bad", [])][:10],
        "before": before,
        "after": _counts(bench.ward),
    }


def _refuse_last_member(workbook: bytes) -> None:
    """Make the database refuse the workbook's last member (by its ID number), whatever writes it."""
    from django.db import connection
    from openpyxl import load_workbook

    from households.importing import MEMBER_SHEET
    from households.models import Member

    sheet = load_workbook(io.BytesIO(workbook), read_only=True)[MEMBER_SHEET]
    last_id = None
    for row in sheet.iter_rows(values_only=True):
        if len(row) > 5 and row[5]:
            last_id = str(row[5])
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TRIGGER refuse_last_member BEFORE INSERT ON {Member._meta.db_table} "
            f"WHEN NEW.id_number = '{last_id}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", help="the SQLite file DATABASE_URL names")
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--officers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--fail-last", action="store_true")
    parser.add_argument("--officer-of", help="(a child process) JSON: user_id, household, stop_file, ready_file")
    parser.add_argument("--probe-of", help="(a child process) JSON: path, stop_file, ready_file")
    args = parser.parse_args()
    _setup(args.timeout)
    if args.officer_of:
        outcome = _officer_process(**json.loads(args.officer_of))
    elif args.probe_of:
        outcome = _probe_process(**json.loads(args.probe_of))
    else:
        outcome = run(
            path=args.path,
            households=args.households,
            officers=args.officers,
            timeout=args.timeout,
            fail_last=args.fail_last,
        )
    print(json.dumps(outcome, ensure_ascii=False))


if __name__ == "__main__":
    main()
