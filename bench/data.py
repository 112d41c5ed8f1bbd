"""Bench data: wards of generated households and members, written in bulk.

PostgreSQL gets COPY (100,000 households and 350,000 members in well under a
minute); other databases bulk_create, for the smoke test. Names come from the
demo's lists, so searches hit realistic word frequencies. A ward already
holding the requested number of households is reused as it is.
"""

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from households.demo import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, STREETS
from households.models import AreaType, Household, Khoi, Member, UpperUnit, Ward
from households.rules import Gender, Status
from households.text import collation_key, fold
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role

MEMBERS_PER_HOUSEHOLD = 3.5
STATUSES = [Status.POOR] * 20 + [Status.NEAR_POOR] * 15 + [Status.AVERAGE] * 25 + [Status.NOT_POOR] * 40
HOUSEHOLD_COLUMNS = (
    "ward_id",
    "khoi_id",
    "code",
    "head_name",
    "address",
    "status",
    "status_since",
    "escaped_poverty_on",
    "ethnic_minority",
    "has_merit_person",
    "version",
    "search_text",
    "name_key",
    "created_at",
    "updated_at",
)
MEMBER_COLUMNS = (
    "household_id",
    "full_name",
    "birth_date",
    "gender",
    "relation",
    "id_number",
    "ethnicity",
    "is_disabled",
    "has_merit",
    "position",
)


@dataclass
class BenchWard:
    ward: Ward
    khois: list[Khoi]
    officer: User
    households: int


class IdNumbers:
    """Unique CCCD numbers agreeing with birth year and gender, from a province code.

    `start` is the first serial: wards generated one by one under the same
    province code take disjoint ranges of serials.
    """

    def __init__(self, province: str, start: int = 0):
        self.province = province
        self.start = start
        self.next: dict[str, int] = {}

    def __call__(self, birth_year: int, gender: str) -> str:
        prefix = f"{self.province}{(0 if birth_year < 2000 else 2) + (gender == Gender.FEMALE)}{birth_year % 100:02d}"
        serial = self.next.get(prefix, self.start)
        self.next[prefix] = serial + 1
        return f"{prefix}{serial:06d}"


def _name(rng, gender, family=None):
    return f"{family or rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES[gender])} {rng.choice(GIVEN_NAMES[gender])}"


def generate_rows(count: int, *, seed: int, khoi_names: list[str], code_prefix: str, id_numbers: IdNumbers):
    """Plain rows: (household dict, [member dicts]) for `count` households, spread evenly over the khối."""
    rng = random.Random(seed)
    today = timezone.localdate()
    total_members = round(count * MEMBERS_PER_HOUSEHOLD)
    for number in range(1, count + 1):
        # 2 to 5 members, averaging exactly MEMBERS_PER_HOUSEHOLD over the whole set.
        size = total_members * number // count - total_members * (number - 1) // count
        status = STATUSES[rng.randrange(len(STATUSES))]
        head_gender = Gender.FEMALE if rng.random() < 0.3 else Gender.MALE
        head = _name(rng, head_gender)
        escaped = None
        if status != Status.POOR and rng.random() < 0.3:
            escaped = today - timedelta(days=rng.randint(10, 2000))
        since = escaped or date(rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28))
        khoi_index = (number - 1) * len(khoi_names) // count
        household = {
            "khoi": khoi_names[khoi_index],
            "code": f"{code_prefix}{number:06d}",
            "head_name": head,
            "address": f"Số {rng.randint(1, 300)}, ngõ {rng.randint(1, 60)}, đường {rng.choice(STREETS)}, "
            f"{khoi_names[khoi_index].lower()}",
            "status": status,
            "status_since": since,
            "escaped_poverty_on": escaped,
            "ethnic_minority": rng.random() < 0.04,
            "has_merit_person": rng.random() < 0.06,
        }
        head_year = rng.randint(1950, 1995)
        members = []
        for position in range(1, size + 1):
            gender = head_gender if position == 1 else rng.choice([Gender.MALE, Gender.FEMALE])
            year = head_year if position <= 2 else min(head_year + rng.randint(20, 40), today.year - 1)
            born = date(year, rng.randint(1, 12), rng.randint(1, 28))
            members.append(
                {
                    "full_name": head if position == 1 else _name(rng, gender, head.split(" ")[0]),
                    "birth_date": born,
                    "gender": gender,
                    "relation": "Chủ hộ" if position == 1 else ("Vợ" if position == 2 else "Con"),
                    "id_number": id_numbers(year, gender) if today.year - year >= 14 else "",
                    "ethnicity": "Kinh",
                    "is_disabled": rng.random() < 0.05,
                    "has_merit": False,
                    "position": position,
                }
            )
        yield household, members


