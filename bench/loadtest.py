"""`make loadtest`: locust against gunicorn on PostgreSQL with 100,000 households (issue 12, "Load test").

python -m bench.loadtest [--users 50] [--minutes 2] [--workers 4]

Uses the bench database (DATABASE_URL, default hungbinh_bench, filled by the
bench's generator on the first run), starts gunicorn with several workers on
the loopback as production runs it (DEBUG off, collected static files) with a
Celery worker on Redis (LOADTEST_BROKER_URL, default redis://127.0.0.1:6379/11)
taking the large exports and reports off the web workers, runs locust
headless, and writes requests per second, p50/p95/p99 per kind of request and
the error count into bench/RESULTS.md (its own section). Not part of `make test`.
"""

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hungbinh_bench"
# Production's job runner (README "Deploying"): without it every large export and report runs in a web worker,
# and four sync workers busy for 20 s each queue every page behind them.
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/11"
BASE_DIR = Path(__file__).resolve().parent.parent
USERNAME = "loadtest"
# Goal of the issue: pages answer within 300 ms at the 95th percentile.
PAGE_GOAL_MS = 300
PAGES = ("list + search", "list (khối, status)", "household page", "review (read)", "review save")


def _free_port(preferred: int) -> int:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    session = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def prepare(households: int, users: int) -> dict:
    """Data, a user with a password, and the ids the simulated officers pick from."""
    from django.core.management import call_command

    from bench.data import ensure_households
    from households.models import Household, Khoi
    from hungbinh.accounts.models import User
    from hungbinh.accounts.roles import Role

    call_command("migrate", verbosity=0)
    bench = ensure_households("BENCH-L", households, seed=1)
    password = secrets.token_urlsafe(12)
    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"role": Role.WARD_OFFICER, "ward": bench.ward})
    user.role, user.ward = Role.WARD_OFFICER, bench.ward
    user.set_password(password)
    user.save()
    ids = list(Household.objects.filter(ward=bench.ward).order_by("?").values_list("pk", flat=True)[:2000])
    data = {
        "username": USERNAME,
        "password": password,
        # Officers log in once a day: each simulated officer starts with its own
        # session, so that 50 password hashes at once do not dominate two minutes.
        "sessions": [_session_for(user) for _ in range(users)],
        "household_ids": ids,
        "khoi_ids": list(Khoi.objects.filter(ward=bench.ward).values_list("pk", flat=True)),
        **review_data(bench.ward, user),
        "report_path": _report_path(bench.ward),
    }
    return data


# The review month of the load test: the periodic review of this year (it sets next year's classes).
REVIEW_YEAR = 2025


def review_data(ward, user) -> dict:
    """The ward's periodic campaign (opened by `user` when missing: it lists the poor and near-poor households),
    the ids of reviews a survey may still be saved on, and the standard's indicator codes for the deprivations."""
    from reviews import services
    from reviews.models import Campaign, CampaignKind, Review, ReviewState

    campaign = Campaign.objects.filter(ward=ward, kind=CampaignKind.PERIODIC, year=REVIEW_YEAR).first()
    if campaign is None:
        campaign = services.campaign_open(by=user, ward=ward, kind=CampaignKind.PERIODIC, year=REVIEW_YEAR)
    editable = (ReviewState.LISTED, ReviewState.DRAFT, ReviewState.RETURNED)
    ids = Review.objects.filter(campaign=campaign, state__in=editable).order_by("?").values_list("pk", flat=True)
    return {
        "campaign_id": campaign.pk,
        "review_ids": list(ids[:2000]),
        "deprivation_codes": list(campaign.standard.indicators.values_list("code", flat=True)),
    }


