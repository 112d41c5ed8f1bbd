"""assignments/selectors.py: the units a user works for (the "my work" page's heading and duties), their duties,
the tasks of a plan, open and overdue, each within the user's scope."""

from datetime import date

import pytest

from assignments import selectors
from assignments.models import Duty, Task, TaskNote

from ..factories import PlanFactory, UnitFactory, UnitMemberFactory

pytestmark = pytest.mark.django_db


def test_a_unit_member_works_for_their_unit_and_the_one_it_is_a_member_of(world, django_assert_num_queries):
    front = UnitFactory(ward=world.hb, name="Ủy ban MTTQ", kind="mass_organisation", position=1)
    women = UnitFactory(ward=world.hb, name="Hội LHPN", kind="mass_organisation", position=2, parent=front)
    UnitFactory(ward=world.hb, name="Đoàn Thanh niên", kind="mass_organisation", position=3, parent=front)
    person = UnitMemberFactory(unit=women)
    with django_assert_num_queries(1):  # the unit and its parent together, in the units' order
        assert selectors.user_units(person) == [front, women]
    assert selectors.user_units(UnitMemberFactory(unit=front)) == [front]  # not its member organisations


@pytest.mark.parametrize("role", ["admin", "ward_officer_hb", "khoi_member_hb_k1", "upper_level"])
def test_other_roles_work_for_no_unit_and_nothing_is_read(world, role, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.user_units(world.users[role]) == []


@pytest.fixture
def tasks(world, catalogue):
    """Hưng Bình's issued plan with a task of the ward's officers, one of the khối committees (done) and one
    overdue; Quang Trung's plan with a task of its own."""
    plan = PlanFactory(ward=world.hb, year=2025, state="issued", issued_on=date(2025, 5, 30))
    officers = UnitFactory(ward=world.hb, name="Công chức LĐ-TB&XH", kind="officer")
    khoi = UnitFactory(ward=world.hb, name="Ban cán sự các khối", kind="khoi_committee")
    make = Task.objects.create
    qt_plan = PlanFactory(ward=world.qt, year=2025, state="issued", issued_on=date(2025, 5, 30))
    return {
        "plan": plan,
        "qt_plan": qt_plan,
        "officers": officers,
        "open": make(ward=world.hb, plan=plan, title="Rà soát", lead_unit=officers, due_on=date(2099, 1, 1)),
        "done": make(ward=world.hb, plan=plan, title="Họp", lead_unit=khoi, due_on=date(2025, 6, 1), state="done"),
        "late": make(ward=world.hb, plan=plan, title="Báo cáo", lead_unit=officers, due_on=date(2025, 6, 1)),
        "qt": make(
            ward=world.qt,
            plan=qt_plan,
            title="Báo cáo",
            lead_unit=UnitFactory(ward=world.qt, name="Công chức"),
            due_on=date(2025, 6, 1),
        ),
    }


def test_a_plans_tasks_are_those_the_user_may_see(world, tasks):
    def seen(role, plan="plan"):
        return {t.title for t in selectors.plan_tasks(user=world.users[role], plan=tasks[plan])}

    assert seen("ward_officer_hb") == {"Rà soát", "Họp", "Báo cáo"}
    assert seen("upper_level") == {"Rà soát", "Họp", "Báo cáo"}
    assert seen("khoi_member_hb_k1") == {"Họp"}  # the khối committees' tasks only
    assert seen("ward_officer_qt") == set()  # another ward's plan: none of its tasks
    assert seen("ward_officer_hb", plan="qt_plan") == set()


def test_open_and_overdue_tasks_follow_the_scope(world, tasks):
    officer, today = world.users["ward_officer_hb"], date(2025, 7, 1)
    assert list(selectors.open_tasks(user=officer)) == [tasks["late"], tasks["open"]]  # the earliest due first
    assert list(selectors.overdue_tasks(user=officer, today=today)) == [tasks["late"]]
    assert list(selectors.open_tasks(user=world.users["ward_officer_qt"])) == [tasks["qt"]]
    assert not selectors.open_tasks(user=world.users["khoi_member_hb_k1"]).exists()  # its one task is done
    assert set(selectors.overdue_tasks(user=world.users["upper_level"], today=today)) == {tasks["late"], tasks["qt"]}


def test_a_units_duties_are_those_of_the_issued_plans_it_may_see(world, tasks, django_assert_num_queries):
    women = UnitFactory(ward=world.hb, name="Hội LHPN", kind="mass_organisation")
    person = UnitMemberFactory(unit=women)
    draft = PlanFactory(ward=world.hb, year=2026)
    qt_plan = tasks["qt_plan"]
    for plan in (tasks["plan"], draft, qt_plan):  # a duty of another ward's plan naming the unit: not its ward's
        Duty.objects.create(plan=plan, position=1, heading="Hội LHPN", text="- Vận động.").units.set([women])
    units = selectors.user_units(person)
    with django_assert_num_queries(1):
        assert [d.plan for d in selectors.user_duties(user=person, units=units)] == [tasks["plan"]]
    with django_assert_num_queries(0):  # no unit: nothing to read
        assert list(selectors.user_duties(user=world.users["ward_officer_hb"], units=[])) == []


# --- The "my work" page's tasks and a task's notes ------------------------------------------------


def test_a_pages_open_tasks_are_those_in_scope_the_earliest_due_first(world, tasks, django_assert_num_queries):
    officer = world.users["ward_officer_hb"]
    with django_assert_num_queries(2):  # the tasks, their coordinating units
        assert selectors.open_tasks_due_first(user=officer) == [tasks["late"], tasks["open"]]
    assert selectors.open_tasks_due_first(user=officer, limit=1) == [tasks["late"]]
    assert selectors.open_tasks_due_first(user=world.users["ward_officer_qt"]) == [tasks["qt"]]  # not another ward's
    assert selectors.open_tasks_due_first(user=world.users["khoi_member_hb_k1"]) == []  # the committees' is done
    assert selectors.open_tasks_due_first(user=UnitMemberFactory(unit=tasks["officers"])) == [
        tasks["late"],
        tasks["open"],
    ]
    assert selectors.open_tasks_due_first(user=UnitMemberFactory(unit=UnitFactory(ward=world.hb))) == []


def test_a_tasks_notes_are_read_only_by_who_may_see_the_task(world, tasks, django_assert_num_queries):
    officer = world.users["ward_officer_hb"]
    task = tasks["open"]
    later = TaskNote.objects.create(task=task, on=date(2025, 7, 2), text="Đã họp", author=officer)
    first = TaskNote.objects.create(task=task, on=date(2025, 7, 1), text="Đã giao", author=officer)
    TaskNote.objects.create(task=tasks["late"], on=date(2025, 7, 1), text="Việc khác", author=officer)

    def seen(user):
        return list(selectors.task_notes(user=user, task=task))

    with django_assert_num_queries(1):  # the notes with their authors
        assert [(n, n.author) for n in seen(officer)] == [(first, officer), (later, officer)]
    assert seen(world.users["upper_level"]) == [first, later]
    assert seen(UnitMemberFactory(unit=tasks["officers"])) == [first, later]  # the lead unit's people
    assert seen(world.users["ward_officer_qt"]) == []  # another ward's task: none of its notes
    assert seen(world.users["khoi_member_hb_k1"]) == []  # not a khối committee's task
    assert seen(UnitMemberFactory(unit=UnitFactory(ward=world.hb))) == []  # nor another unit's
