"""A million generated households, made inside PostgreSQL (`make million`).

bench/data.py writes each row from Python, which takes most of an hour for a
million households on a shared 2-core machine. Here Python only prepares
pools (names with their search and collation keys computed by the app's own
functions in households/text.py, streets) and PostgreSQL expands them with
generate_series, one upper-level unit per statement: the same kind of data
(20% poor, 15% near-poor, 25% average, 40% not poor, 30% of the non-poor
escaped at some date, 2 to 5 members, ID numbers agreeing with birth year and
gender, unique) in a few minutes. The database server's process is reniced to
the lowest priority while it works.
"""

import random
import subprocess

from django.db import connection, transaction
from psycopg2.extras import execute_values

from households.demo import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, STREETS
from households.text import collation_key, fold

POOL = 20_000


def _renice_backend() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    # Works when the database runs on this machine and we may renice it; harmless otherwise.
    subprocess.run(["renice", "-n", "19", "-p", str(pid)], capture_output=True, check=False)


def _pools(cursor) -> None:
    rng = random.Random(42)
    names = []
    for i in range(POOL):
        gender = "female" if rng.random() < 0.3 else "male"
        name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES[gender])} {rng.choice(GIVEN_NAMES[gender])}"
        names.append((i, gender, name, collation_key(name), fold(name)))
    cursor.execute(
        "CREATE TEMP TABLE bench_names (i int PRIMARY KEY, gender text, name text, name_key text, folded text)"
    )
    execute_values(cursor.cursor, "INSERT INTO bench_names VALUES %s", names, page_size=5000)
    cursor.execute("CREATE TEMP TABLE bench_genders AS SELECT DISTINCT ON (name) name, gender FROM bench_names")
    cursor.execute("CREATE INDEX ON bench_genders (name)")
    cursor.execute("CREATE TEMP TABLE bench_streets (i int PRIMARY KEY, street text, folded text)")
    cursor.executemany(
        "INSERT INTO bench_streets VALUES (%s, %s, %s)", [(i, s, fold(s)) for i, s in enumerate(STREETS)]
    )
    cursor.execute("ANALYZE bench_names; ANALYZE bench_genders; ANALYZE bench_streets")


HOUSEHOLDS_SQL = """
INSERT INTO households_household (ward_id, khoi_id, code, head_name, address, status, status_since,
    escaped_poverty_on, ethnic_minority, has_merit_person, version, search_text, name_key, created_at, updated_at)
SELECT ward_id, khoi_id, code, nm.name, address, status, COALESCE(escaped, since), escaped,
       r4 < 0.04, r5 < 0.06, 1,
       lower(code) || ' ' || nm.folded || ' ' || address_folded, nm.name_key, now(), now()
FROM (
    SELECT w.ward_id, w.khoi_ids[1 + (g.n - 1) * array_length(w.khoi_ids, 1) / w.households] AS khoi_id,
           w.code || '-' || lpad(g.n::text, 6, '0') AS code,
           'Số ' || house || ', ngõ ' || lane || ', đường ' || st.street || ', khối '
               || (1 + (g.n - 1) * array_length(w.khoi_ids, 1) / w.households) AS address,
           'so ' || house || ', ngo ' || lane || ', duong ' || st.folded || ', khoi '
               || (1 + (g.n - 1) * array_length(w.khoi_ids, 1) / w.households) AS address_folded,
           CASE WHEN r1 < 0.20 THEN 'poor' WHEN r1 < 0.35 THEN 'near_poor' WHEN r1 < 0.60 THEN 'average'
                ELSE 'not_poor' END AS status,
           CASE WHEN r1 >= 0.20 AND r2 < 0.30 THEN current_date - (10 + floor(r3 * 1990))::int END AS escaped,
           make_date(2019 + floor(r3 * 6)::int, 1 + floor(r2 * 12)::int, 1 + floor(r4 * 28)::int) AS since,
           name_index, r4, r5
    FROM bench_wards w
    CROSS JOIN LATERAL generate_series(1, w.households) AS g(n)
    CROSS JOIN LATERAL (
        SELECT random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
               floor(random() * {pool})::int AS name_index, floor(random() * {streets})::int AS street_index,
               1 + floor(random() * 300)::int AS house, 1 + floor(random() * 60)::int AS lane,
               g.n AS seed_row
    ) AS r
    JOIN bench_streets st ON st.i = r.street_index
    WHERE w.unit = %s
) AS rows
JOIN bench_names nm ON nm.i = rows.name_index
"""

