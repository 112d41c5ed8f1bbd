"""assignments.services and selectors: tasks, their notes and file, who sees which task."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone, translation

from assignments import selectors, services
from assignments.models import Task

from ..factories import KhoiMemberFactory, PlanFactory, UnitFactory, UnitMemberFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def setup(world, catalogue):
    plan = PlanFactory(ward=world.hb, year=2025, state="issued", issued_on=date(2025, 5, 30))
    women = UnitFactory(ward=world.hb, name="Hội LHPN", kind="mass_organisation")
    front = UnitFactory(ward=world.hb, name="Ủy ban MTTQ", kind="mass_organisation")
    khoi = UnitFactory(ward=world.hb, name="Ban cán sự các khối", kind="khoi_committee")
    officer = world.users["ward_officer_hb"]
    return {"plan": plan, "women": women, "front": front, "khoi": khoi, "officer": officer}


def make(s, **kw):
    values = {"plan": s["plan"], "title": "Vận động Tết vì người nghèo", "lead_unit": s["front"], "due_on": TODAY}
    return services.task_create(by=s["officer"], **{**values, **kw})


def test_a_task_has_a_lead_unit_coordinating_units_and_a_due_date(setup):
    task = make(setup, coordinating_units=[setup["women"]])
    assert task.ward == setup["plan"].ward and list(task.coordinating_units.all()) == [setup["women"]]
    assert task.state == "not_started"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"lead_unit": None}, "lead_unit"), ({"title": "  "}, "title"), ({"due_on": None}, "due_on")],
)
def test_bad_tasks_are_refused(setup, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        make(setup, **kwargs)
    assert excinfo.value.message_dict[field]
    assert not Task.objects.exists()


def test_lead_and_coordinating_units_of_the_plans_ward(setup, world):
    with pytest.raises(ValidationError) as excinfo:
        make(setup, coordinating_units=[UnitFactory(ward=world.qt)])
    assert "coordinating_units" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        make(setup, coordinating_units=[setup["front"]])


def test_only_ward_staff_create_tasks(setup, world):
    for user in (world.users["upper_level"], world.users["khoi_member_hb_k1"], UnitMemberFactory(unit=setup["front"])):
        with pytest.raises(PermissionDenied):
            services.task_create(by=user, plan=setup["plan"], title="x", lead_unit=setup["front"], due_on=TODAY)
    with pytest.raises(Http404):
        services.task_create(
            by=world.users["ward_officer_qt"], plan=setup["plan"], title="x", lead_unit=setup["front"], due_on=TODAY
        )


def test_units_see_their_own_tasks_only(setup, world):
    led = make(setup)
    coordinated = make(setup, lead_unit=setup["khoi"], coordinating_units=[setup["women"]])
    other = make(setup, lead_unit=UnitFactory(ward=world.hb, name="Trạm Y tế", kind="health_station"))
    women_person = UnitMemberFactory(unit=setup["women"])
    front_person = UnitMemberFactory(unit=setup["front"])
    assert set(selectors.task_list(user=women_person)) == {coordinated}
    assert set(selectors.task_list(user=front_person)) == {led}
    assert set(selectors.task_list(user=world.users["khoi_member_hb_k1"])) == {coordinated}
    assert set(selectors.task_list(user=setup["officer"])) == {led, coordinated, other}
    assert set(selectors.task_list(user=world.users["upper_level"])) == {led, coordinated, other}
    assert not selectors.task_list(user=world.users["ward_officer_qt"]).exists()
    assert not selectors.task_list(user=KhoiMemberFactory(khoi=world.qt_k1)).exists()


def test_progress_notes_and_who_may_close(setup, world):
    task = make(setup, coordinating_units=[setup["women"]])
    women_person = UnitMemberFactory(unit=setup["women"])
    note = services.task_add_note(by=women_person, task=task, text="Đã vận động 20 hộ", to_state="in_progress")
    assert (note.from_state, note.to_state, note.on) == ("not_started", "in_progress", TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.task_add_note(by=women_person, task=task, to_state="done")
    assert "to_state" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.task_add_note(by=women_person, task=task, text="x", on=TODAY + timedelta(days=1))
    assert "on" in excinfo.value.message_dict
    services.task_add_note(by=UnitMemberFactory(unit=setup["front"]), task=task, to_state="done", text="Xong")
    task.refresh_from_db()
    assert task.state == "done" and task.notes.count() == 2 and task.version == 3
    with pytest.raises(Http404):
        services.task_add_note(by=world.users["ward_officer_qt"], task=task, text="x")
    with pytest.raises(PermissionDenied):
        services.task_add_note(by=world.users["upper_level"], task=task, text="x")


def test_stale_version_is_refused(setup):
    task = make(setup)
    services.task_add_note(by=setup["officer"], task=task, text="Bắt đầu", version=1)
    with pytest.raises(services.StaleTask):
        services.task_add_note(by=setup["officer"], task=task, text="Lại", version=1)


def test_a_file_is_attached_through_the_storage(setup, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = make(setup)
    upload = SimpleUploadedFile("Báo cáo tiến độ.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    task = services.task_attach(by=setup["officer"], task=task, file=upload)
    assert task.attachment_name == "Báo cáo tiến độ.pdf"
    assert task.attachment.name.startswith(f"tasks/{task.ward_id}/{task.pk}-")
    assert task.attachment.read() == b"%PDF-1.4 test"
    with pytest.raises(ValidationError) as excinfo:
        services.task_attach(by=setup["officer"], task=task, file=SimpleUploadedFile("virus.exe", b"MZ"))
    assert "attachment" in excinfo.value.message_dict


def test_overdue_tasks(setup):
    late = make(setup, due_on=TODAY - timedelta(days=3))
    make(setup, due_on=TODAY)
    done = make(setup, due_on=TODAY - timedelta(days=3))
    services.task_add_note(by=setup["officer"], task=done, to_state="done")
    assert list(selectors.overdue_tasks(user=setup["officer"])) == [late]
