"""Run every measurement in one go, print the table and keep it in bench/RESULTS.md."""

import argparse
import os
import platform
import time
from datetime import datetime
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from . import documents, measure, program, reports, reviews
from .consolidated_data import consolidated_unit
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


# The parts of the bench, in the order of the figures table, and how their rows are named: `--only`
# re-measures some of them and replaces just their rows in bench/RESULTS.md.
PARTS = {
    "pages": ("(a) ", "(b) "),
    "export": ("(c) ",),
    "import": ("(d) ",),
    "documents": ("(e) ", "(f) ", "(g) ", "(h) "),
    "reviews": ("Reviews: ",),
    "program": ("Program: ",),
    "reports": ("Reports: ",),
}


def part_of(name: str) -> str | None:
    """The part a figure (or a note about it) belongs to, by the prefix of its name."""
    return next((part for part, prefixes in PARTS.items() if name.startswith(prefixes)), None)


class BenchData:
    """The data every part needs, generated (or found) on first use, so a part run alone makes only its own."""

    def __init__(self, args):
        self.args = args

    @cached_property
    def large(self):
        return ensure_households("BENCH-L", self.args.households, seed=1)

    @cached_property
    def small(self):
        return ensure_households("BENCH-S", self.args.small, seed=2, province="041")

    @cached_property
    def review_wards(self):
        review_large = reviews.review_ward("BENCH-R", self.args.review_households)
        review_small = reviews.review_ward("BENCH-RS", 100, seed=4, province="043")
        for bench in (review_large, review_small):
            reviews.posted_campaign(bench)
        return review_large, review_small

    @cached_property
    def plans(self):
        program.program_plan(self.large, self.args.support)
        program.program_plan(self.small, 500, seed=8)
        return self.large, self.small

    @cached_property
    def units(self):
        """The upper-level units of the consolidated tables: small (3 × 100) and large (30 × 5,000 by default)."""
        small = consolidated_unit("BENCH-TH3", wards=3, households=100, province="047")
        large = consolidated_unit(
            "BENCH-TH", wards=self.args.consolidated_wards, households=self.args.consolidated_households, province="046"
        )
        return large, small


def steps(d: BenchData, args):
    """(part, measurement) in the order of the table; each measurement asks `d` for the data it needs."""
    yield "pages", lambda: measure.measure_page("api", large=d.large, small=d.small, repeat=args.repeat)
    yield (
        "pages",
        lambda: measure.measure_page("api", large=d.large, small=d.small, repeat=args.repeat, word=measure.SEARCH_WORD),
    )
    yield "pages", lambda: measure.measure_page("html", large=d.large, small=d.small, repeat=args.repeat)
    yield (
        "pages",
        lambda: measure.measure_page(
            "html", large=d.large, small=d.small, repeat=args.repeat, word=measure.SEARCH_WORD
        ),
    )
    yield "export", lambda: measure.measure_export(large=d.large, repeat=args.slow_repeat)
    yield "import", lambda: measure.measure_import(count=args.import_households, repeat=args.slow_repeat)
    yield "documents", lambda: documents.measure_pdf_list(ward=d.small, repeat=1)
    yield "documents", lambda: documents.measure_excel_job(large=d.large, repeat=args.slow_repeat)
    yield "documents", lambda: documents.measure_pdf_memory(large=d.large, rows=args.pdf_memory_rows)
    yield "documents", lambda: documents.measure_plan_pdf(ward=d.small, repeat=args.slow_repeat)
    yield "reviews", lambda: reviews.measure_board(large=d.review_wards[0], small=d.review_wards[1], repeat=args.repeat)
    yield "reviews", lambda: reviews.measure_decision(large=d.review_wards[0])
    yield "program", lambda: program.measure_bulk_support(large=d.plans[0])
    for page in ("budgets", "indicators"):
        yield (
            "program",
            lambda page=page: program.measure_program_page(
                page, large=d.plans[0], small=d.plans[1], repeat=args.repeat
            ),
        )
    yield (
        "reports",
        lambda: reports.measure_progress(ward=d.review_wards[0], small=d.review_wards[1], repeat=args.slow_repeat),
    )
    yield "reports", lambda: reports.measure_results_tables(ward=d.review_wards[0], repeat=args.slow_repeat)
    for name, build, raw in reports.consolidated_tables():
        yield (
            "reports",
            lambda name=name, build=build, raw=raw: reports.measure_consolidated_table(
                name, build, raw, large=d.units[0], small=d.units[1], repeat=args.slow_repeat
            ),
        )
    for extension in ("pdf", "xlsx"):
        yield (
            "reports",
            lambda extension=extension: reports.measure_consolidated_document(
                extension, large=d.units[0], small=d.units[1], repeat=args.slow_repeat
            ),
        )


