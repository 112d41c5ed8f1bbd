"""An import whose process dies between two batches is taken back later (docs/workbook.md, "Interrupted imports").

The batches are committed one by one (tests/security/test_import_lock.py); a process killed in the middle
took nothing back and left its batches in the registry until the job was run again, and an import made in
the request had to be noticed and undone by hand. Each writing is now an import run, whose batches record
what takes them back; an interrupted one is taken back at the next import of the ward, when the import page
is opened, when its job is run again and by manage.py sweep_jobs, and the importing officer is told once.
"""

import os
import select
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from io import StringIO
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.utils import timezone

from households import services
from households.importing import household_import, runs, writing
from households.importing.report import import_summary
from households.models import Household, ImportBatch, ImportRun

from ..households.workbooks import build
from .test_import_lock import _everything, _file, _households

OFFICER = "ward_officer_hb"
TAKEN_BACK = (
    "đã bị ngắt giữa chừng sau khi ghi 8/9 hộ, nên phần đã ghi đã được hoàn tác: sổ theo dõi hộ chưa có gì của "
    "tệp. Hãy nhập lại tệp."
)
KEPT = (
    "đã bị ngắt giữa chừng sau khi ghi 8/9 hộ, nên phần đã ghi đã được hoàn tác, trừ 1 hộ đã được sửa sau khi "
    "nhập nên giữ nguyên như đã sửa: NEW-2 (chủ hộ Chủ hộ 2). Hãy kiểm tra các hộ đó rồi nhập lại tệp."
)


class Killed(BaseException):
    """The process ends here: nothing after it runs, no undo either."""


@pytest.fixture
def registry(world):
    """OLD-0 and OLD-1 in the registry, which the file changes (a name, a status, a member)."""
    households, members = _households(2, prefix="OLD", numbers="04108")
    result = household_import(by=world.users[OFFICER], ward=world.hb, file=build(households, members), dry_run=False)
    assert result.ok
    return world


@pytest.fixture
def two_a_batch(monkeypatch):
    monkeypatch.setattr(writing, "BATCH_HOUSEHOLDS", 2)
    monkeypatch.setattr(writing, "SQLITE_PAUSE_SECONDS", 0)


WRITE, UNDO, UNDO_BATCH = writing.write, writing.undo, writing.undo_batch


def _dies_after(monkeypatch, batches: int) -> None:
    """The process dies after `batches` committed batches (9 households two a batch: NEW-0…6, then OLD-0 in
    the fourth and OLD-1 in the fifth), before it could take anything back."""
    write, seen = WRITE, []

    def dying(plan, **kwargs):
        seen.append(plan)
        if len(seen) > batches:
            raise Killed
        return write(plan, **kwargs)

    def no_undo(run):
        raise Killed

    monkeypatch.setattr(writing, "write", dying)
    monkeypatch.setattr(writing, "undo", no_undo)


def _interrupted_import(world, monkeypatch, *, job_id=None) -> ImportRun:
    _dies_after(monkeypatch, 4)
    with pytest.raises(Killed):
        household_import(
            by=world.users[OFFICER], ward=world.hb, file=_file(), dry_run=False, file_name="ho.xlsx", job_id=job_id
        )
    # What comes next runs in a process that is alive.
    monkeypatch.setattr(writing, "write", WRITE)
    monkeypatch.setattr(writing, "undo", UNDO)
    run = ImportRun.objects.get(state=ImportRun.State.RUNNING)
    assert (run.written, run.total, run.batches.count()) == (8, 9, 4)
    assert Household.objects.filter(code__startswith="NEW-").count() == 7
    return run


def _silent(run: ImportRun) -> None:
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))


