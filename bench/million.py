"""`make million`: a province-sized registry and what its pages cost (issue 12, "A million households").

python -m bench.million [--wards 300] [--households 1000000] [--repeat 7]

Database `hb_million` (DATABASE_URL overrides), created and filled on the first
run, reused after: 1,000,000 households and 3,500,000 members over 300 wards
under 10 upper-level units (30 wards each, like the districts of a province),
with a recognised review of last year's periodic campaign for a quarter of the
poor and near-poor households and the khối's population figures (added to a
database generated before they were, at the next run), so that the
deprivation, cause and rate tables have rows.
Generation goes ward by ward with COPY (bench/data.py), so a run that was
stopped resumes where it stopped. Then it measures, with a ward officer and an
upper-level user: the household list (first page, and a search), a household's
page, the dashboard of a ward and of the upper level, and each app's
consolidated tables when they exist; each figure is a median time, its query
count, and the query plan (EXPLAIN ANALYZE) of its slowest query, written into
bench/RESULTS.md. docs/scaling.md reads these figures.
"""

import argparse
import os
import sys
import time
from datetime import datetime

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hb_million"
UNITS = 10
KHOI_PER_WARD = 12


def generate(wards: int, households: int) -> list:
    """Units, wards and khối (created when missing), then their households (bench/million_data.py).

    Returns (upper unit, [(ward, [khối ids])]) pairs.
    """
    from django.utils import timezone

    from bench.million_data import fill, fill_population, fill_reviews
    from households.models import AreaType, Khoi, UpperUnit, Ward

    units = min(UNITS, wards)  # a tiny run (--wards 6) still has wards under every unit
    per_unit = wards // units
    plan = []
    started = time.perf_counter()
    for u in range(units):
        unit, _ = UpperUnit.objects.get_or_create(code=f"M{u:02d}", defaults={"name": f"Đơn vị cấp trên M{u:02d}"})
        unit_wards = []
        for w in range(per_unit):
            code = f"M{u:02d}-{w:03d}"
            ward, made = Ward.objects.get_or_create(
                code=code, defaults={"name": f"Phường {code}", "area_type": AreaType.URBAN, "upper_unit": unit}
            )
            if made:
                Khoi.objects.bulk_create(
                    [Khoi(ward=ward, name=f"Khối {n}", position=n) for n in range(1, KHOI_PER_WARD + 1)]
                )
            khoi_ids = list(Khoi.objects.filter(ward=ward).order_by("position").values_list("pk", flat=True))
            unit_wards.append((ward, khoi_ids))
        plan.append((unit, unit_wards))
    fill(plan, households=households, wards=units * per_unit)
    # The periodic review of last year sets this year's classes: the year the result tables are measured for.
    fill_reviews(plan, year=timezone.localdate().year - 1)
    fill_population(year=timezone.localdate().year)
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return plan


def upper_user(unit):
    from hungbinh.accounts.models import User
    from hungbinh.accounts.roles import Role

    user, made = User.objects.get_or_create(
        username=f"bench_{unit.code.lower()}", defaults={"role": Role.UPPER_LEVEL, "upper_unit": unit}
    )
    if made:
        user.set_unusable_password()
        user.save()
    return user


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.million")
    parser.add_argument("--wards", type=int, default=300)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7, help="runs of each page (median)")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite bench/RESULTS.md")
    args = parser.parse_args(argv)

    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hungbinh.settings")
    from bench.database import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from bench.million_measure import measure_all, report
    from bench.results import write_section
    from bench.run import _prepare_settings

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    _prepare_settings()
    plan = generate(args.wards, args.households)
    generated = time.perf_counter() - started
    print(f"data ready in {generated:.0f} s", flush=True)
    if args.generate_only:
        return 0
    from bench.data import bench_ward

    unit, unit_wards = plan[0]
    figures = measure_all(
        ward=bench_ward(unit_wards[0][0].code, khoi_count=KHOI_PER_WARD),
        upper=upper_user(unit),
        repeat=args.repeat,
        wards=args.wards,
        wards_per_unit=len(unit_wards),
    )
    text = report(
        figures,
        header=f"Run on {datetime.now():%Y-%m-%d %H:%M}: {args.households:,} households over {args.wards} wards "
        f"under {len(plan)} upper-level units; medians of {args.repeat} runs; whole run "
        f"{time.perf_counter() - started:.0f} s (of which data generation or check {generated:.0f} s); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end (other work shares them).",
    )
    print(text)
    if not args.no_write:
        write_section("million", "A million households (`make million`)", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