def parse_args(argv):
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
    parser.add_argument("--consolidated-wards", type=int, default=30, help="wards of the consolidated tables' unit")
    parser.add_argument("--consolidated-households", type=int, default=5_000, help="households of each of its wards")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(PARTS),
        help="measure only this part (repeatable); its rows replace the same part's rows in bench/RESULTS.md",
    )
    parser.add_argument("--no-write", action="store_true", help="do not rewrite bench/RESULTS.md")
    return parser.parse_args(argv)


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    _prepare_settings()
    data = BenchData(args)
    figures = []
    for part, step in steps(data, args):
        if args.only and part not in args.only:
            continue
        figure = step()
        print(f"  {figure.name}: {figure.ratio or 'not available'} {' '.join(figure.notes)}", flush=True)
        figures.append(figure)

    report = table(figures)
    print()
    print(report)
    print(f"\nload average: {_load()}")
    if not args.no_write:
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        if args.only:
            when = f"{datetime.now():%Y-%m-%d %H:%M}, {time.perf_counter() - started:.0f} s, load average {_load()}"
            RESULTS.write_text(merge_parts(text, figures, args.only, when), encoding="utf-8")
        else:
            RESULTS.write_text(whole_run(text, args, report, time.perf_counter() - started), encoding="utf-8")
        print(f"\nwritten to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 0 if all(f.met for f in figures) else 1


def whole_run(text: str, args, report: str, seconds: float) -> str:
    facts = "\n".join(f"- {k}: {v}" for k, v in machine().items())
    # `make loadtest` and `make million` keep their own sections below.
    kept = sections(text)
    return (
        "# Benchmark results (`make bench`)\n\n"
        f"Run on {datetime.now():%Y-%m-%d %H:%M}, {args.households:,} households "
        f"(query counts compared with a ward of {args.small:,}), import of {args.import_households:,} "
        f"households; medians of {args.repeat} page runs and {args.slow_repeat} export/import runs; "
        f"whole run {seconds:.0f} s; load average at the end {_load()}.\n\n"
        f"## Machine\n\n{facts}\n\n## Figures\n\n{report}\n" + (f"\n{kept}\n" if kept else "")
    )


FIGURES = "## Figures\n\n"
RERUN = "Re-measured alone: "


def merge_parts(text: str, figures, parts: list[str], when: str) -> str:
    """`text` with the rows and notes of `parts` replaced by `figures`; every other row, note and section kept.

    The rows stay in the order of PARTS; a line under the run's heading says which parts were measured
    again, when, and under what load.
    """
    if FIGURES not in text:
        return text.rstrip("\n") + f"\n\n{FIGURES}{table(figures)}\n"
    head, rest = text.split(FIGURES, 1)
    marker = rest.find("<!-- section:")
    body, tail = (rest[:marker], rest[marker:]) if marker >= 0 else (rest, "")
    lines = body.strip("\n").splitlines()
    rows = [line for line in lines[2:] if line.startswith("| ")]
    notes = [line for line in lines if line.startswith("- ")]
    new_rows, new_notes = (table(figures).split("\n\n", 1) + [""])[:2]
    new_rows = new_rows.splitlines()[2:]
    kept_rows = [r for r in rows if part_of(r[2:]) not in parts]
    kept_notes = [n for n in notes if part_of(n[2:]) not in parts]
    order = list(PARTS)

    def position(line: str, prefix: int) -> int:
        part = part_of(line[prefix:])
        return order.index(part) if part else (-1 if line.startswith("- ") else len(order))

    merged_rows = sorted(kept_rows + new_rows, key=lambda r: position(r, 2))  # sorted() is stable
    merged_notes = sorted(kept_notes + new_notes.splitlines(), key=lambda n: position(n, 2))
    figures_text = "\n".join(lines[:2] + merged_rows + ([""] + merged_notes if merged_notes else []))
    head_lines = head.rstrip("\n").split("\n")
    for part in parts:
        head_lines = [line for line in head_lines if not line.startswith(f"{RERUN}`{part}`")]
        head_lines.insert(_after_run_line(head_lines), f"{RERUN}`{part}` on {when}.")
    return "\n".join(head_lines) + f"\n\n{FIGURES}{figures_text}\n" + (f"\n{tail}" if tail else "")


def _after_run_line(lines: list[str]) -> int:
    """Where a re-measured line goes: after the run's paragraph (and earlier such lines), before ## Machine."""
    for index, line in enumerate(lines):
        if line.startswith("## "):
            while index > 0 and not lines[index - 1].strip():
                index -= 1
            return index
    return len(lines)