def _report_path(ward) -> str:
    """The ward's review-result tables of this year as Excel (docs/reports.md): the report an officer downloads."""
    from django.urls import reverse
    from django.utils import timezone

    kwargs = {"level": "ward", "unit_id": ward.pk, "period": str(timezone.localdate().year)}
    return reverse("report-results-xlsx", kwargs=kwargs)


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(BASE_DIR / "deploy/gunicorn.conf.py"),
            "hungbinh.wsgi",
        ],
        cwd=BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn did not start; see {log}")


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    """One Celery worker process (this machine has two cores, shared with gunicorn, PostgreSQL and locust)."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "--app",
            "hungbinh",
            "worker",
            "--loglevel",
            "INFO",  # its "ready." line, which start_worker waits for, is an INFO line
            "--concurrency",
            "1",
            "--queues",
            env.get("CELERY_QUEUE", "hungbinh"),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the Celery worker stopped at start; see {log} (is Redis running?)")
        if log.exists() and "ready." in log.read_text():
            return process
        time.sleep(0.5)
    process.kill()
    raise SystemExit(f"the Celery worker did not start; see {log}")


def _percentile(response_times: dict, count: int, percent: float) -> int:
    """Locust's own percentile over its response-time histogram (locust.stats.calculate_response_time_percentile),
    here so that this process need not import locust (it patches the standard library with gevent)."""
    below = int(count * percent)
    processed = 0
    for time_ms in sorted(response_times, reverse=True):
        processed += response_times[time_ms]
        if count - processed <= below:
            return time_ms
    return 0


def read_stats(json_file: Path) -> list[dict]:
    """Rows per kind of request and an "Aggregated" row from locust's final JSON (`--json-file`).

    The JSON is written after the last simulated officer stopped; the CSV file is a snapshot taken every second
    and missed the requests of the last one (a 10-second report download was absent from a short run).
    """
    entries = json.loads(json_file.read_text(encoding="utf-8"))
    started = min((e["start_time"] for e in entries), default=0)
    ended = max((e["last_request_timestamp"] or 0 for e in entries), default=0)
    seconds = max(ended - started, 1e-9)
    total = {"name": "Aggregated", "num_requests": 0, "num_failures": 0, "max_response_time": 0, "times": {}}
    kinds = []
    for entry in sorted(entries, key=lambda e: e["name"]):
        times = {int(k): v for k, v in entry["response_times"].items()}
        kinds.append({**entry, "times": times})
        total["num_requests"] += entry["num_requests"]
        total["num_failures"] += entry["num_failures"]
        total["max_response_time"] = max(total["max_response_time"], entry["max_response_time"] or 0)
        for time_ms, count in times.items():
            total["times"][time_ms] = total["times"].get(time_ms, 0) + count
    rows = []
    for entry in [*kinds, total]:
        count = entry["num_requests"]
        rows.append(
            {
                "Name": entry["name"],
                "Request Count": count,
                "Failure Count": entry["num_failures"],
                "Requests/s": count / seconds,
                **{f"{p}%": _percentile(entry["times"], count, p / 100) for p in (50, 95, 99)},
                "Max Response Time": entry["max_response_time"] or 0,
            }
        )
    return rows


def report(rows: list[dict], *, args, duration: float, households: int) -> tuple[str, bool]:
    lines = [
        f"Run on {datetime.now():%Y-%m-%d %H:%M}: {args.users} simulated officers for {args.minutes:g} min "
        f"(a click every 1–4 s each), gunicorn with {args.workers} sync workers and one Celery worker on Redis for "
        f"the jobs, PostgreSQL with "
        f"{households:,} households, all on this 2-core machine (locust included); whole run {duration:.0f} s; "
        f"load average {os.getloadavg()[0]:.1f} at the end (other work shares the cores).",
        "",
        f"| Request | Requests | Errors | Req/s | p50 | p95 | p99 | Max | Page goal (p95 < {PAGE_GOAL_MS} ms) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    errors, missed = 0, []
    for row in rows:
        name = row["Name"]
        if name == "Aggregated":
            name = "**all**"
        else:
            errors += int(row["Failure Count"])
        goal = ""
        if row["Name"] in PAGES:
            if float(row["95%"]) >= PAGE_GOAL_MS:
                goal = "**missed**"
                missed.append(row["Name"])
            else:
                goal = "met"
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {row['Failure Count']} | {float(row['Requests/s']):.1f} | "
            f"{row['50%']} ms | {row['95%']} ms | {row['99%']} ms | {float(row['Max Response Time']):.0f} ms | "
            f"{goal} |"
        )
    met = errors == 0 and not missed
    verdict = "**met**." if met else f"**not met**: {errors} errors"
    if missed:
        verdict += f"; p95 over {PAGE_GOAL_MS} ms on " + ", ".join(missed)
    lines += [
        "",
        f"Goal: 0 errors and p95 of pages (lists, household page, a review read and saved) under {PAGE_GOAL_MS} ms — "
        + (verdict if met else verdict + "."),
        "Exports and report downloads are files built in the request (or a job's page when larger) and are not held "
        "to the page goal; their errors count.",
    ]
    return "\n".join(lines), met


def warm_up(port: int, data: dict, rounds: int) -> None:
    """Each gunicorn worker's first requests load the URL configuration, templates and catalogues: made before
    the clock starts, so that a short run does not measure them (a 12-second run had every page at 8 s)."""
    from urllib.request import Request, urlopen

    urls = [
        "/households/?q=nguyen",
        f"/households/?khoi={data['khoi_ids'][0]}&status=poor",
        f"/households/{data['household_ids'][0]}/",
    ]
    if data.get("review_ids"):
        urls.append(f"/api/v1/reviews/{data['review_ids'][0]}/")
    for _ in range(rounds):
        for url in urls:
            request = Request(f"http://127.0.0.1:{port}{url}", headers={"Cookie": f"sessionid={data['sessions'][0]}"})
            with contextlib.suppress(OSError):  # a page that fails here fails again, counted, in the run
                urlopen(request, timeout=120).read()


def _print_failures(prefix: Path) -> None:
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists() and len(failures.read_text(encoding="utf-8").splitlines()) > 1:
        print("Failures (locust):\n" + failures.read_text(encoding="utf-8"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--no-write", action="store_true", help="do not rewrite bench/RESULTS.md")
    args = parser.parse_args(argv)

    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hungbinh.settings")
    # One key for this process and the server: the sessions made here are signed with it
    # (with two keys every simulated officer was sent to the login page).
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    from bench.database import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from bench.results import write_section

    started = time.monotonic()
    data = prepare(args.households, args.users)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        check=True,
        env={**os.environ, "DEBUG": "0"},
    )
    server_env = {
        **os.environ,
        # As production runs: no debug, no query log; plain HTTP on the loopback.
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "AXES_FAILURE_LIMIT": "1000",
        "CELERY_BROKER_URL": os.environ.get("LOADTEST_BROKER_URL", DEFAULT_BROKER_URL),
    }
    port = _free_port(args.port)
    with tempfile.TemporaryDirectory(prefix="hungbinh-loadtest-") as tmp:
        tmp = Path(tmp)
        # Exports that became jobs leave their files here, not in the checkout's media/.
        server_env["MEDIA_ROOT"] = str(tmp / "media")
        data_file = tmp / "data.json"
        data_file.write_text(json.dumps(data))
        worker = start_worker(server_env, tmp / "worker.log")
        server = start_gunicorn(server_env, port, args.workers, tmp / "gunicorn.log")
        try:
            warm_up(port, data, rounds=2 * args.workers)
            prefix = tmp / "locust"
            result = subprocess.run(
                [
                    str(Path(sys.executable).parent / "locust"),
                    "--locustfile",
                    str(BASE_DIR / "bench/locustfile.py"),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    "10",
                    "--run-time",
                    f"{int(args.minutes * 60)}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--json-file",
                    str(prefix),
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--stop-timeout",
                    "30",
                ],
                cwd=BASE_DIR,
                env={**os.environ, "LOADTEST_DATA": str(data_file)},
                check=False,
            )
            rows = read_stats(prefix.with_name(prefix.name + ".json"))
            _print_failures(prefix)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
            print((tmp / "gunicorn.log").read_text()[-3000:])
            print((tmp / "worker.log").read_text()[-1500:])
    text, met = report(rows, args=args, duration=time.monotonic() - started, households=args.households)
    print(text)
    if not args.no_write:
        write_section("loadtest", "Load test (`make loadtest`)", text)
    return 0 if met and result.returncode in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(main())
