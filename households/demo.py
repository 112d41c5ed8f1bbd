"""Deterministic demo data: the users and wards the README lists ("Tài khoản mẫu")."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role

from . import rules
from .models import AreaType, Household, Khoi, Member, MemberRemoval, StatusChange, UpperUnit, Ward
from .rules import ChangeReason, Gender, Status
from .services import member_delete, status_change_build
from .vocab import MemberRemovalReason

DEMO_PASSWORD = "hungbinh@2025"

UPPER_UNIT = {"code": "DEMO-VINH", "name": "Phòng Nông nghiệp và Môi trường thành phố Vinh"}
WARDS = [
    # (code, name, number of khối); codes are demo values, not official ones.
    ("DEMO-HB", "Hưng Bình", 15),
    ("DEMO-QT", "Quang Trung", 3),
]


def _ensure_user(username, *, first_name, last_name, position="", **fields):
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, first_name=first_name, last_name=last_name, position=position, **fields)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user, True


def seed_demo(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    created = {"wards": 0, "khoi": 0, "users": 0, "households": 0}
    upper, _ = UpperUnit.objects.get_or_create(code=UPPER_UNIT["code"], defaults={"name": UPPER_UNIT["name"]})
    wards = {}
    for code, name, khoi_count in WARDS:
        ward, made = Ward.objects.get_or_create(
            code=code, defaults={"name": name, "area_type": AreaType.URBAN, "upper_unit": upper}
        )
        created["wards"] += made
        wards[code] = ward
        for n in range(1, khoi_count + 1):
            _, made = Khoi.objects.get_or_create(ward=ward, name=f"Khối {n}", defaults={"position": n})
            created["khoi"] += made

    hb, qt = wards["DEMO-HB"], wards["DEMO-QT"]
    users = [
        (
            "admin",
            {"first_name": "Quản trị", "last_name": "", "role": Role.ADMIN, "is_superuser": True, "is_staff": True},
        ),
        (
            "lanhdao",
            {
                "first_name": "Nhàn",
                "last_name": "Hồ Thị",
                "role": Role.WARD_LEADER,
                "ward": hb,
                "position": "Phó Chủ tịch UBND phường",
            },
        ),
        (
            "canbo",
            {
                "first_name": "Thủy",
                "last_name": "Nguyễn Thị",
                "role": Role.WARD_OFFICER,
                "ward": hb,
                "position": "Công chức Lao động - Thương binh và Xã hội",
            },
        ),
        (
            "khoi1",
            {
                "first_name": "Hùng",
                "last_name": "Trần Văn",
                "role": Role.KHOI_MEMBER,
                "khoi": Khoi.objects.get(ward=hb, name="Khối 1"),
                "position": "Trưởng khối 1",
            },
        ),
        (
            "thanhpho",
            {
                "first_name": "Minh",
                "last_name": "Lê Văn",
                "role": Role.UPPER_LEVEL,
                "upper_unit": upper,
                "position": "Chuyên viên Phòng Nông nghiệp và Môi trường",
            },
        ),
        (
            "canbo_qt",
            {
                "first_name": "Lan",
                "last_name": "Phạm Thị",
                "role": Role.WARD_OFFICER,
                "ward": qt,
                "position": "Công chức Lao động - Thương binh và Xã hội",
            },
        ),
    ]
    for username, fields in users:
        _, made = _ensure_user(username, **fields)
        created["users"] += made
    officers = {u.ward_id: u for u in User.objects.filter(username__in=["canbo", "canbo_qt"])}
    created["households"] += seed_households(
        hb, prefix="HB", count=HB_HOUSEHOLDS, seed=SEED, recorded_by=officers.get(hb.pk), today=today
    )
    created["households"] += seed_households(
        qt, prefix="QT", count=QT_HOUSEHOLDS, seed=SEED + 1, recorded_by=officers.get(qt.pk), today=today
    )
    created["removals"] = seed_member_removals(hb, by=officers.get(hb.pk), today=today)
    from projects.demo import seed_program_demo
    from reports.demo import seed_population_demo
    from reviews.demo import seed_reviews_demo

    # The population figures first: the plan's rate indicators count over the ward's total households.
    populations = seed_population_demo([hb, qt], by=officers, today=today)
    created.update(seed_program_demo(hb=hb, qt=qt, today=today))
    created["populations"] = populations
    created.update(seed_reviews_demo(hb=hb))
    return created


def seed_member_removals(ward, *, by, today) -> int:
    """Two people who left households of Khối 1 (a death, a move), so the household page and the
    reports show members who left with why and when (docs/member-removal.md). Once only."""
    if by is None or MemberRemoval.objects.filter(household__ward=ward).exists():
        return 0
    households = (
        Household.objects.filter(khoi__ward=ward, khoi__name="Khối 1")
        .annotate(size=Count("members"))
        .filter(size__gte=3)
        .order_by("code")[:2]
    )
    # The last member of each of two households of at least three people: every household keeps two.
    leaving = [h.members.order_by("-position").first() for h in households]
    plans = [
        (MemberRemovalReason.DIED, 40, "Giấy chứng tử do UBND phường cấp"),
        (MemberRemovalReason.MOVED_AWAY, 75, "Chuyển vào TP Hồ Chí Minh làm việc"),
    ]
    for member, (reason, days_ago, note) in zip(leaving, plans, strict=False):
        member_delete(by=by, member=member, reason=reason, left_on=today - timedelta(days=days_ago), note=note)
    return len(leaving)


# --- Demo households -------------------------------------------------------------
#
# Generated from a fixed seed, so codes, names, addresses and ID numbers are the
# same on every machine. Dates of the 36-month window are placed relative to the
# day of seeding, so that on that day some households sit exactly on either side
# of their boundary. A household is keyed by ward and code: a second run adds
# nothing and touches nothing.

SEED = 20250530
HB_HOUSEHOLDS = 330
QT_HOUSEHOLDS = 36

FAMILY_NAMES = (
    ["Nguyễn"] * 8
    + ["Trần"] * 3
    + ["Lê"] * 3
    + ["Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Đinh", "Thái", "Cao", "Chu"]
)
MINORITY_FAMILY_NAMES = ["Lương", "Vi", "Lô", "Lữ", "Kha", "Moong", "Xồng"]
MIDDLE_NAMES = {
    "male": ["Văn", "Văn", "Đình", "Đức", "Hữu", "Quang", "Minh", "Xuân", "Công", "Ngọc", "Trọng", "Bá"],
    "female": ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Phương", "Thùy"],
}
# fmt: off
GIVEN_NAMES = {
    "male": [
        "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Hoàng", "Khánh", "Long", "Mạnh", "Nam", "Phong",
        "Quân", "Sơn", "Tâm", "Thắng", "Toàn", "Trung", "Tuấn", "Vinh", "Hiếu", "Lâm", "Thành", "Đạt", "Kiên",
    ],
    "female": [
        "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai", "Nga",
        "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Hiền", "Ngân",
    ],
}
STREETS = [
    "Lê Hồng Phong", "Hồ Tùng Mậu", "Lý Thường Kiệt", "Nguyễn Thị Minh Khai", "Hà Huy Tập", "Trần Phú",
    "Phong Định Cảng", "Văn Đức Giai", "Nguyễn Văn Cừ", "Đinh Công Tráng", "Hecman", "Tuệ Tĩnh",
]
# fmt: on
MINORITY_ETHNICITIES = ["Thái", "Khơ Mú", "Thổ", "Mường", "Ơ Đu"]
PROVINCE_CODE = "040"  # Nghệ An


@dataclass
class DemoHousehold:
    household: Household
    changes: list[StatusChange]  # built by services.status_change_build, recorded_by set when seeding
    members: list[dict]


def id_number(rng: random.Random, used: set[str], *, birth_year: int, gender: str) -> str:
    """A CCCD of Nghệ An agreeing with the birth year and gender (rules.id_number_facts)."""
    coded = (0 if birth_year < 2000 else 2) + (gender == Gender.FEMALE)
    while True:
        number = f"{PROVINCE_CODE}{coded}{birth_year % 100:02d}{rng.randrange(10**6):06d}"
        if number not in used:
            used.add(number)
            return number


def person_name(rng: random.Random, gender: str, family: str | None = None) -> str:
    family = family or rng.choice(FAMILY_NAMES)
    return f"{family} {rng.choice(MIDDLE_NAMES[gender])} {rng.choice(GIVEN_NAMES[gender])}"


def birth(rng: random.Random, year: int, today: date) -> date:
    born = date(year, rng.randint(1, 12), rng.randint(1, 28))
    return min(born, today - timedelta(days=30))


# Statuses in a repeating pattern of 20: 5 poor, 4 near-poor, 4 average, 7 not poor.
STATUS_CYCLE = [Status.POOR] * 5 + [Status.NEAR_POOR] * 4 + [Status.AVERAGE] * 4 + [Status.NOT_POOR] * 7


def _boundary_escapes(today: date) -> dict[int, date]:
    """Escape dates on both sides of the 36-month boundary, by household number."""
    first_inside = rules.newly_escaped_since(today)  # its window ends today
    return {
        13: rules.add_months(today, -35),  # newly escaped for one more month
        14: rules.add_months(today, -37),  # window ended a month ago
        15: first_inside,  # last day of its window is today
        16: first_inside - timedelta(days=1),  # window ended yesterday
        33: rules.add_months(today, -35),
        34: rules.add_months(today, -37),
        35: first_inside,
        36: first_inside - timedelta(days=1),
    }


def _members(rng, used_ids, *, head_name, head_gender, head_year, size, ethnicity, merit, today):
    family = head_name.split(" ")[0]
    members = [
        {
            "full_name": head_name,
            "gender": head_gender,
            "relation": "Chủ hộ",
            "birth_date": birth(rng, head_year, today),
        }
    ]
    if size >= 2 and rng.random() < 0.85:
        spouse_gender = Gender.FEMALE if head_gender == Gender.MALE else Gender.MALE
        members.append(
            {
                "full_name": person_name(rng, spouse_gender),
                "gender": spouse_gender,
                "relation": "Vợ" if spouse_gender == Gender.FEMALE else "Chồng",
                "birth_date": birth(rng, head_year + rng.randint(-4, 5), today),
            }
        )
    if len(members) < size and head_year < 1975 and rng.random() < 0.3:
        parent_gender = rng.choice([Gender.MALE, Gender.FEMALE])
        members.append(
            {
                "full_name": person_name(rng, parent_gender),
                "gender": parent_gender,
                "relation": "Mẹ" if parent_gender == Gender.FEMALE else "Bố",
                "birth_date": birth(rng, head_year - rng.randint(20, 28), today),
            }
        )
    while len(members) < size:
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        year = min(head_year + rng.randint(20, 42), today.year - 1)
        members.append(
            {
                "full_name": person_name(rng, gender, family),
                "gender": gender,
                "relation": "Con",
                "birth_date": birth(rng, year, today),
            }
        )
    for position, member in enumerate(members, start=1):
        member["position"] = position
        member["ethnicity"] = ethnicity
        member["is_disabled"] = rng.random() < 0.08
        member["has_merit"] = False
        age = rules.age_on(member["birth_date"], today)
        # Children under 14 rarely have a CCCD yet.
        member["id_number"] = (
            id_number(rng, used_ids, birth_year=member["birth_date"].year, gender=member["gender"]) if age >= 14 else ""
        )
    if merit:
        # The oldest member is the person with revolutionary merit (a veteran, a martyr's parent...).
        min(members, key=lambda m: m["birth_date"])["has_merit"] = True
    return members


def _demo_household(rng, used_ids, *, ward, khoi, code, number, today, boundary) -> DemoHousehold:
    status = STATUS_CYCLE[number % len(STATUS_CYCLE)]
    head_gender = Gender.FEMALE if rng.random() < 0.3 else Gender.MALE
    ethnic_minority = status == Status.POOR and number % 4 == 0 or rng.random() < 0.03
    has_merit = (status == Status.POOR and number % 5 == 1) or rng.random() < 0.05
    family = rng.choice(MINORITY_FAMILY_NAMES) if ethnic_minority else None
    head_name = "Nguyễn Thị Hằng" if number == 1 else person_name(rng, head_gender, family)
    if number == 1:
        head_gender = Gender.FEMALE
    head_year = rng.randint(1948, 1995)
    khoi_number = khoi.position
    address = f"Số {rng.randint(1, 150)}, ngõ {rng.randint(1, 40)}, đường {rng.choice(STREETS)}, khối {khoi_number}"
    ethnicity = rng.choice(MINORITY_ETHNICITIES) if ethnic_minority else "Kinh"

    registered = date(rng.randint(2019, 2022), rng.randint(1, 12), rng.randint(1, 28))
    escaped_on = None
    if number in boundary:
        escaped_on = boundary[number]
    elif status != Status.POOR and rng.random() < 0.5:
        escaped_on = today - timedelta(days=rng.randint(20, 62 * 30))
    first_status = status
    changes = []
    if escaped_on is not None:
        # Registered as poor, later recognised as having escaped poverty.
        registered = min(registered, escaped_on - timedelta(days=rng.randint(200, 900)))
        first_status = Status.POOR
        changes.append({"to_status": status, "effective_on": escaped_on})
    elif status == Status.POOR and rng.random() < 0.35:
        # Near-poor at first, fell into poverty by a later decision.
        first_status = Status.NEAR_POOR
        fell = registered + timedelta(days=rng.randint(200, 900))
        changes.append({"to_status": Status.POOR, "effective_on": min(fell, today)})
    household = Household(
        ward=ward,
        khoi=khoi,
        code=code,
        head_name=head_name,
        address=address,
        ethnic_minority=ethnic_minority,
        has_merit_person=has_merit,
    )
    # The same builder as a form, the import and a recognition decision: the
    # household's status, its date and its escape date follow from the changes.
    history = [
        status_change_build(
            household,
            to_status=first_status,
            effective_on=registered,
            reason=ChangeReason.REGISTRATION,
            by=None,
            today=today,
        )
    ]
    for change in changes:
        history.append(
            status_change_build(
                household,
                to_status=change["to_status"],
                effective_on=change["effective_on"],
                reason=ChangeReason.DECISION,
                decision_number=f"{rng.randint(12, 480)}/QĐ-UBND",
                by=None,
                today=today,
            )
        )
    household.refresh_derived()
    young_head = number % 7 == 0  # young families: children under 16
    members = _members(
        rng,
        used_ids,
        head_name=head_name,
        head_gender=head_gender,
        head_year=rng.randint(1985, 1995) if young_head else head_year,
        size=rng.randint(2, 6),
        ethnicity=ethnicity,
        merit=has_merit,
        today=today,
    )
    return DemoHousehold(household, history, members)


def demo_households(ward: Ward, *, prefix: str, count: int, seed: int, today: date) -> list[DemoHousehold]:
    """The demo households of a ward, the same every time for the same `today`."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    khois = list(ward.khois.order_by("position"))
    used_ids: set[str] = set()
    boundary = _boundary_escapes(today)
    return [
        _demo_household(
            rng,
            used_ids,
            ward=ward,
            khoi=khois[(number - 1) % len(khois)],
            code=f"{prefix}-{number:04d}",
            number=number,
            today=today,
            boundary=boundary,
        )
        for number in range(1, count + 1)
    ]


def seed_households(ward: Ward, *, prefix: str, count: int, seed: int, recorded_by, today: date) -> int:
    """Create the ward's demo households that do not exist yet; returns how many were created."""
    existing = set(Household.objects.filter(ward=ward).values_list("code", flat=True))
    used = set(Member.objects.exclude(id_number="").values_list("id_number", flat=True))
    fresh = [
        d
        for d in demo_households(ward, prefix=prefix, count=count, seed=seed, today=today)
        if d.household.code not in existing
    ]
    # An ID number taken elsewhere in the database (not by the demo) is left out rather than failing.
    households = bulk_create_with_history(
        [d.household for d in fresh], Household, batch_size=500, default_user=recorded_by
    )
    changes, members = [], []
    for demo, household in zip(fresh, households, strict=True):
        for change in demo.changes:
            change.household, change.recorded_by = household, recorded_by
        changes += demo.changes
        for m in demo.members:
            if m["id_number"] in used:
                m = {**m, "id_number": ""}
            members.append(Member(household=household, **m))
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    bulk_create_with_history(members, Member, batch_size=1000, default_user=recorded_by)
    return len(households)