@pytest.mark.django_db
def test_an_interrupted_import_is_taken_back_and_its_officer_told_once(registry, monkeypatch, client, two_a_batch):
    before = _everything()
    run = _interrupted_import(registry, monkeypatch)
    assert _everything() != before  # four batches stay in the registry: NEW-0…6 added, OLD-0 renamed

    # Still giving signs of life (its process is this one): not taken back.
    assert runs.recover() == []
    _silent(run)
    client.force_login(registry.users[OFFICER])
    page = client.get("/households/import/").content.decode()  # opening the import page takes it back

    assert _everything() == before
    run.refresh_from_db()
    assert (run.state, run.kept, ImportBatch.objects.count()) == (ImportRun.State.INTERRUPTED, [], 0)
    assert "Lần nhập tệp “ho.xlsx” (Hưng Bình, bắt đầu lúc " in page
    assert TAKEN_BACK in page
    assert TAKEN_BACK not in client.get("/households/import/").content.decode()  # told once
    # Only its officer is told.
    client.force_login(registry.users["ward_leader_hb"])
    assert TAKEN_BACK not in client.get("/households/import/").content.decode()


WAITING = (
    "đã bị ngắt giữa chừng sau khi ghi 8/9 hộ, các hộ này vẫn ở trong sổ theo dõi hộ: sẽ được hoàn tác khi phường "
    "kiểm tra hoặc nhập tệp lần tới. Hãy kiểm tra lại tệp để hoàn tác ngay."
)


@pytest.mark.django_db
def test_opening_the_page_takes_back_only_a_small_interrupted_import(registry, monkeypatch, client, two_a_batch):
    """A page open took back a whole stalled import inside the request, however large; it takes back at most
    PAGE_BATCHES batches. A larger run is left whole, its officer is told, and the ward's next check takes it
    back."""
    before = _everything()
    run = _interrupted_import(registry, monkeypatch)  # four batches
    _silent(run)
    monkeypatch.setattr(runs, "PAGE_BATCHES", 3)
    client.force_login(registry.users[OFFICER])

    page = client.get("/households/import/").content.decode()
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.RUNNING
    assert run.batches.count() == 4  # left whole
    assert WAITING in page and TAKEN_BACK not in page
    assert WAITING in client.get("/households/import/").content.decode()  # said until it is taken back
    client.force_login(registry.users["ward_leader_hb"])
    assert WAITING not in client.get("/households/import/").content.decode()  # to its officer only

    household_import(by=registry.users["ward_leader_hb"], ward=registry.hb, file=_file(), dry_run=True)
    assert _everything() == before
    client.force_login(registry.users[OFFICER])
    page = client.get("/households/import/").content.decode()
    assert TAKEN_BACK in page and WAITING not in page


@pytest.mark.django_db
def test_a_bounded_recovery_takes_a_run_back_whole_or_leaves_it_whole(registry, monkeypatch, two_a_batch):
    run = _interrupted_import(registry, monkeypatch)
    _silent(run)
    assert runs.recover(wards=[registry.hb], most_batches=3) == []
    assert [r.pk for r in runs.recover(wards=[registry.hb], most_batches=4)] == [run.pk]


@pytest.mark.django_db
def test_a_household_saved_since_is_kept_and_named(registry, monkeypatch, client, two_a_batch):
    """The rule of a failed import (b6ece66) holds for an interrupted one: a save made on the import's values
    is never overwritten; the household is kept and named."""
    before = _everything(leaving=["NEW-2"])
    run = _interrupted_import(registry, monkeypatch)
    new = Household.objects.get(code="NEW-2")
    services.household_update(by=registry.users["ward_leader_hb"], household=new, version=new.version, address="Số 9")
    _silent(run)

    assert [r.pk for r in runs.recover(wards=[registry.hb])] == [run.pk]

    assert _everything(leaving=["NEW-2"]) == before
    assert Household.objects.get(code="NEW-2").address == "Số 9"
    run.refresh_from_db()
    assert run.kept == [{"code": "NEW-2", "head_name": "Chủ hộ 2", "added": True}]
    client.force_login(registry.users[OFFICER])
    assert KEPT in client.get("/households/import/").content.decode()


