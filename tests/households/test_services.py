"""households.services: every write of the registry, its checks and its history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from households import services
from households.models import Household, Khoi, Member, StatusChange
from households.rules import ChangeReason, Status

from ..factories import HouseholdFactory, KhoiFactory, MemberFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def officer(world):
    return world.users["ward_officer_hb"]


def create(world, by, **fields):
    values = {
        "khoi": world.hb_k1,
        "code": "HB-001",
        "head_name": "Nguyễn Thị Hằng",
        "status": Status.POOR,
        "status_since": date(2024, 1, 15),
        "address": "Số 12, ngõ 5, đường Lê Hồng Phong, khối 1",
    }
    return services.household_create(by=by, **{**values, **fields})


def messages(excinfo, field):
    return " ".join(excinfo.value.message_dict[field])


# --- household_create -----------------------------------------------------------


def test_create_normalises_text_records_registration_and_history(world, officer):
    household = create(world, officer, head_name="  Nguyễn   Thị Hằng ", decision_number=" 12/QĐ-UBND ")
    assert household.head_name == "Nguyễn Thị Hằng"
    assert household.ward == world.hb and household.version == 1
    assert household.search_text == "hb-001 nguyen thi hang so 12, ngo 5, duong le hong phong, khoi 1"
    [change] = household.status_changes.all()
    assert (change.from_status, change.to_status, change.reason) == ("", Status.POOR, ChangeReason.REGISTRATION)
    assert change.effective_on == date(2024, 1, 15) and change.recorded_by == officer
    assert change.decision_number == "12/QĐ-UBND"
    [row] = household.history.all()
    assert row.history_type == "+" and row.history_user == officer


def test_create_refuses_a_code_already_used_in_the_ward(world, officer):
    create(world, officer)
    with pytest.raises(ValidationError) as excinfo:
        create(world, officer, khoi=world.hb_k2, head_name="Lê Văn Bình")
    assert messages(excinfo, "code") == "Mã hộ HB-001 đã được dùng trong phường này; hãy nhập mã khác."
    # The same code in another ward is fine.
    create(world, world.users["ward_officer_qt"], khoi=world.qt_k1)
    assert Household.objects.filter(code="HB-001").count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"code": " "}, "code", "Hãy nhập mã hộ."),
        ({"head_name": ""}, "head_name", "Hãy nhập họ và tên chủ hộ."),
        ({"status_since": date(2999, 1, 1)}, "status_since", "Ngày có hiệu lực không được ở tương lai"),
        ({"escaped_poverty_on": date(2023, 1, 1)}, "escaped_poverty_on", "Hộ nghèo không có ngày thoát nghèo"),
        (
            {"status": Status.NOT_POOR, "escaped_poverty_on": date(2999, 1, 1)},
            "escaped_poverty_on",
            "Ngày không được ở tương lai.",
        ),
    ],
)
def test_create_validation_messages(world, officer, fields, field, expected):
    with pytest.raises(ValidationError) as excinfo:
        create(world, officer, **fields)
    assert expected in messages(excinfo, field)
    assert not Household.objects.exists()


def test_create_checks_role_and_scope(world):
    with pytest.raises(PermissionDenied, match="Vai trò của bạn không được phép"):
        create(world, world.users["upper_level"])
    with pytest.raises(ValidationError) as excinfo:
        create(world, world.users["ward_officer_qt"])
    assert messages(excinfo, "khoi") == "“Khối 1” không thuộc phạm vi bạn quản lý; hãy chọn khối khác."
    with pytest.raises(ValidationError):
        create(world, world.users["khoi_member_hb_k1"], khoi=world.hb_k2)
    assert create(world, world.users["khoi_member_hb_k1"]).khoi == world.hb_k1


# --- household_update -----------------------------------------------------------


def test_update_changes_fields_bumps_version_and_keeps_history(world, officer):
    household = create(world, officer)
    leader = world.users["ward_leader_hb"]
    updated = services.household_update(
        by=leader, household=household, version=1, head_name="Nguyễn Thị Hằng Nga", khoi=world.hb_k2
    )
    assert updated.version == 2
    household.refresh_from_db()
    assert (household.head_name, household.khoi, household.version) == ("Nguyễn Thị Hằng Nga", world.hb_k2, 2)
    assert "hang nga" in household.search_text
    latest = household.history.first()
    assert latest.history_type == "~" and latest.history_user == leader
    assert latest.prev_record.head_name == "Nguyễn Thị Hằng"


def test_update_without_a_change_writes_nothing(world, officer):
    household = create(world, officer)
    services.household_update(by=officer, household=household, version=1, head_name="Nguyễn Thị Hằng")
    household.refresh_from_db()
    assert household.version == 1 and household.history.count() == 1


def test_stale_update_raises_and_loses_nothing(world, officer):
    household = create(world, officer)
    services.household_update(by=officer, household=household, version=1, address="Số 1")
    with pytest.raises(services.StaleVersion) as excinfo:
        services.household_update(by=officer, household=household, version=1, address="Số 2")
    assert excinfo.value.current_version == 2
    assert "Người khác đã sửa hộ này" in str(excinfo.value.message)
    household.refresh_from_db()
    assert household.address == "Số 1"


def test_update_refuses_unknown_fields_clashing_code_and_other_ward_khoi(world, officer):
    household = create(world, officer)
    create(world, officer, code="HB-002", head_name="Lê Văn Bình")
    with pytest.raises(ValidationError, match="status"):
        services.household_update(by=officer, household=household, version=1, status=Status.NOT_POOR)
    with pytest.raises(ValidationError) as excinfo:
        services.household_update(by=officer, household=household, version=1, code="HB-002")
    assert "HB-002" in messages(excinfo, "code")
    # The admin sees every khối, but a household stays in its own ward.
    with pytest.raises(ValidationError) as excinfo:
        services.household_update(by=world.users["admin"], household=household, version=1, khoi=world.qt_k1)
    assert messages(excinfo, "khoi") == "Hãy chọn một khối thuộc phường của hộ."
    household.refresh_from_db()
    assert (household.code, household.khoi, household.version) == ("HB-001", world.hb_k1, 1)


@pytest.mark.parametrize("role", ["ward_officer_qt", "upper_level"])
def test_nobody_writes_outside_their_scope(world, officer, role):
    household = create(world, officer, khoi=world.hb_k2)
    member = services.member_create(by=officer, household=household, full_name="Lê Văn Bình")
    user = world.users[role]
    attempts = [
        lambda: services.household_update(by=user, household=household, version=None, address="x"),
        lambda: services.household_change_status(
            by=user,
            household=household,
            version=None,
            to_status=Status.NOT_POOR,
            effective_on=date(2025, 1, 1),
            reason=ChangeReason.DECISION,
            decision_number="1/QĐ-UBND",
        ),
        lambda: services.member_create(by=user, household=household, full_name="Người Lạ"),
        lambda: services.member_update(by=user, member=member, full_name="Người Lạ"),
        lambda: services.member_delete(by=user, member=member),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    household.refresh_from_db()
    assert (household.version, household.status, household.members.count()) == (2, Status.POOR, 1)


def test_khoi_member_may_not_touch_another_khoi(world, officer):
    household = create(world, officer, khoi=world.hb_k2)
    with pytest.raises(PermissionDenied, match="không thuộc phạm vi"):
        services.household_update(by=world.users["khoi_member_hb_k1"], household=household, version=1, address="x")


# --- household_change_status ----------------------------------------------------


def test_escape_from_poverty_by_decision(world, officer):
    household = create(world, officer)
    leader = world.users["ward_leader_hb"]
    change = services.household_change_status(
        by=leader,
        household=household,
        version=1,
        to_status=Status.NOT_POOR,
        effective_on=date(2025, 1, 10),
        reason=ChangeReason.DECISION,
        decision_number="215/QĐ-UBND",
    )
    household.refresh_from_db()
    assert (household.status, household.status_since, household.escaped_poverty_on) == (
        Status.NOT_POOR,
        date(2025, 1, 10),
        date(2025, 1, 10),
    )
    assert household.version == 2
    assert household.newly_escaped_until() == date(2028, 1, 9)
    assert (change.from_status, change.to_status, change.recorded_by) == (Status.POOR, Status.NOT_POOR, leader)
    assert list(household.status_changes.values_list("reason", flat=True)) == ["registration", "decision"]
    assert household.history.first().history_user == leader
    # Falling back into poverty clears the escape date.
    services.household_change_status(
        by=officer,
        household=household,
        version=2,
        to_status=Status.POOR,
        effective_on=date(2025, 3, 1),
        reason=ChangeReason.CORRECTION,
        note="Nhập nhầm quyết định",
    )
    household.refresh_from_db()
    assert household.escaped_poverty_on is None and household.version == 3


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"reason": ChangeReason.REGISTRATION}, "reason", "không phải là lý do thay đổi"),
        ({"decision_number": ""}, "decision_number", "Hãy nhập số quyết định công nhận"),
        ({"reason": ChangeReason.CORRECTION, "note": " "}, "note", "Hãy ghi lý do đính chính."),
        ({"to_status": Status.POOR}, "effective_on", "Hộ đã có phân loại này"),
        ({"effective_on": date(2024, 1, 14)}, "effective_on", "15/01/2024"),
        ({"effective_on": "tomorrow"}, "effective_on", "không được ở tương lai"),
    ],
)
def test_change_status_validation(world, officer, fields, field, expected):
    household = create(world, officer)
    if fields.get("effective_on") == "tomorrow":
        fields["effective_on"] = timezone.localdate() + timedelta(days=1)
    values = {
        "to_status": Status.NOT_POOR,
        "effective_on": date(2025, 1, 10),
        "reason": ChangeReason.DECISION,
        "decision_number": "215/QĐ-UBND",
    }
    with pytest.raises(ValidationError) as excinfo:
        services.household_change_status(by=officer, household=household, version=1, **{**values, **fields})
    assert expected in messages(excinfo, field)
    household.refresh_from_db()
    assert (household.status, household.version, household.status_changes.count()) == (Status.POOR, 1, 1)


def test_change_status_with_a_stale_version(world, officer):
    household = create(world, officer)
    services.household_update(by=officer, household=household, version=1, address="Số 3")
    with pytest.raises(services.StaleVersion):
        services.household_change_status(
            by=officer,
            household=household,
            version=1,
            to_status=Status.NEAR_POOR,
            effective_on=date(2025, 1, 10),
            reason=ChangeReason.IMPORT,
        )
    assert StatusChange.objects.count() == 1


# --- status_change_build and status_changes_save (bulk) ----------------------------------


def test_build_prepares_without_writing_and_refuses_what_the_rules_refuse(world, officer):
    household = create(world, officer)
    today = timezone.localdate()
    change = services.status_change_build(
        household, to_status=Status.NEAR_POOR, effective_on=date(2025, 2, 1), reason="import", by=officer, today=today
    )
    assert (change.pk, change.from_status, change.to_status, change.recorded_by) == (None, "poor", "near_poor", officer)
    assert (household.status, household.status_since, household.escaped_poverty_on) == (
        Status.NEAR_POOR,
        date(2025, 2, 1),
        date(2025, 2, 1),
    )
    household.refresh_from_db()
    assert (household.status, household.version, StatusChange.objects.count()) == (Status.POOR, 1, 1)
    with pytest.raises(ValidationError) as excinfo:
        services.status_change_build(
            household,
            to_status=Status.NOT_POOR,
            effective_on=date(2014, 1, 1),
            reason="import",
            by=officer,
            today=today,
        )
    assert "15/01/2024" in messages(excinfo, "effective_on")
    # An unsaved household with no status yet is being registered.
    fresh = Household(ward=world.hb, khoi=world.hb_k1, code="N-1", head_name="Mới")
    first = services.status_change_build(
        fresh,
        to_status=Status.NOT_POOR,
        effective_on=date(2024, 6, 1),
        reason="registration",
        by=officer,
        today=today,
        escaped_on=date(2024, 6, 1),
    )
    assert (first.from_status, fresh.status, fresh.escaped_poverty_on) == ("", Status.NOT_POOR, date(2024, 6, 1))


def test_many_changes_are_saved_together_with_versions_and_history(world, officer, django_assert_max_num_queries):
    leader = world.users["ward_leader_hb"]
    households = [create(world, officer, code=f"B-{i}") for i in range(5)]
    today = timezone.localdate()
    changes, refused = [], []
    for i, household in enumerate(households):
        try:
            changes.append(
                services.status_change_build(
                    household,
                    to_status=Status.NOT_POOR,
                    effective_on=date(2025, 3, 1) if i != 2 else date(2020, 1, 1),
                    reason=ChangeReason.DECISION,
                    decision_number="301/QĐ-UBND",
                    by=leader,
                    today=today,
                )
            )
        except ValidationError:
            refused.append(household.code)
    assert refused == ["B-2"]
    with django_assert_max_num_queries(4):
        services.status_changes_save(changes, by=leader)
    saved = {h.code: h for h in Household.objects.all()}
    assert [saved[f"B-{i}"].version for i in range(5)] == [2, 2, 1, 2, 2]
    assert saved["B-0"].escaped_poverty_on == date(2025, 3, 1) and saved["B-2"].status == Status.POOR
    assert StatusChange.objects.filter(reason="decision", recorded_by=leader).count() == 4
    assert saved["B-0"].history.first().history_user == leader


def test_create_with_a_decision_needs_its_number(world, officer):
    with pytest.raises(ValidationError) as excinfo:
        create(world, officer, reason=ChangeReason.DECISION)
    assert "số quyết định" in messages(excinfo, "decision_number")
    assert not Household.objects.exists()


# --- Members -----------------------------------------------------------------------

WIFE = {
    "full_name": "Trần Thị Lan",
    "birth_date": date(1985, 5, 1),
    "gender": "female",
    "relation": "Vợ",
    "id_number": "040185123456",
}


def test_member_create_update_delete_with_history_and_versions(world, officer):
    household = create(world, officer)
    member = services.member_create(by=officer, household=household, version=1, **WIFE)
    household.refresh_from_db()
    assert household.version == 2 and member.position == 1
    assert member.history.get().history_user == officer
    son = services.member_create(by=officer, household=household, full_name="Lê Văn Nam", gender="male")
    assert son.position == 2

    services.member_update(by=officer, member=member, version=3, is_disabled=True, full_name=" Trần  Thị Lan ")
    member.refresh_from_db()
    household.refresh_from_db()
    assert member.is_disabled and member.full_name == "Trần Thị Lan" and household.version == 4
    assert member.history.count() == 2

    member_pk = member.pk
    services.member_delete(by=officer, member=member, version=4)
    assert not Member.objects.filter(pk=member_pk).exists()
    household.refresh_from_db()
    assert household.version == 5
    deleted = Member.history.filter(id=member_pk).first()
    assert deleted.history_type == "-" and deleted.history_user == officer


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"full_name": ""}, "full_name", "Hãy nhập họ và tên thành viên."),
        ({"birth_date": date(2999, 1, 1), "id_number": ""}, "birth_date", "Ngày sinh không được ở tương lai."),
        ({"id_number": "0401851234567"}, "id_number", "Số CCCD phải gồm đúng 12 chữ số (đang có 13 ký tự)."),
        ({"birth_date": date(1986, 5, 1)}, "id_number", "năm sinh 1985 nhưng ngày sinh thuộc năm 1986"),
        ({"gender": "male"}, "id_number", "Số CCCD ghi giới tính nữ, khác với giới tính của thành viên"),
    ],
)
def test_member_validation_messages(world, officer, fields, field, expected):
    household = create(world, officer)
    with pytest.raises(ValidationError) as excinfo:
        services.member_create(by=officer, household=household, **{**WIFE, **fields})
    assert expected in messages(excinfo, field)
    assert not Member.objects.exists()
    household.refresh_from_db()
    assert household.version == 1


def test_member_id_number_unique_and_spaces_removed(world, officer):
    household = create(world, officer)
    member = services.member_create(by=officer, household=household, **{**WIFE, "id_number": "040 185 123 456"})
    assert member.id_number == "040185123456"
    other = create(world, officer, code="HB-002", head_name="Lê Văn Bình")
    with pytest.raises(ValidationError) as excinfo:
        services.member_create(by=officer, household=other, **WIFE)
    assert "đã được đăng ký cho người khác" in messages(excinfo, "id_number")
    # Saving the member with its own number is not a clash.
    services.member_update(by=officer, member=member, id_number="040185123456", relation="Vợ chủ hộ")


def test_member_update_checks_merged_values_and_stale_version(world, officer):
    household = create(world, officer)
    member = services.member_create(by=officer, household=household, **WIFE)
    with pytest.raises(ValidationError) as excinfo:
        services.member_update(by=officer, member=member, gender="male")
    assert "giới tính" in messages(excinfo, "id_number")
    with pytest.raises(ValidationError, match="household"):
        services.member_update(by=officer, member=member, household=household)
    with pytest.raises(services.StaleVersion):
        services.member_update(by=officer, member=member, version=1, relation="Con")
    with pytest.raises(services.StaleVersion):
        services.member_delete(by=officer, member=member, version=1)
    member.refresh_from_db()
    assert member.gender == "female" and member.relation == "Vợ"


# --- khoi_move --------------------------------------------------------------------


def test_khoi_move_carries_households_and_their_history(world, officer):
    household = create(world, officer, khoi=world.hb_k2)
    MemberFactory(household=household)
    history_before = household.history.count()
    khoi = services.khoi_move(khoi=world.hb_k2, to_ward=world.qt, by=world.users["admin"])
    assert khoi.ward == world.qt
    household.refresh_from_db()
    assert (household.ward, household.khoi) == (world.qt, world.hb_k2)
    assert household.history.count() == history_before + 1
    latest = household.history.first()
    assert (latest.ward_id, latest.history_user) == (world.qt.pk, world.users["admin"])
    assert household.status_changes.count() == 1 and household.members.count() == 1
    assert household.history.count() >= 1
    assert Khoi.objects.get(pk=world.hb_k2.pk).ward == world.qt
    # The ward's officers now see it; the old ward's do not.
    from households.selectors import household_list

    assert list(household_list(user=world.users["ward_officer_qt"])) == [household]
    assert not household_list(user=officer).exists()


def test_khoi_move_refuses_clashing_codes_names_and_same_ward(world, officer):
    create(world, officer, khoi=world.hb_k2, code="C-1")
    HouseholdFactory(khoi=world.qt_k1, code="C-1")
    target = WardFactory(name="Phường Đích", upper_unit=world.hb.upper_unit)
    with pytest.raises(ValidationError, match="C-1"):
        services.khoi_move(khoi=world.hb_k2, to_ward=world.qt)
    with pytest.raises(ValidationError, match="already belongs|đã thuộc"):
        services.khoi_move(khoi=world.hb_k2, to_ward=world.hb)
    KhoiFactory(ward=target, name="Khối 2")
    with pytest.raises(ValidationError, match="Khối 2"):
        services.khoi_move(khoi=world.hb_k2, to_ward=target)
    assert Khoi.objects.get(pk=world.hb_k2.pk).ward == world.hb
    assert Household.objects.get(code="C-1", khoi=world.hb_k2).ward == world.hb
