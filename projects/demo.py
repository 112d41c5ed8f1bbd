"""Demo data of the program (README, demo accounts): the 2025 plan of the seed for the
demo ward, as data, with budget lines, indicators, tasks, support given and one unit
account (`mattran`, the Fatherland Front), so that every program page shows something
real. Everything goes through the services, so the target rules hold as of each
support's date. Idempotent: a second run adds nothing."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q

from hungbinh.accounts.roles import Role

from .catalogue import ensure_catalogue
from .models import Budget, FundingSource, Indicator, Intervention, Plan, SubProject
from .rules import PERSONAL_RULES
from .seed_plan import LDTBXH, MTTQ, TCKT, YTE, ensure_units, load_seed_plan

YEAR = 2025
UNIT_USER = "mattran"

# (sub-project code or None, funding source code, allocated đồng)
BUDGETS = [
    ("2", "central_budget", 120_000_000),
    ("3.1", "local_budget", 40_000_000),
    ("3.2", "central_budget", 30_000_000),
    ("4.1", "local_budget", 45_000_000),
    ("4.3", "central_budget", 20_000_000),
    ("6.1", "local_budget", 10_000_000),
    (None, "tet_for_the_poor", 60_000_000),
    (None, "fund_for_the_poor", 40_000_000),
]


def seed_program_demo(*, hb, qt, today: date) -> dict[str, int]:
    """Idempotent: the plan is loaded once per ward; its demo data once per plan."""
    ensure_catalogue()
    created = {"plans": 0, "support": 0}
    created["plans"] += load_seed_plan(hb.pk) is not None
    plan = Plan.objects.filter(ward=hb, year=YEAR, state="issued").first()
    if plan is None or plan.budgets.exists():
        return created
    from households.demo import _ensure_user

    units = ensure_units(hb.pk)
    _ensure_user(
        UNIT_USER,
        first_name="Hoa",
        last_name="Nguyễn Thị",
        role=Role.UNIT_MEMBER,
        unit=units[MTTQ],
        position="Phó Chủ tịch Ủy ban MTTQ phường",
    )
    _budgets(plan)
    _indicators(plan)
    _tasks(plan, units, today)
    created["support"] = _support(plan, units, today)
    return created


def _sub(plan, code):
    return SubProject.objects.get(program_id=plan.program_id, code=code) if code else None


def _budgets(plan):
    sources = {s.code: s for s in FundingSource.objects.all()}
    Budget.objects.bulk_create(
        Budget(plan=plan, subproject=_sub(plan, code), funding_source=sources[source], allocated=amount)
        for code, source, amount in BUDGETS
    )


def _indicators(plan):
    from django.db.models import Sum

    from households.models import Household
    from reports.models import KhoiPopulation

    # The registry holds the households the program follows, not every household of the ward: the rates
    # count over the ward's total households of the year, the figure the review-result tables use (the
    # demo's population figures), so the progress report's indicator and its tables give one rate.
    total = (
        KhoiPopulation.objects.filter(khoi__ward_id=plan.ward_id, year=plan.year).aggregate(n=Sum("households"))["n"]
        or Household.objects.filter(ward_id=plan.ward_id).count()
        or None
    )
    rows = [
        ("Tỷ lệ hộ nghèo", "%", "poor_rate", None, None, None),
        ("Mức giảm tỷ lệ hộ nghèo so với đầu năm", "điểm %", "poor_rate_reduction", None, None, "1"),
        ("Hộ nghèo", "hộ", "poor_households", None, None, None),
        ("Hộ cận nghèo", "hộ", "near_poor_households", None, None, None),
        ("Hộ được hỗ trợ", "hộ", "households_supported", None, None, None),
        ("Người lao động được đào tạo nghề", "người", "people_supported", "4.1", None, "10"),
        ("Trẻ em được hỗ trợ dinh dưỡng", "trẻ", "people_supported", "3.2", None, "20"),
        ("Kinh phí hỗ trợ đã thực hiện", "đồng", "support_amount", None, None, None),
        ("Quà Tết vì người nghèo", "hộ", "households_supported", None, "tet_for_the_poor", None),
        ("Phường có hệ thống đài truyền thanh hoạt động", "%", "manual", None, None, "100"),
    ]
    sources = {s.code: s for s in FundingSource.objects.all()}
    Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            position=n,
            name=name,
            unit=unit,
            source=source,
            subproject=_sub(plan, code),
            funding_source=sources[fund] if fund else None,
            households_total=total if source in ("poor_rate", "near_poor_rate", "poor_rate_reduction") else None,
            baseline=_baseline(plan, source, total),
            target=target,
            achieved_entered="100" if source == "manual" else None,
        )
        for n, (name, unit, source, code, fund, target) in enumerate(rows, start=1)
    )


def _baseline(plan, source, total):
    """The poverty rate at the start of the plan's year, from the demo registry itself: the households poor on
    the last day before the year (their status history, `status_on`), over the year's total households, as the
    progress report of the year counts its start (docs/program.md, "The demo's indicators")."""
    from households.models import Household
    from households.rules import Status, percent
    from households.selectors import status_on

    if source not in ("poor_rate", "poor_rate_reduction") or not total:
        return None
    poor = (
        Household.objects.filter(ward_id=plan.ward_id)
        .annotate(status_then=status_on(date(plan.year - 1, 12, 31)))
        .filter(status_then=Status.POOR)
        .count()
    )
    return percent(poor, total)


def _tasks(plan, units, today):
    from assignments import services as tasks

    officer = _officer(plan)
    items = {i.number: i for i in plan.items.all()}
    rows = [
        ("Tổng hợp danh sách hộ nghèo cần hỗ trợ sinh kế", items.get("1"), TCKT, [LDTBXH], date(YEAR, 7, 31), "done"),
        ("Cấp phát hỗ trợ dinh dưỡng cho trẻ em", items.get("2.2"), YTE, [], date(YEAR, 10, 31), "in_progress"),
        ("Vận động Quỹ vì người nghèo", None, MTTQ, [LDTBXH], date(YEAR, 12, 15), ""),
        ("Báo cáo kết quả giảm nghèo năm", items.get("5.2"), LDTBXH, [TCKT], today + timedelta(days=30), ""),
    ]
    for title, item, lead, coordinating, due_on, state in rows:
        task = tasks.task_create(
            by=officer,
            plan=plan,
            title=title,
            item=item,
            lead_unit=units[lead],
            coordinating_units=[units[name] for name in coordinating],
            due_on=due_on,
        )
        if state:
            tasks.task_add_note(
                by=officer, task=task, text="Đã triển khai.", to_state="in_progress", on=date(YEAR, 6, 15)
            )
        if state == "done":
            tasks.task_add_note(by=officer, task=task, text="Hoàn thành.", to_state="done", on=date(YEAR, 7, 30))


def _officer(plan):
    from hungbinh.accounts.models import User

    return (
        User.objects.get(username="canbo")
        if User.objects.filter(username="canbo").exists()
        else (User.objects.filter(is_superuser=True).first())
    )


def _support(plan, units, today) -> int:
    from hungbinh.accounts.models import User

    from . import services
    from .selectors import support_households

    officer = _officer(plan)
    front = User.objects.filter(username=UNIT_USER).first()
    sources = {s.code: s for s in FundingSource.objects.all()}
    before = Intervention.objects.filter(ward_id=plan.ward_id).count()
    households = support_households(user=officer).filter(ward_id=plan.ward_id)
    # Tết gifts for every poor household of Khối 1–3, one action (the Front's campaign).
    poor = list(
        households.filter(status="poor", khoi__name__in=["Khối 1", "Khối 2", "Khối 3"]).values_list("pk", flat=True)
    )
    if poor and front is not None:
        services.intervention_record_bulk(
            by=front,
            household_ids=poor,
            subproject=None,
            funding_source=sources["tet_for_the_poor"],
            date=date(YEAR, 1, 20),
            kind="in_kind",
            amount=500_000,
            description="Quà Tết Ất Tỵ",
            over_budget_ok=True,
            today=today,
        )
    # Personal support: nutrition for children, vocational training and jobs for workers.
    _personal(officer, households, plan, "3.2", "central_budget", date(YEAR, 7, 15), 600_000, "Sữa, vi chất", 25)
    _personal(officer, households, plan, "4.1", "local_budget", date(YEAR, 9, 10), 3_000_000, "Học nghề may", 12)
    _personal(
        officer, households, plan, "4.3", "central_budget", date(YEAR, 10, 5), 1_500_000, "Giới thiệu việc làm", 8
    )
    # Livelihood support for a few target households, and one recorded as an exception with its reason.
    for household in households.filter(status__in=["poor", "near_poor"]).order_by("code")[:10]:
        _try(
            lambda h=household: services.intervention_record(
                by=officer,
                household=h,
                subproject=_sub(plan, "2"),
                funding_source=sources["central_budget"],
                date=date(YEAR, 8, 20),
                kind="in_kind",
                amount=5_000_000,
                description="Hỗ trợ con giống (bò sinh sản)",
                over_budget_ok=True,
                today=today,
            )
        )
    average = households.filter(status="average").order_by("code").first()
    if average is not None:
        _try(
            lambda: services.intervention_record(
                by=officer,
                household=average,
                subproject=_sub(plan, "2"),
                funding_source=sources["central_budget"],
                date=date(YEAR, 8, 20),
                kind="in_kind",
                amount=5_000_000,
                description="Hỗ trợ con giống",
                override_reason=(
                    "Chủ hộ mất sức lao động sau tai nạn; UBND phường thống nhất hỗ trợ (biên bản họp 15/8/2025)."
                ),
                over_budget_ok=True,
                today=today,
            )
        )
    return Intervention.objects.filter(ward_id=plan.ward_id).count() - before


def _personal(officer, households, plan, code, source, on, amount, description, limit):
    """Support for the members the sub-project's rule accepts on `on`, up to `limit` people."""
    from households.models import Member

    from . import services

    subproject = _sub(plan, code)
    assert subproject.target_rule in PERSONAL_RULES
    members = (
        Member.objects.filter(household__in=households.filter(Q(status__in=["poor", "near_poor"])))
        .exclude(birth_date=None)
        .select_related("household")
        .order_by("household__code", "position", "id")
    )
    done = 0
    for member in members:
        if done >= limit:
            break
        done += _try(
            lambda m=member: services.intervention_record(
                by=officer,
                household=m.household,
                member=m,
                subproject=subproject,
                funding_source=FundingSource.objects.get(code=source),
                date=on,
                kind="service" if code != "3.2" else "in_kind",
                amount=amount,
                description=description,
                over_budget_ok=True,
            ),
            quiet=True,
        )


def _try(record, *, quiet=False) -> int:
    """1 when recorded; 0 when the rule (or anything the service checks) refuses it."""
    try:
        record()
    except ValidationError:
        return 0
    return 1