@pytest.mark.django_db
def test_the_api_import_answers_what_became_of_an_interrupted_import(
    registry, monkeypatch, api_client, client, two_a_batch
):
    """The page told the officer of an import taken back; the API's answer did not, so a script importing
    again never learnt that its earlier import had been undone, or which households were kept."""
    run = _interrupted_import(registry, monkeypatch)
    _silent(run)
    api_client.force_authenticate(registry.users[OFFICER])
    upload = SimpleUploadedFile("ho.xlsx", _file().getvalue())

    answer = api_client.post("/api/v1/households/import/", {"file": upload, "dry_run": "true"}, format="multipart")

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["updated"], body["errors"]) == (7, 2, [])
    [told] = body["interrupted"]
    assert told.startswith("Lần nhập tệp “ho.xlsx” (Hưng Bình, bắt đầu lúc ") and TAKEN_BACK in told
    # Told once: not again in the next answer, nor on the import page.
    again = api_client.post(
        "/api/v1/households/import/",
        {"file": SimpleUploadedFile("ho.xlsx", _file().getvalue()), "dry_run": "true"},
        format="multipart",
    )
    assert again.json()["interrupted"] == []
    client.force_login(registry.users[OFFICER])
    assert TAKEN_BACK not in client.get("/households/import/").content.decode()


@pytest.mark.django_db
def test_the_api_import_answer_documents_interrupted(client, world):
    client.force_login(world.users[OFFICER])
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    answer = schema["components"]["schemas"]["ImportResult"]
    assert "interrupted" in answer["required"]
    assert answer["properties"]["interrupted"]["type"] == "array"
    assert "bị ngắt giữa chừng" in answer["properties"]["interrupted"]["description"]


@pytest.mark.django_db
def test_the_next_import_of_the_ward_takes_it_back_first(registry, monkeypatch, two_a_batch):
    run = _interrupted_import(registry, monkeypatch)
    _silent(run)
    result = household_import(by=registry.users[OFFICER], ward=registry.hb, file=_file(), dry_run=True)
    # Checked against the registry without the interrupted batches: the whole file is new again.
    assert (result.created, result.updated, result.members_created) == (7, 2, 8)
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.INTERRUPTED


@pytest.mark.django_db
def test_the_job_run_again_takes_back_its_earlier_attempt_at_once(registry, monkeypatch, two_a_batch):
    """The job runner took the job back from its dead worker: its run is over, however fresh its heartbeat;
    the job's report tells the outcome, so the import page does not."""
    job_id = uuid.uuid4()
    run = _interrupted_import(registry, monkeypatch, job_id=job_id)
    result = household_import(by=registry.users[OFFICER], ward=registry.hb, file=_file(), dry_run=False, job_id=job_id)
    assert result.ok and (result.created, result.updated) == (7, 2)
    run.refresh_from_db()
    assert run.state == ImportRun.State.INTERRUPTED and run.noticed_at is not None
    assert runs.notices_for(registry.users[OFFICER]) == []
    assert ImportRun.objects.filter(job_id=job_id, state=ImportRun.State.DONE).count() == 1


@pytest.mark.django_db
def test_sweep_jobs_takes_back_interrupted_imports(registry, monkeypatch, two_a_batch):
    before = _everything()
    _silent(_interrupted_import(registry, monkeypatch))
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "Đã hoàn tác 1 lần nhập tệp bị ngắt giữa chừng" in out.getvalue()
    # the officer is told once, on the import page or in the API's import answer (`interrupted`): both are named
    assert "trang nhập tệp hoặc trong kết quả nhập tệp qua API" in out.getvalue()
    assert _everything() == before


@pytest.mark.django_db
def test_sweep_jobs_says_where_the_officer_is_told_in_english(registry, monkeypatch, settings, two_a_batch):
    settings.LANGUAGE_CODE = "en"
    _silent(_interrupted_import(registry, monkeypatch))
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert (
        "Took back 1 interrupted import; its officer is told on the import page or in the API's import answer."
        in out.getvalue()
    )