MEMBERS_SQL = """
INSERT INTO households_member (household_id, full_name, birth_date, gender, relation, id_number, ethnicity,
    is_disabled, has_merit, position)
SELECT id, full_name, birth, gender, relation,
       CASE WHEN extract(year FROM birth) <= extract(year FROM current_date) - 14 THEN
           province
           || ((CASE WHEN extract(year FROM birth) < 2000 THEN 0 ELSE 2 END) + (gender = 'female')::int)::text
           || lpad((extract(year FROM birth)::int %% 100)::text, 2, '0')
           || lpad((row_number() OVER (ORDER BY id, position) %% 1000000)::text, 6, '0')
       ELSE '' END,
       'Kinh', random() < 0.05, false, position
FROM (
    SELECT h.id, p.position, w.province,
           CASE WHEN p.position = 1 THEN h.head_name
                ELSE split_part(h.head_name, ' ', 1) || substr(nm.name, length(split_part(nm.name, ' ', 1)) + 1)
           END AS full_name,
           CASE WHEN p.position = 1 THEN COALESCE(hg.gender, 'male') ELSE nm.gender END AS gender,
           CASE WHEN p.position = 1 THEN 'Chủ hộ' WHEN p.position = 2 THEN 'Vợ/Chồng' ELSE 'Con' END AS relation,
           make_date(
               CASE WHEN p.position <= 2 THEN h.head_year
                    ELSE least(h.head_year + 20 + floor(random() * 21)::int,
                               extract(year FROM current_date)::int - 1) END,
               1 + floor(random() * 12)::int, 1 + floor(random() * 28)::int) AS birth
    FROM (
        SELECT h.id, h.ward_id, h.head_name, 1950 + floor(random() * 46)::int AS head_year
        FROM households_household h JOIN bench_wards w ON w.ward_id = h.ward_id
        WHERE w.unit = %s
        OFFSET 0
    ) AS h
    JOIN bench_wards w ON w.ward_id = h.ward_id
    LEFT JOIN bench_genders hg ON hg.name = h.head_name
    CROSS JOIN LATERAL generate_series(1, 2 + (h.id %% 4)::int) AS p(position)
    LEFT JOIN bench_names nm ON nm.i = (h.id * 7 + p.position * 7919) %% {pool}
) AS members
"""


def fill(plan: list[tuple[object, list]], *, households: int, wards: int, progress=print) -> None:
    """Insert the households and members of every unit whose wards are still empty."""
    from households.models import Household

    _renice_backend()
    with connection.cursor() as cursor:
        # The temporary tables of an earlier run in the same session (a test generates twice).
        cursor.execute("DROP TABLE IF EXISTS bench_names, bench_genders, bench_streets, bench_wards")
        cursor.execute("SELECT setseed(0.42)")
        _pools(cursor)
        cursor.execute(
            "CREATE TEMP TABLE bench_wards (unit int, ward_id bigint, code text, province text,"
            " households int, khoi_ids bigint[])"
        )
        index = 0
        for u, (_unit, unit_wards) in enumerate(plan):
            for ward, khoi_ids in unit_wards:
                count = households * (index + 1) // wards - households * index // wards
                cursor.execute(
                    "INSERT INTO bench_wards VALUES (%s, %s, %s, %s, %s, %s)",
                    [u, ward.pk, ward.code, f"{40 + u:03d}", count, khoi_ids],
                )
                index += 1
        cursor.execute("ANALYZE bench_wards")
    for u, (unit, unit_wards) in enumerate(plan):
        ward_ids = [ward.pk for ward, _khoi in unit_wards]
        if Household.objects.filter(ward_id__in=ward_ids).exists():
            progress(f"  unit {unit.code}: already filled")
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(HOUSEHOLDS_SQL.format(pool=POOL, streets=len(STREETS)), [u])
            made = cursor.rowcount
            cursor.execute(MEMBERS_SQL.format(pool=POOL), [u])
            progress(f"  unit {unit.code}: {made:,} households, {cursor.rowcount:,} members", flush=True)
    with connection.cursor() as cursor:
        for table in ("households_household", "households_member"):
            cursor.execute(f"VACUUM ANALYZE {table}")


