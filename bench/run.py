"""Run every measurement in one go, print the table and keep it in bench/RESULTS.md."""

import argparse
import os
import platform
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from . import documents, measure, program, reports, reviews
from .data import ensure_households
from .results import sections

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _prepare_settings():
    # Measure the app as production runs it: no query log, no debug pages.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kib = 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        database = cursor.fetchone()[0]
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": f"{memory_kib / 2**20:.1f} GiB",
        "Python": platform.python_version(),
        "Database": f"{connection.vendor} {database}",
        "OS": platform.platform(),
    }


def table(figures) -> str:
    lines = [
        "| Measurement | App | Baseline | Ratio | Goal | Met |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        met = "not available" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.name} | {f.measured or '–'} | {f.baseline or '–'} | {f.ratio or '–'} | {f.goal} | {met} |")
    notes = [f"- {f.name}: {note}" for f in figures for note in f.notes]
    return "\n".join(lines + ([""] + notes if notes else []))


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000, help="households of the ward the query counts compare with")
    parser.add_argument("--import-households", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15, help="runs of each page measurement (median)")
    parser.add_argument("--slow-repeat", type=int, default=3, help="runs of the export and import (median)")
    parser.add_argument(
        "--pdf-memory-rows", type=int, default=20_000, help="households of the PDF list whose memory is measured"
    )
    parser.add_argument("--review-households", type=int, default=5_000, help="households of the review campaign")
    parser.add_argument("--support", type=int, default=50_000, help="support records of the large ward's plan")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite bench/RESULTS.md")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    _prepare_settings()
    generation = time.perf_counter()
    large = ensure_households("BENCH-L", args.households, seed=1)
    small = ensure_households("BENCH-S", args.small, seed=2, province="041")
    review_large = reviews.review_ward("BENCH-R", args.review_households)
    review_small = reviews.review_ward("BENCH-RS", 100, seed=4, province="043")
    for bench in (review_large, review_small):
        reviews.posted_campaign(bench)
    program.program_plan(large, args.support)
    program.program_plan(small, 500, seed=8)
    print(f"data ready: {args.households:,} + {args.small:,} households ({time.perf_counter() - generation:.0f} s)")

    figures = []
    for step in (
        lambda: measure.measure_page("api", large=large, small=small, repeat=args.repeat),
        lambda: measure.measure_page("api", large=large, small=small, repeat=args.repeat, word=measure.SEARCH_WORD),
        lambda: measure.measure_page("html", large=large, small=small, repeat=args.repeat),
        lambda: measure.measure_page("html", large=large, small=small, repeat=args.repeat, word=measure.SEARCH_WORD),
        lambda: measure.measure_export(large=large, repeat=args.slow_repeat),
        lambda: measure.measure_import(count=args.import_households, repeat=args.slow_repeat),
        lambda: documents.measure_pdf_list(ward=small, repeat=1),
        lambda: documents.measure_excel_job(large=large, repeat=args.slow_repeat),
        lambda: documents.measure_pdf_memory(large=large, rows=args.pdf_memory_rows),
        lambda: documents.measure_plan_pdf(ward=small, repeat=args.slow_repeat),
        lambda: reviews.measure_board(large=review_large, small=review_small, repeat=args.repeat),
        lambda: reviews.measure_decision(large=review_large),
        lambda: program.measure_bulk_support(large=large),
        lambda: program.measure_program_page("budgets", large=large, small=small, repeat=args.repeat),
        lambda: program.measure_program_page("indicators", large=large, small=small, repeat=args.repeat),
        lambda: reports.measure_progress(ward=review_large, small=review_small, repeat=args.slow_repeat),
        lambda: reports.measure_results_tables(ward=review_large, repeat=args.slow_repeat),
    ):
        figure = step()
        print(f"  {figure.name}: {figure.ratio or 'not available'} {' '.join(figure.notes)}", flush=True)
        figures.append(figure)

    report = table(figures)
    print()
    print(report)
    if not args.no_write:
        facts = "\n".join(f"- {k}: {v}" for k, v in machine().items())
        # `make loadtest` and `make million` keep their own sections below.
        kept = sections(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else ""
        RESULTS.write_text(
            "# Benchmark results (`make bench`)\n\n"
            f"Run on {datetime.now():%Y-%m-%d %H:%M}, {args.households:,} households "
            f"(query counts compared with a ward of {args.small:,}), import of {args.import_households:,} "
            f"households; medians of {args.repeat} page runs and {args.slow_repeat} export/import runs; "
            f"whole run {time.perf_counter() - started:.0f} s.\n\n"
            f"## Machine\n\n{facts}\n\n## Figures\n\n{report}\n" + (f"\n{kept}\n" if kept else ""),
            encoding="utf-8",
        )
        print(f"\nwritten to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 0 if all(f.met for f in figures) else 1