@pytest.mark.django_db
def test_a_finished_or_failed_import_leaves_no_undo_record(registry, two_a_batch):
    """The undo records hold members' former values (ID numbers too): never kept past the run."""
    assert household_import(by=registry.users[OFFICER], ward=registry.hb, file=_file(), dry_run=False).ok
    assert ImportBatch.objects.count() == 0
    assert set(ImportRun.objects.values_list("state", flat=True)) == {ImportRun.State.DONE}


@pytest.mark.django_db
def test_a_run_that_cannot_be_taken_back_names_the_households_it_left(registry, monkeypatch, client, two_a_batch):
    """A stuck run told the officer to check "those households" without naming one; they are those of the undo
    records left (batches 1-3: NEW-0…5) and those kept as saved since (NEW-6), named as the other notices do."""
    run = _interrupted_import(registry, monkeypatch)
    new = Household.objects.get(code="NEW-6")
    services.household_update(by=registry.users["ward_leader_hb"], household=new, version=new.version, address="Số 9")
    _silent(run)
    calls = []

    def refused_at_the_second(batch, **kwargs):
        # As the database refuses to delete a household a review or a support now refers to.
        calls.append(batch)
        if len(calls) == 2:
            raise IntegrityError("a review refers to the household")
        return UNDO_BATCH(batch, **kwargs)

    monkeypatch.setattr(writing, "undo_batch", refused_at_the_second)
    monkeypatch.setattr(runs, "NAMED", 3)
    assert [r.pk for r in runs.recover(wards=[registry.hb])] == [run.pk]
    run.refresh_from_db()
    assert (run.state, run.batches.count()) == (ImportRun.State.STUCK, 3)
    assert Household.objects.get(code="OLD-0").head_name == "Chủ hộ 0"  # the newest batch was taken back

    client.force_login(registry.users[OFFICER])
    page = client.get("/households/import/").content.decode()
    assert (
        "đã bị ngắt giữa chừng sau khi ghi 8/9 hộ và không hoàn tác được phần đã ghi: 7 hộ vẫn như tệp đã ghi: "
        "NEW-0 (chủ hộ Chủ hộ 0); NEW-1 (chủ hộ Chủ hộ 1); NEW-2 (chủ hộ Chủ hộ 2); và 4 hộ khác. Hãy kiểm tra "
        "các hộ đó hoặc báo quản trị viên."
    ) in page

    monkeypatch.setattr(runs, "NAMED", 10)
    assert "NEW-5 (chủ hộ Chủ hộ 5); NEW-6 (chủ hộ Chủ hộ 6). Hãy kiểm tra" in runs.notice(run)


# --- A run taken back while it was still writing ---------------------------------------------------------

STOPPED = (
    "Lần nhập này đã quá 15 phút không ghi được gì nên bị coi là đã bị ngắt giữa chừng và bị dừng trước khi ghi xong."
)
STOPPED_JOB = (
    "Lần nhập này đã quá 15 phút không ghi được gì, hoặc việc chạy nền của nó đã được giao cho tiến trình khác, "
    "nên bị coi là đã bị ngắt giữa chừng và bị dừng trước khi ghi xong."
)
CHANGED = "Sổ theo dõi hộ đã thay đổi trong lúc nhập tệp"


def _stalls_after(world, households: int, *, saved=(), claimed_only=False):
    """A progress report during which the import stalls after `households` past REPORT_JOB_STALE_MINUTES and
    the ward's next check takes it back (after someone saved the households of codes `saved`), or only claims
    it (`claimed_only`: the recovery of another process, still taking it back)."""

    def progress(done, total):
        if done != households:
            return
        for code in saved:
            household = Household.objects.get(code=code)
            services.household_update(
                by=world.users["ward_leader_hb"], household=household, version=household.version, address="Số 9"
            )
        run = ImportRun.objects.get(state=ImportRun.State.RUNNING)
        _silent(run)
        if claimed_only:
            ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.UNDOING)
        else:
            assert [r.pk for r in runs.recover(wards=[world.hb])] == [run.pk]

    return progress


