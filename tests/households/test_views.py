"""The registry's web pages: list, detail, forms, across roles and scopes."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households import rules, selectors, services
from households.history import member_mark
from households.models import Household, Member, PersonalDataAccess, StatusChange

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "ward_leader_hb", "ward_officer_hb", "khoi_member_hb_k1", "upper_level", "ward_officer_qt"]
EDITORS = ["admin", "ward_leader_hb", "ward_officer_hb", "khoi_member_hb_k1"]
ID_NUMBER = "040090001234"  # Nghệ An, male, born 1990.


def mark(member) -> int:
    """What a member's form keeps to tell later whether the member changed."""
    return member_mark(member.pk)


def removal(seen, reason="moved_away", **extra) -> dict:
    """What the member page's removal form posts."""
    return {"removal-seen": seen, "removal-reason": reason, "removal-left_on": "01/03/2025", **extra}


def today():
    return timezone.localdate()


@pytest.fixture
def households(world):
    """One household in each khối the roles care about; the first has a member with an ID number."""
    hang = HouseholdFactory(khoi=world.hb_k1, code="HB-001", head_name="Nguyễn Thị Hằng", address="Số 5, Lê Lợi")
    MemberFactory(
        household=hang,
        full_name="Trần Văn Nam",
        gender="male",
        birth_date=datetime.date(1990, 5, 1),
        id_number=ID_NUMBER,
        relation="Chồng",
    )
    k2 = HouseholdFactory(khoi=world.hb_k2, code="HB-002", head_name="Lê Văn Bình", status="near_poor")
    qt = HouseholdFactory(khoi=world.qt_k1, code="QT-001", head_name="Phạm Thị Quế", status="average")
    return {"hb_k1": hang, "hb_k2": k2, "qt_k1": qt}


def login(client, world, role):
    client.force_login(world.users[role])
    return world.users[role]


def page(response) -> str:
    return response.content.decode()


def row_names(response) -> list[str]:
    return re.findall(r'<td class="name"><a href="/households/\d+/">([^<]+)</a>', page(response))


# --- Access: every page × role × scope ------------------------------------------

# Which of the three households each role may see.
VISIBLE = {
    "admin": {"hb_k1", "hb_k2", "qt_k1"},
    "ward_leader_hb": {"hb_k1", "hb_k2"},
    "ward_officer_hb": {"hb_k1", "hb_k2"},
    "khoi_member_hb_k1": {"hb_k1"},
    "upper_level": {"hb_k1", "hb_k2", "qt_k1"},
    "ward_officer_qt": {"qt_k1"},
}


def test_anonymous_is_sent_to_login(client, households):
    for url in ["/households/", f"/households/{households['hb_k1'].pk}/", "/households/new/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_exactly_the_households_in_scope(client, world, households, role):
    login(client, world, role)
    response = client.get("/households/")
    assert response.status_code == 200
    shown = set(row_names(response))
    assert shown == {households[key].head_name for key in VISIBLE[role]}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ["hb_k1", "hb_k2", "qt_k1"])
def test_detail_is_404_outside_scope(client, world, households, role, key):
    login(client, world, role)
    response = client.get(f"/households/{households[key].pk}/")
    assert response.status_code == (200 if key in VISIBLE[role] else 404)
    if response.status_code == 200:
        assert households[key].head_name in page(response)
        assert "no-store" in response["Cache-Control"]