# Recognised reviews for the deprivation and cause tables (reports/analysis.py): a quarter of the poor and
# near-poor households of each ward, in the ward's periodic review of `year` (it sets the classes of the next
# year), each with about three of the standard's indicators and one or two causes, picked from the household's
# id so that reruns give the same rows.
REVIEWS_SQL = """
INSERT INTO reviews_review (campaign_id, decision_id, household_id, khoi_id, source, from_status, state,
    phieu_a_passed, deprivations, causes, cause_other, proposed_status, score_b, comment, refusal_reason,
    closed_on, version, updated_at)
SELECT w.campaign_id, w.decision_id, h.id, h.khoi_id, 'listed', h.status, 'recognised', false,
       COALESCE((SELECT jsonb_agg(i.code ORDER BY i.ord) FROM bench_indicators i
                 WHERE (h.id * 7 + i.ord * 13) %% 10 < 3), '[]'::jsonb),
       COALESCE((SELECT jsonb_agg(c.code ORDER BY c.ord) FROM bench_causes c
                 WHERE (h.id * 11 + c.ord * 5) %% 7 < 2), '["capital"]'::jsonb),
       '', h.status, 0, '', '', w.signed_on, 1, now()
FROM households_household h
JOIN bench_review_wards w ON w.ward_id = h.ward_id
WHERE w.unit = %s AND h.status IN ('poor', 'near_poor') AND h.id %% 4 = 0
"""


def fill_reviews(plan: list[tuple[object, list]], *, year: int, progress=print) -> None:
    """A periodic review of `year` with its recognition decision in every ward, and its recognised reviews."""
    from datetime import date

    from reviews.models import Campaign, CampaignKind, Cause, Decision, Review, Standard

    standard = Standard.objects.filter(year_from__lte=year + 1, year_to__gte=year + 1).first()
    if standard is None:
        progress(f"  no poverty standard for {year + 1}: no reviews generated")
        return
    signed_on = date(year, 12, 20)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_indicators, bench_causes, bench_review_wards")
        cursor.execute("CREATE TEMP TABLE bench_indicators (ord int, code text)")
        cursor.executemany(
            "INSERT INTO bench_indicators VALUES (%s, %s)",
            list(enumerate(standard.indicators.order_by("order").values_list("code", flat=True))),
        )
        cursor.execute("CREATE TEMP TABLE bench_causes (ord int, code text)")
        cursor.executemany(
            "INSERT INTO bench_causes VALUES (%s, %s)", list(enumerate(c for c in Cause.values if c != Cause.OTHER))
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_review_wards (unit int, ward_id bigint, campaign_id bigint,"
            " decision_id bigint, signed_on date)"
        )
    for u, (unit, unit_wards) in enumerate(plan):
        ward_ids = [ward.pk for ward, _khoi in unit_wards]
        if Review.objects.filter(campaign__ward_id__in=ward_ids, campaign__year=year).exists():
            progress(f"  unit {unit.code}: reviews already made")
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            for ward, _khoi in unit_wards:
                campaign, _ = Campaign.objects.get_or_create(
                    ward=ward,
                    kind=CampaignKind.PERIODIC,
                    year=year,
                    defaults={"starts_on": date(year, 9, 1), "ends_on": date(year, 12, 15), "standard": standard},
                )
                decision, _ = Decision.objects.get_or_create(
                    ward=ward,
                    number=f"{ward.pk}/QĐ-UBND-{year}",
                    defaults={"campaign": campaign, "signed_on": signed_on},
                )
                cursor.execute(
                    "INSERT INTO bench_review_wards VALUES (%s, %s, %s, %s, %s)",
                    [u, ward.pk, campaign.pk, decision.pk, signed_on],
                )
            cursor.execute(REVIEWS_SQL, [u])
            progress(f"  unit {unit.code}: {cursor.rowcount:,} recognised reviews", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reviews_review")


# The ward's yearly totals of households and persons per khối (reports.KhoiPopulation), which the rates of the
# result tables divide by: the registry's households of the khối and a tenth more (households the program does
# not follow), about 3.6 persons each, for the last five years and this one. Existing figures are kept.
POPULATION_SQL = """
INSERT INTO reports_khoipopulation (khoi_id, year, households, persons, updated_at)
SELECT h.khoi_id, y.year, count(*) * 11 / 10, count(*) * 4, now()
FROM households_household h
JOIN households_khoi k ON k.id = h.khoi_id
JOIN households_ward w ON w.id = k.ward_id
CROSS JOIN generate_series(%s, %s) AS y(year)
WHERE w.code LIKE 'M%%'
GROUP BY h.khoi_id, y.year
ON CONFLICT (khoi_id, year) DO NOTHING
"""


def fill_population(*, year: int, progress=print) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(POPULATION_SQL, [year - 5, year])
        if cursor.rowcount:
            progress(f"  population figures of {cursor.rowcount:,} khối-years", flush=True)