@pytest.mark.django_db
@pytest.mark.parametrize("job", [False, True])
def test_an_import_taken_back_while_still_writing_says_why_not_that_the_registry_changed(registry, two_a_batch, job):
    """runs.TakenBack was told as a change of the registry; it is a run stalled past REPORT_JOB_STALE_MINUTES (or,
    for a job, handed out again), taken back by a recovery while its process was still writing."""
    before = _everything()
    officer = registry.users[OFFICER]
    result = household_import(
        by=officer,
        ward=registry.hb,
        file=_file(),
        dry_run=False,
        progress=_stalls_after(registry, 4),
        job_id=uuid.uuid4() if job else None,
    )
    assert [error.message for error in result.errors] == [
        f"{STOPPED_JOB if job else STOPPED} Phần đã ghi đã được hoàn tác: sổ theo dõi hộ chưa có gì của tệp. "
        "Hãy nhập lại tệp."
    ]
    assert _everything() == before
    assert ImportRun.objects.filter(state=ImportRun.State.INTERRUPTED).count() == 1
    assert runs.notices_for(officer) == []  # told by the import it stopped, so not again on the import page
    # A job's summary is that message, not "Nothing was written: the file has 1 problems" (it had none).
    assert import_summary(result, dry_run=False) == result.errors[0].message


@pytest.mark.django_db
def test_an_import_taken_back_while_still_writing_names_the_households_it_kept(registry, two_a_batch):
    before = _everything(leaving=["NEW-2"])
    result = household_import(
        by=registry.users[OFFICER],
        ward=registry.hb,
        file=_file(),
        dry_run=False,
        progress=_stalls_after(registry, 4, saved=["NEW-2"]),
    )
    assert [error.message for error in result.errors] == [
        f"{STOPPED} Phần đã ghi đã được hoàn tác, trừ 1 hộ đã được sửa sau khi nhập nên giữ nguyên như đã sửa "
        "(liệt kê dưới đây). Hãy kiểm tra các hộ đó rồi nhập lại tệp.",
        "Hộ NEW-2 (chủ hộ Chủ hộ 2) do tệp thêm vào đã được sửa sau khi nhập nên được giữ lại, không hoàn tác; "
        "hãy kiểm tra lại.",
    ]
    assert [household.code for household in result.kept] == ["NEW-2"]
    assert _everything(leaving=["NEW-2"]) == before
    assert Household.objects.get(code="NEW-2").address == "Số 9"


@pytest.mark.django_db
def test_a_job_stopped_while_writing_whose_undo_is_stuck_does_not_say_nothing_was_written(
    registry, monkeypatch, two_a_batch
):
    """The job's summary read "Nothing was written: the file has 1 problems" while the households its undo could
    not take back stay in the registry."""

    def refused(batch, **kwargs):
        raise IntegrityError("a review refers to the household")

    monkeypatch.setattr(writing, "undo_batch", refused)
    job_id = uuid.uuid4()
    result = household_import(
        by=registry.users[OFFICER],
        ward=registry.hb,
        file=_file(),
        dry_run=False,
        progress=_stalls_after(registry, 4),
        job_id=job_id,
    )
    assert ImportRun.objects.get(job_id=job_id).state == ImportRun.State.STUCK
    assert Household.objects.filter(code="NEW-0").exists()  # still in the registry
    assert result.errors[0].message.startswith(STOPPED_JOB)
    summary = import_summary(result, dry_run=False)  # the job's message and the report's first line
    assert "Chưa ghi gì" not in summary
    assert summary == (
        "Lần nhập bị dừng trước khi ghi xong và không hoàn tác được phần đã ghi: một số hộ của tệp vẫn còn trong sổ "
        "theo dõi hộ như tệp đã ghi. Hãy kiểm tra các hộ đó hoặc báo quản trị viên; báo cáo nêu tên các hộ."
    )