def household_form_urls(h, m):
    return [
        f"/households/{h.pk}/edit/",
        f"/households/{h.pk}/status/",
        f"/households/{h.pk}/members/new/",
        f"/households/{h.pk}/members/{m.pk}/edit/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_forms_of_a_household_by_role_and_scope(client, world, households, role):
    """Editors in scope: 200; upper level: 403; a household outside scope: 404."""
    login(client, world, role)
    household = households["hb_k1"]
    member = household.members.get()
    for url in household_form_urls(household, member):
        expected = 403 if role == "upper_level" else 200 if "hb_k1" in VISIBLE[role] else 404
        assert client.get(url).status_code == expected, url
    response = client.post(f"/households/{household.pk}/members/{member.pk}/delete/", removal(mark(member)))
    assert response.status_code in ((403,) if role == "upper_level" else (302,) if "hb_k1" in VISIBLE[role] else (404,))
    assert Member.objects.filter(pk=member.pk).exists() == (response.status_code != 302)


@pytest.mark.parametrize("role", ROLES)
def test_create_page_by_role(client, world, role):
    login(client, world, role)
    response = client.get("/households/new/")
    assert response.status_code == (403 if role == "upper_level" else 200)
    if role == "khoi_member_hb_k1":
        # The khối choice holds only the member's own khối.
        assert re.findall(r'<option value="(\d+)"', page(response)) == [str(world.hb_k1.pk)]


def test_member_of_another_household_is_404(client, world, households):
    login(client, world, "ward_officer_hb")
    other_member = MemberFactory(household=households["hb_k2"])
    url = f"/households/{households['hb_k1'].pk}/members/{other_member.pk}/edit/"
    assert client.get(url).status_code == 404


def test_buttons_follow_the_role(client, world, households):
    login(client, world, "upper_level")
    response = client.get("/households/")
    text = page(response)
    assert "Thêm hộ" not in text
    assert "Nhập từ Excel" not in text
    assert "Xuất Excel" in text
    detail = page(client.get(f"/households/{households['hb_k1'].pk}/"))
    assert "/edit/" not in detail and "Hiện số CCCD" not in detail

    client.force_login(world.users["khoi_member_hb_k1"])
    text = page(client.get("/households/"))
    assert "Thêm hộ" in text
    assert "Nhập từ Excel" not in text  # Imports are ward-wide work.

    client.force_login(world.users["ward_officer_hb"])
    text = page(client.get("/households/"))
    assert "Thêm hộ" in text and 'href="/households/import/"' in text


# --- List: filters, order, pagination ------------------------------------------


def test_search_ignores_accents_and_case(client, world, households):
    login(client, world, "ward_officer_hb")
    response = client.get("/households/", {"q": "nguyen THI hang"})
    assert row_names(response) == ["Nguyễn Thị Hằng"]
    assert "1 hộ" in page(response)
    assert row_names(client.get("/households/", {"q": "le loi"})) == ["Nguyễn Thị Hằng"]
    assert row_names(client.get("/households/", {"q": "HB-002"})) == ["Lê Văn Bình"]


def test_filters_by_status_khoi_and_target(client, world, households):
    login(client, world, "ward_officer_hb")
    escaped = HouseholdFactory(
        khoi=world.hb_k1,
        head_name="Hoàng Văn Thoát",
        status="not_poor",
        status_since=today() - datetime.timedelta(days=30),
        escaped_poverty_on=today() - datetime.timedelta(days=30),
    )
    HouseholdFactory(
        khoi=world.hb_k1,
        head_name="Đặng Văn Cũ",
        status="not_poor",
        status_since=datetime.date(2020, 1, 1),
        escaped_poverty_on=datetime.date(2020, 1, 1),
    )
    assert row_names(client.get("/households/", {"status": "near_poor"})) == ["Lê Văn Bình"]
    by_khoi = set(row_names(client.get("/households/", {"khoi": world.hb_k1.pk})))
    assert by_khoi == {"Nguyễn Thị Hằng", "Hoàng Văn Thoát", "Đặng Văn Cũ"}
    targets = set(row_names(client.get("/households/", {"target": "true"})))
    assert targets == {"Nguyễn Thị Hằng", "Lê Văn Bình", "Hoàng Văn Thoát"}
    response = client.get("/households/", {"newly_escaped": "true"})
    assert row_names(response) == ["Hoàng Văn Thoát"]
    until = rules.newly_escaped_until(escaped.escaped_poverty_on).strftime("%d/%m/%Y")
    assert until in page(response)


def test_filter_with_no_match_shows_the_empty_state(client, world, households):
    login(client, world, "ward_officer_hb")
    response = client.get("/households/", {"q": "không có ai"})
    assert row_names(response) == []
    assert "Không có hộ nào khớp bộ lọc" in page(response)


def test_empty_registry_offers_add_and_import(client, world):
    login(client, world, "ward_officer_hb")
    text = page(client.get("/households/"))
    assert "Chưa có hộ nào trong danh sách" in text
    assert 'href="/households/new/"' in text and 'href="/households/import/"' in text


def test_khoi_filter_choices_are_limited_to_scope(client, world, households):
    login(client, world, "khoi_member_hb_k1")
    response = client.get("/households/")
    form = response.context["filter_form"]
    assert [value for value, _label in form.fields["khoi"].choices] == ["", str(world.hb_k1.pk)]
    assert "ward" not in form.fields
    # Asking for another khối shows nothing of it.
    response = client.get("/households/", {"khoi": world.hb_k2.pk})
    assert row_names(response) == []


@pytest.mark.parametrize(
    ("role", "wards"),
    [
        ("admin", None),
        ("upper_level", None),
        ("ward_officer_hb", []),
        ("ward_leader_hb", []),
        ("khoi_member_hb_k1", []),
    ],
)
def test_ward_filter_only_where_several_wards_are_seen(client, world, role, wards):
    """The ward select, with the khối named with their ward, for those who see several; the others ask no ward query."""
    user = login(client, world, role)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/households/")
    form = response.context["filter_form"]
    asked_wards = [q["sql"] for q in queries if 'FROM "households_ward"' in q["sql"]]
    if wards is None:
        expected = [("", "Tất cả"), *((str(w.pk), w.name) for w in selectors.ward_list(user=user))]
        assert form.fields["ward"].choices == expected and len(expected) > 2
        assert all(" – " in label for value, label in form.fields["khoi"].choices if value)
        assert len(asked_wards) == 1
    else:
        assert "ward" not in form.fields and asked_wards == []
        assert all(" – " not in label for _value, label in form.fields["khoi"].choices)


def test_list_is_in_vietnamese_order(client, world):
    login(client, world, "ward_officer_hb")
    for name in ["Lê Thị Bình", "Trần Văn An", "Nguyễn Văn Ánh", "Phạm Thị Ân"]:
        HouseholdFactory(khoi=world.hb_k1, head_name=name)
    # Given name first (An < Ánh < Ân < Bình: a, then tones, then â).
    assert row_names(client.get("/households/")) == ["Trần Văn An", "Nguyễn Văn Ánh", "Phạm Thị Ân", "Lê Thị Bình"]


def test_pagination_keeps_the_filters(client, world):
    login(client, world, "ward_officer_hb")
    for n in range(53):
        HouseholdFactory(khoi=world.hb_k1, head_name=f"Nguyễn Văn Hộ {n:02d}", status="poor")
    HouseholdFactory(khoi=world.hb_k1, head_name="Ngoài Lọc", status="average")
    response = client.get("/households/", {"status": "poor"})
    assert len(row_names(response)) == 50
    text = page(response)
    assert "53 hộ" in text
    assert 'href="?status=poor&amp;page=2"' in text
    second = client.get("/households/", {"status": "poor", "page": 2})
    assert len(row_names(second)) == 3
    assert "Ngoài Lọc" not in page(second)


def test_export_link_carries_the_filters(client, world, households):
    login(client, world, "ward_officer_hb")
    text = page(client.get("/households/", {"status": "poor", "q": "hang", "page": "1"}))
    assert 'href="/reports/households.xlsx?status=poor&amp;q=hang"' in text
    assert 'href="/reports/households.xlsx?status=poor&amp;q=hang&amp;show_ids=1"' in text


def test_only_roles_that_may_reveal_get_the_full_id_export_link(client, world, households):
    login(client, world, "upper_level")
    assert 'data-testid="export-ids"' not in page(client.get("/households/"))
    login(client, world, "khoi_member_hb_k1")
    assert 'href="/reports/households.xlsx?show_ids=1"' in page(client.get("/households/"))


def test_bad_filter_value_is_explained(client, world, households):
    login(client, world, "ward_officer_hb")
    response = client.get("/households/", {"as_of": "31/02/2025"})
    assert response.status_code == 200
    assert "Tháng 2 năm 2025 không có ngày 31" in page(response)
    # dd/mm/yyyy, ddmmyyyy and the API's ISO form filter the same way.
    for as_of in ("15/08/2025", "15082025", "2025-08-15"):
        response = client.get("/households/", {"as_of": as_of})
        assert "đến ngày 15/08/2025" in page(response), as_of


# --- Detail ---------------------------------------------------------------------


def test_detail_shows_newly_escaped_until_and_priority_groups(client, world):
    user = login(client, world, "ward_officer_hb")
    escaped_on = today() - datetime.timedelta(days=100)
    household = services.household_create(
        by=user,
        khoi=world.hb_k1,
        code="HB-100",
        head_name="Vi Thị Mai",
        status="not_poor",
        status_since=escaped_on,
        escaped_poverty_on=escaped_on,
        ethnic_minority=True,
    )
    services.member_create(
        by=user,
        household=household,
        full_name="Vi Thị Con",
        gender="female",
        birth_date=today() - datetime.timedelta(days=365 * 5),
    )
    text = page(client.get(f"/households/{household.pk}/"))
    until = rules.newly_escaped_until(escaped_on).strftime("%d/%m/%Y")
    assert f"Mới thoát nghèo đến hết ngày {until}" in text
    # A child and a woman of a target household; the household itself is not poor, so no household group.
    member_groups = re.search(r'<tr data-testid="member-row">(.*?)</tr>', text, re.S).group(1)
    assert "Trẻ em dưới 16 tuổi" in member_groups and "Phụ nữ" in member_groups
    groups = re.search(r'data-testid="household-groups">(.*?)</dd>', text, re.S).group(1)
    assert "badge" not in groups


def test_status_history_lists_each_change_with_who_recorded_it(client, world):
    user = login(client, world, "ward_officer_hb")
    household = services.household_create(
        by=user,
        khoi=world.hb_k1,
        code="HB-7",
        head_name="Hồ Văn Sử",
        status="poor",
        status_since=datetime.date(2023, 1, 1),
    )
    services.household_change_status(
        by=user,
        household=household,
        version=household.version,
        to_status="near_poor",
        effective_on=datetime.date(2024, 12, 20),
        reason="decision",
        decision_number="125/QĐ-UBND",
        note="Rà soát định kỳ 2024",
    )
    response = client.get(f"/households/{household.pk}/")
    text = page(response)
    rows = re.findall(r'<tr data-testid="status-change">(.*?)</tr>', text, re.S)
    assert len(rows) == 2
    newest = rows[0]
    assert "20/12/2024" in newest and "Hộ nghèo → <strong>Hộ cận nghèo</strong>" in newest
    assert "125/QĐ-UBND" in newest and "Rà soát định kỳ 2024" in newest and str(user) in newest


def test_change_history_shows_who_changed_which_field(client, world):
    user = login(client, world, "ward_officer_hb")
    household = services.household_create(
        by=user,
        khoi=world.hb_k1,
        code="HB-8",
        head_name="Cũ Văn Tên",
        status="poor",
        status_since=datetime.date(2024, 1, 1),
    )
    services.household_update(by=user, household=household, version=1, head_name="Mới Văn Tên", khoi=world.hb_k2)
    household.refresh_from_db()
    member = services.member_create(by=user, household=household, version=household.version, full_name="Thành Viên")
    household.refresh_from_db()
    services.member_update(by=user, member=member, version=household.version, id_number=ID_NUMBER, gender="male")
    text = page(client.get(f"/households/{household.pk}/"))
    assert "<del>Cũ Văn Tên</del> → <ins>Mới Văn Tên</ins>" in text
    assert "<del>Khối 1</del> → <ins>Khối 2</ins>" in text
    assert "Thành viên Thành Viên" in text
    # ID numbers stay masked in the history too.
    assert "<del>—</del> → <ins>********1234</ins>" in text
    assert ID_NUMBER not in text
    assert str(user) in re.search(r'data-testid="change-history"(.*?)</section>', text, re.S).group(1)


# --- ID numbers -------------------------------------------------------------------


def test_id_numbers_are_masked_by_default(client, world, households):
    login(client, world, "ward_officer_hb")
    text = page(client.get(f"/households/{households['hb_k1'].pk}/"))
    assert ID_NUMBER not in text
    assert "********1234" in text
    assert "Hiện số CCCD" in text
    assert PersonalDataAccess.objects.count() == 0


def test_revealing_id_numbers_is_logged(client, world, households):
    user = login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    response = client.get(f"/households/{household.pk}/", {"show_ids": "1"})
    assert ID_NUMBER in page(response)
    assert "no-store" in response["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert access.user == user
    assert access.action == "view"
    assert access.household_ids == [household.pk]
    assert access.member_count == 1
    # The ID number never travels in a URL: the button only asks to show.
    assert 'name="show_ids" value="1"' in page(client.get(f"/households/{household.pk}/"))


def test_upper_level_cannot_reveal(client, world, households):
    login(client, world, "upper_level")
    text = page(client.get(f"/households/{households['hb_k1'].pk}/", {"show_ids": "1"}))
    assert ID_NUMBER not in text and "********1234" in text
    assert PersonalDataAccess.objects.count() == 0


def test_upper_level_sees_no_ethnicity_or_disability_per_person(client, world):
    household = HouseholdFactory(khoi=world.hb_k1, code="HB-050", status="poor")
    member = MemberFactory(household=household, full_name="Lô Thị Mai", ethnicity="Thái", is_disabled=True)
    services.member_update(by=world.users["admin"], member=member, ethnicity="Khơ Mú", is_disabled=False)
    services.member_update(by=world.users["admin"], member=member, is_disabled=True)
    login(client, world, "upper_level")
    text = page(client.get(f"/households/{household.pk}/"))
    members = re.search(r'data-testid="members"(.*?)</section>', text, re.S).group(1)
    history = re.search(r'data-testid="change-history"(.*?)</section>', text, re.S).group(1)
    assert "Lô Thị Mai" in members
    for withheld in ("Khơ Mú", "Thái", '"tag">Khuyết tật', "Người khuyết tật", ">Dân tộc<", "Dân tộc:"):
        assert withheld not in members, withheld
        assert withheld not in history, withheld
    assert 'data-testid="sensitive-withheld"' in text
    login(client, world, "ward_officer_hb")
    text = page(client.get(f"/households/{household.pk}/"))
    assert "Khơ Mú" in text and "Người khuyết tật" in text and "Dân tộc:" in text and ">Dân tộc<" in text
    assert 'data-testid="sensitive-withheld"' not in text


# --- Forms --------------------------------------------------------------------------


def test_create_household_through_the_service(client, world):
    user = login(client, world, "khoi_member_hb_k1")
    response = client.post(
        "/households/new/",
        {
            "khoi": world.hb_k1.pk,
            "code": "HB-900",
            "head_name": "  Nguyễn Văn Mới ",
            "address": "Số 1, ngõ 2",
            "status": "poor",
            "status_since": "15/01/2025",
            "decision_number": "12/QĐ-UBND",
        },
    )
    household = Household.objects.get(code="HB-900")
    assert response.status_code == 302
    assert response["Location"] == f"/households/{household.pk}/"
    assert household.head_name == "Nguyễn Văn Mới"
    assert household.status_since == datetime.date(2025, 1, 15)
    change = StatusChange.objects.get(household=household)
    assert (change.to_status, change.recorded_by, change.decision_number) == ("poor", user, "12/QĐ-UBND")
    assert household.history.get().history_user == user
    followed = page(client.get(response["Location"]))
    assert "Đã lưu hộ mới HB-900 – Nguyễn Văn Mới." in followed


def test_create_accepts_iso_dates_from_date_pickers(client, world):
    login(client, world, "ward_officer_hb")
    data = {"khoi": world.hb_k1.pk, "code": "HB-901", "head_name": "A", "status": "poor", "status_since": "2025-01-15"}
    assert client.post("/households/new/", data).status_code == 302
    assert Household.objects.get(code="HB-901").status_since == datetime.date(2025, 1, 15)


def test_create_shows_service_errors_next_to_fields(client, world, households):
    login(client, world, "ward_officer_hb")
    future = (today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    response = client.post(
        "/households/new/",
        {"khoi": world.hb_k1.pk, "code": "HB-001", "head_name": "Trùng Mã", "status": "poor", "status_since": future},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "status_since" in form.errors
    response = client.post(
        "/households/new/",
        {
            "khoi": world.hb_k1.pk,
            "code": "HB-001",
            "head_name": "Trùng Mã",
            "status": "poor",
            "status_since": "01/01/2025",
        },
    )
    form = response.context["form"]
    assert form.errors["code"] == ["Mã hộ HB-001 đã được dùng trong phường này; hãy nhập mã khác."]
    assert 'value="Trùng Mã"' in page(response)
    assert Household.objects.filter(code="HB-001").count() == 1


def test_khoi_member_cannot_create_in_another_khoi(client, world):
    login(client, world, "khoi_member_hb_k1")
    data = {"khoi": world.hb_k2.pk, "code": "HB-902", "head_name": "A", "status": "poor", "status_since": "01/01/2025"}
    response = client.post("/households/new/", data)
    assert response.status_code == 200
    assert "khoi" in response.context["form"].errors
    assert not Household.objects.filter(code="HB-902").exists()


def test_upper_level_cannot_post(client, world, households):
    login(client, world, "upper_level")
    data = {"khoi": world.hb_k1.pk, "code": "X", "head_name": "A", "status": "poor", "status_since": "01/01/2025"}
    assert client.post("/households/new/", data).status_code == 403
    household = households["hb_k1"]
    edit = {"khoi": world.hb_k1.pk, "code": "HB-001", "head_name": "Đổi", "version": household.version}
    assert client.post(f"/households/{household.pk}/edit/", edit).status_code == 403
    household.refresh_from_db()
    assert household.head_name == "Nguyễn Thị Hằng"


def edit_data(household, **changes):
    return {
        "khoi": household.khoi_id,
        "code": household.code,
        "head_name": household.head_name,
        "address": household.address,
        "version": household.version,
        **changes,
    }


def test_edit_household_records_history_user(client, world, households):
    user = login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    response = client.post(f"/households/{household.pk}/edit/", edit_data(household, head_name="Nguyễn Thị Hằng Mới"))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_name == "Nguyễn Thị Hằng Mới"
    assert household.version == 2
    assert household.history.latest().history_user == user
    assert "Đã lưu thay đổi của hộ HB-001." in page(client.get(response["Location"]))


def test_edit_form_carries_the_version(client, world, households):
    login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    text = page(client.get(f"/households/{household.pk}/edit/"))
    assert f'name="version" value="{household.version}"' in text


def test_change_status_through_the_form(client, world, households):
    user = login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    data = {
        "to_status": "not_poor",
        "effective_on": "20/12/2024",
        "reason": "decision",
        "decision_number": "200/QĐ-UBND",
        "note": "",
        "version": household.version,
    }
    response = client.post(f"/households/{household.pk}/status/", data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == "not_poor"
    assert household.escaped_poverty_on == datetime.date(2024, 12, 20)
    change = household.status_changes.get()
    assert (change.from_status, change.decision_number, change.recorded_by) == ("poor", "200/QĐ-UBND", user)
    assert "Đã lưu: hộ HB-001" in page(client.get(response["Location"]))


def test_change_status_needs_a_decision_number(client, world, households):
    login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    data = {"to_status": "near_poor", "effective_on": "20/12/2024", "reason": "decision", "version": household.version}
    response = client.post(f"/households/{household.pk}/status/", data)
    assert response.status_code == 200
    assert "decision_number" in response.context["form"].errors
    household.refresh_from_db()
    assert household.status == "poor"
    assert not household.status_changes.exists()


def test_add_edit_and_remove_a_member(client, world, households):
    user = login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    data = {
        "full_name": "Trần Thị Lan",
        "birth_date": "02/03/2015",
        "gender": "female",
        "relation": "Con",
        "id_number": "",
        "ethnicity": "Kinh",
    }
    response = client.post(f"/households/{household.pk}/members/new/", data)
    assert response.status_code == 302
    member = household.members.get(full_name="Trần Thị Lan")
    assert member.birth_date == datetime.date(2015, 3, 2)
    assert member.history.get().history_user == user
    household.refresh_from_db()

    data.update(relation="Cháu", seen=mark(member))
    response = client.post(f"/households/{household.pk}/members/{member.pk}/edit/", data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.relation == "Cháu"
    household.refresh_from_db()

    response = client.post(f"/households/{household.pk}/members/{member.pk}/delete/", removal(mark(member)))
    assert response.status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()
    assert "Đã đưa thành viên Trần Thị Lan ra khỏi hộ (Chuyển đi nơi khác, ngày 01/03/2025)" in page(
        client.get(response["Location"])
    )


def test_member_id_number_errors_show_next_to_the_field(client, world, households):
    login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    data = {"full_name": "Sai Số", "gender": "female", "id_number": "0401900012345"}
    response = client.post(f"/households/{household.pk}/members/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["Số CCCD phải gồm đúng 12 chữ số (đang có 13 ký tự)."]
    assert not household.members.filter(full_name="Sai Số").exists()


def test_member_edit_never_puts_the_id_number_in_the_page_and_blank_keeps_it(client, world, households):
    login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    member = household.members.get()
    text = page(client.get(f"/households/{household.pk}/members/{member.pk}/edit/"))
    assert ID_NUMBER not in text and "********1234" in text
    data = {"full_name": member.full_name, "gender": "male", "birth_date": "01/05/1990", "seen": mark(member)}
    data["relation"] = "Chủ hộ"
    assert client.post(f"/households/{household.pk}/members/{member.pk}/edit/", data).status_code == 302
    member.refresh_from_db()
    assert (member.id_number, member.relation) == (ID_NUMBER, "Chủ hộ")


def test_stale_member_delete_keeps_the_member(client, world, households):
    user = login(client, world, "ward_officer_hb")
    household = households["hb_k1"]
    member = household.members.get()
    seen = mark(member)
    services.member_update(by=user, member=member, relation="Chủ hộ")
    response = client.post(f"/households/{household.pk}/members/{member.pk}/delete/", removal(seen))
    assert response.status_code == 302
    assert Member.objects.filter(pk=member.pk).exists()
    assert "Chưa có gì bị xóa" in page(client.get(response["Location"]))


# --- Dashboard counts --------------------------------------------------------------


def test_dashboard_counts_by_status_and_targets(client, world, households):
    HouseholdFactory(khoi=world.hb_k1, status="poor")
    HouseholdFactory(khoi=world.hb_k1, status="not_poor", escaped_poverty_on=today() - datetime.timedelta(days=10))
    login(client, world, "ward_officer_hb")
    response = client.get("/")
    ward = response.context["wards"][0]
    k1, k2 = ward.visible_khois
    assert (k1.counts["total"], k1.counts["poor"], k1.counts["newly_escaped"], k1.counts["target"]) == (3, 2, 1, 3)
    assert (k2.counts["total"], k2.counts["near_poor"], k2.counts["target"]) == (1, 1, 1)
    assert ward.counts["total"] == 4 and ward.counts["target"] == 4
    assert f'href="/households/?khoi={k1.pk}&amp;status=poor"' in page(response)


# --- Query counts ---------------------------------------------------------------------


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["admin", "ward_officer_hb", "khoi_member_hb_k1", "upper_level"])
def test_list_page_queries_do_not_grow_with_rows(client, world, role, django_assert_max_num_queries):
    login(client, world, role)
    for _ in range(3):
        MemberFactory(household=HouseholdFactory(khoi=world.hb_k1))
    few = count_queries(client, "/households/", status="poor")
    for _ in range(30):
        household = HouseholdFactory(khoi=world.hb_k1)
        MemberFactory.create_batch(2, household=household)
    with django_assert_max_num_queries(8):
        many = count_queries(client, "/households/", status="poor")
    assert many == few


def test_detail_page_queries_do_not_grow_with_members_or_history(client, world, django_assert_max_num_queries):
    user = login(client, world, "ward_officer_hb")
    household = services.household_create(
        by=user,
        khoi=world.hb_k1,
        code="HB-Q",
        head_name="Đếm Truy Vấn",
        status="poor",
        status_since=datetime.date(2024, 1, 1),
    )
    services.member_create(by=user, household=household, full_name="Một")
    few = count_queries(client, f"/households/{household.pk}/")
    few_reveal = count_queries(client, f"/households/{household.pk}/", show_ids="1")
    for n in range(7):
        household.refresh_from_db()
        member = services.member_create(by=user, household=household, full_name=f"Thành viên {n}", gender="female")
        household.refresh_from_db()
        services.member_update(by=user, member=member, version=household.version, relation="Con")
    household.refresh_from_db()
    services.household_update(by=user, household=household, version=household.version, khoi=world.hb_k2)
    assert household.members.count() == 8
    with django_assert_max_num_queries(10):
        many = count_queries(client, f"/households/{household.pk}/")
    assert many == few
    assert count_queries(client, f"/households/{household.pk}/", show_ids="1") == few_reveal