def _upper_unit():
    unit, _ = UpperUnit.objects.get_or_create(code="BENCH", defaults={"name": "Đơn vị đo hiệu năng"})
    return unit


def bench_ward(code: str, *, khoi_count: int, upper_unit: UpperUnit | None = None) -> BenchWard:
    """The ward, its khối and its officer (created when missing); households not included."""
    ward, _ = Ward.objects.get_or_create(
        code=code,
        defaults={"name": f"Phường đo {code}", "area_type": AreaType.URBAN, "upper_unit": upper_unit or _upper_unit()},
    )
    khois = [
        Khoi.objects.get_or_create(ward=ward, name=f"Khối {n}", defaults={"position": n})[0]
        for n in range(1, khoi_count + 1)
    ]
    officer, made = User.objects.get_or_create(
        username=f"bench_{code.lower()}", defaults={"role": Role.WARD_OFFICER, "ward": ward, "first_name": "Đo"}
    )
    if made:
        officer.set_unusable_password()
        officer.save()
    return BenchWard(ward, khois, officer, Household.objects.filter(ward=ward).count())


def ensure_households(
    code: str,
    count: int,
    *,
    khoi_count: int = 10,
    seed: int = 1,
    province: str = "040",
    id_numbers: IdNumbers | None = None,
    analyze: bool = True,
    upper_unit: UpperUnit | None = None,
):
    """A ward holding exactly `count` generated households (regenerated when the count differs).

    Wards generated together share `id_numbers`, so that ID numbers stay unique
    across them; `analyze=False` leaves the statistics to the caller (many wards).
    """
    bench = bench_ward(code, khoi_count=khoi_count, upper_unit=upper_unit)
    if bench.households == count and _members_match(bench.ward, count):
        return bench
    with transaction.atomic():
        Member.objects.filter(household__ward=bench.ward).delete()
        Household.objects.filter(ward=bench.ward).delete()
        khoi_ids = {k.name: k.pk for k in bench.khois}
        rows = generate_rows(
            count,
            seed=seed,
            khoi_names=list(khoi_ids),
            code_prefix=f"{code}-",
            id_numbers=id_numbers or IdNumbers(province),
        )
        if connection.vendor == "postgresql":
            _copy(bench.ward, khoi_ids, rows)
        else:
            _bulk_create(bench.ward, khoi_ids, rows)
    if connection.vendor == "postgresql" and analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE households_household")
            cursor.execute("ANALYZE households_member")
    bench.households = count
    return bench


def _members_match(ward, count) -> bool:
    return Member.objects.filter(household__ward=ward).count() == round(count * MEMBERS_PER_HOUSEHOLD)


def _household_values(ward, khoi_ids, household, now):
    folded = fold(f"{household['code']} {household['head_name']} {household['address']}")
    return {
        **{k: v for k, v in household.items() if k != "khoi"},
        "ward_id": ward.pk,
        "khoi_id": khoi_ids[household["khoi"]],
        "version": 1,
        "search_text": folded,
        "name_key": collation_key(household["head_name"]),
        "created_at": now,
        "updated_at": now,
    }


def _copy(ward, khoi_ids, rows) -> None:
    """COPY households, read back their ids by code, then COPY members."""
    now = timezone.now()
    households, members_by_code = io.StringIO(), {}
    writer = csv.writer(households)
    for household, members in rows:
        values = _household_values(ward, khoi_ids, household, now)
        writer.writerow(["" if values[c] is None else values[c] for c in HOUSEHOLD_COLUMNS])
        members_by_code[household["code"]] = members
    households.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.copy_expert(
            f"COPY households_household ({', '.join(HOUSEHOLD_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '')",
            households,
        )
        cursor.execute("SELECT code, id FROM households_household WHERE ward_id = %s", [ward.pk])
        ids = dict(cursor.fetchall())
        members = io.StringIO()
        writer = csv.writer(members)
        for code, rows_of in members_by_code.items():
            for member in rows_of:
                values = {**member, "household_id": ids[code]}
                # Empty strings must stay empty strings (NOT NULL columns): quote them.
                writer.writerow(["" if values[c] is None else values[c] for c in MEMBER_COLUMNS])
        members.seek(0)
        raw.copy_expert(
            f"COPY households_member ({', '.join(MEMBER_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            members,
        )


def _bulk_create(ward, khoi_ids, rows) -> None:
    now = timezone.now()
    pending = list(rows)
    households = Household.objects.bulk_create(
        [Household(**_household_values(ward, khoi_ids, h, now)) for h, _m in pending], batch_size=1000
    )
    Member.objects.bulk_create(
        [Member(household=h, **m) for h, (_h, members) in zip(households, pending, strict=True) for m in members],
        batch_size=2000,
    )