@pytest.mark.django_db
def test_an_import_taken_back_by_another_process_leaves_the_outcome_to_the_import_page(registry, two_a_batch, client):
    officer = registry.users[OFFICER]
    result = household_import(
        by=officer,
        ward=registry.hb,
        file=_file(),
        dry_run=False,
        progress=_stalls_after(registry, 4, saved=["NEW-2"], claimed_only=True),
    )
    assert [error.message for error in result.errors] == [
        f"{STOPPED} Phần đã ghi đang được hoàn tác. Các hộ đã được sửa sau khi nhập được giữ nguyên như đã sửa; "
        "trang nhập danh sách sẽ nêu tên các hộ đó khi hoàn tác xong. Sau đó hãy nhập lại tệp."
    ]
    assert CHANGED not in result.errors[0].message
    assert import_summary(result, dry_run=False) == result.errors[0].message  # not "Nothing was written"
    # That process's recovery ends (here: the next one, as it stalled too); the import page names what it kept.
    run = ImportRun.objects.get(state=ImportRun.State.UNDOING)
    _silent(run)
    assert [r.pk for r in runs.recover(wards=[registry.hb])] == [run.pk]
    client.force_login(officer)
    assert "NEW-2 (chủ hộ Chủ hộ 2)" in client.get("/households/import/").content.decode()


# --- A process really killed, on PostgreSQL ------------------------------------------------------------


def _child_database_url() -> str:
    parts = urlparse(os.environ["DATABASE_URL"])
    return parts._replace(path="/" + connection.settings_dict["NAME"]).geturl()


def _wait_for_line(process, text: str, seconds: float) -> list[str]:
    lines, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([process.stdout], [], [], 1)
        if ready:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
            if line.strip() == text:
                return lines
    raise AssertionError(f"no {text!r} from the import: {lines} {process.stderr.read() if process.poll() else ''}")


@pytest.mark.database_engine
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a child process on the test's database: PostgreSQL (an in-memory SQLite is not shared)",
)
@pytest.mark.django_db(transaction=True)
def test_an_import_process_killed_mid_run_is_taken_back(registry, client, tmp_path):
    """A real process, SIGKILLed between its fourth and fifth batch, on this server: its process is gone, so the
    next look at the import page takes it back at once, keeping the household an officer saved meanwhile."""
    before = _everything(leaving=["NEW-2"])
    path = tmp_path / "ho.xlsx"
    path.write_bytes(_file().getvalue())
    officer = registry.users[OFFICER]
    command = [sys.executable, "-m", "tests.security.import_killed", "--file", str(path)]
    command += ["--ward", str(registry.hb.pk), "--user", str(officer.pk), "--stop-after", "8"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": _child_database_url()}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=settings.BASE_DIR
    )
    try:
        lines = _wait_for_line(process, "batch 8/9", seconds=120)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert lines == ["batch 2/9", "batch 4/9", "batch 6/9", "batch 8/9"]
    run = ImportRun.objects.get(state=ImportRun.State.RUNNING)
    assert (run.written, run.batches.count(), run.pid) == (8, 4, process.pid)
    assert Household.objects.filter(code__startswith="NEW-").count() == 7
    new = Household.objects.get(code="NEW-2")
    services.household_update(by=registry.users["ward_leader_hb"], household=new, version=new.version, address="Số 9")

    client.force_login(officer)
    page = client.get("/households/import/").content.decode()

    assert _everything(leaving=["NEW-2"]) == before
    assert "Lần nhập tệp “danh-sach-ho.xlsx” (Hưng Bình" in page
    assert KEPT in page
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.INTERRUPTED


@pytest.mark.django_db
def test_the_import_page_names_the_file_of_its_run(registry, client):
    """The file checked, then imported from the page: its run (and a notice, were it interrupted) names it."""
    client.force_login(registry.users[OFFICER])
    upload = SimpleUploadedFile("danh-sach-khoi-1.xlsx", _file().getvalue())
    checked = client.post("/households/import/", {"ward": registry.hb.pk, "file": upload, "action": "dry_run"})
    form = checked.context["pending"]
    data = {**form.initial, "action": "import_pending"}
    assert client.post("/households/import/", data).status_code == 302
    assert ImportRun.objects.latest("pk").file_name == "danh-sach-khoi-1.xlsx"
