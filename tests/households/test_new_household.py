"""A new household and its members: the head becomes the first member, the next free code is
suggested, relation and ethnicity come from lists, and a removed member keeps why and when."""

import datetime
import re

import pytest
from django.utils import timezone

from households import rules, selectors, services
from households.history import member_mark
from households.models import Household, Member, MemberRemoval
from households.vocab import Ethnicity

from ..factories import HouseholdFactory, MemberFactory
from .test_views import removal

pytestmark = pytest.mark.django_db

HEAD_ID = "040090001234"  # Nghệ An, male, born 1990.


def page(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize(
    ("code", "expected"),
    [("HB-0366", "HB-0367"), ("HB-0999", "HB-1000"), ("099", "100"), ("K1/12", "K1/13"), ("HB", None), ("", None)],
)
def test_next_code(code, expected):
    assert rules.next_code(code) == expected


def test_next_household_code_follows_the_wards_numbering_and_skips_taken_codes(world):
    assert selectors.next_household_code(ward_id=world.hb.pk) == ""
    for code in ("HB-0998", "HB-0999", "HB-1000", "HB-1002"):
        HouseholdFactory(khoi=world.hb_k1, code=code)
    HouseholdFactory(khoi=world.hb_k2, code="HB-1001")
    HouseholdFactory(khoi=world.qt_k1, code="HB-5000")  # Another ward's numbering does not count.
    assert selectors.next_household_code(ward_id=world.hb.pk) == "HB-1003"
    HouseholdFactory(khoi=world.hb_k1, code="Mới")  # The latest code ends in no number: nothing to follow.
    assert selectors.next_household_code(ward_id=world.hb.pk) == ""


@pytest.mark.parametrize("role", ["ward_officer_hb", "khoi_member_hb_k1"])
def test_create_form_suggests_the_next_code_to_every_editor(client, world, role):
    HouseholdFactory(khoi=world.hb_k2, code="HB-0041")
    client.force_login(world.users[role])
    html = client.get("/households/new/").content.decode()
    assert 'name="code" value="HB-0042"' in html
    assert "Mã còn trống tiếp theo của phường là HB-0042" in html


def create_data(world, **extra):
    return {
        "khoi": world.hb_k1.pk,
        "code": "HB-0100",
        "head_name": "Nguyễn Văn Chủ",
        "status": "poor",
        "status_since": "15/01/2025",
        "head_birth_date": "01/05/1990",
        "head_gender": "male",
        "head_id_number": HEAD_ID,
        "head_ethnicity": "Thái",
        **extra,
    }


def test_the_head_entered_on_the_form_becomes_the_first_member(client, world):
    user = world.users["ward_officer_hb"]
    client.force_login(user)
    response = client.post("/households/new/", create_data(world))
    assert response.status_code == 302
    household = Household.objects.get(code="HB-0100")
    head = household.members.get()
    assert (head.full_name, head.relation, head.position) == ("Nguyễn Văn Chủ", "Chủ hộ", 1)
    assert (head.birth_date, head.gender, head.id_number, head.ethnicity) == (
        datetime.date(1990, 5, 1),
        "male",
        HEAD_ID,
        "Thái",
    )
    assert head.history.get().history_user == user


def test_a_wrong_head_id_number_is_shown_next_to_its_field_and_nothing_is_saved(client, world):
    client.force_login(world.users["ward_officer_hb"])
    response = client.post("/households/new/", create_data(world, head_gender="female"))
    assert response.status_code == 200
    assert "khác với giới tính" in " ".join(response.context["form"].errors["head_id_number"])
    assert not Household.objects.filter(code="HB-0100").exists()
    MemberFactory(household=HouseholdFactory(khoi=world.hb_k2), id_number=HEAD_ID)
    response = client.post("/households/new/", create_data(world))
    assert "head_id_number" in response.context["form"].errors
    assert not Member.objects.filter(full_name="Nguyễn Văn Chủ").exists()


def test_relation_and_ethnicity_are_chosen_from_lists(client, world):
    household = HouseholdFactory(khoi=world.hb_k1)
    client.force_login(world.users["ward_officer_hb"])
    html = client.get(f"/households/{household.pk}/members/new/").content.decode()
    ethnicity = re.search(r'<select name="ethnicity".*?</select>', html, re.S)[0]
    assert re.findall(r'<option value="([^"]*)"', ethnicity) == ["", *Ethnicity.values]
    assert len(Ethnicity.values) == 54
    assert '<option value="Kinh" selected>' in ethnicity
    relation = re.search(r'<select name="relation".*?</select>', html, re.S)[0]
    assert '<option value="Chủ hộ">' in relation and '<option value="Con dâu">' in relation
    response = client.post(
        f"/households/{household.pk}/members/new/", {"full_name": "A", "relation": "Bạn thân", "ethnicity": "Kinh"}
    )
    assert "relation" in response.context["form"].errors


def test_a_word_from_before_the_lists_is_read_back_or_kept(client, world):
    household = HouseholdFactory(khoi=world.hb_k1)
    daughter = MemberFactory(household=household, relation="Con gái", ethnicity="Kinh")
    friend = MemberFactory(household=household, relation="Bạn cùng phòng", ethnicity="Khmer")
    client.force_login(world.users["ward_officer_hb"])
    html = client.get(f"/households/{household.pk}/members/{daughter.pk}/edit/").content.decode()
    assert '<option value="Con" selected>' in html
    html = client.get(f"/households/{household.pk}/members/{friend.pk}/edit/").content.decode()
    assert '<option value="Bạn cùng phòng" selected>Bạn cùng phòng (không có trong danh sách)</option>' in html
    assert '<option value="Khơ Me" selected>' in html
    data = {"full_name": friend.full_name, "relation": "Bạn cùng phòng", "ethnicity": "Khơ Me"}
    response = client.post(
        f"/households/{household.pk}/members/{friend.pk}/edit/", {**data, "seen": member_mark(friend.pk)}
    )
    assert response.status_code == 302
    friend.refresh_from_db()
    assert (friend.relation, friend.ethnicity) == ("Bạn cùng phòng", "Khơ Me")


# --- Removing a member -------------------------------------------------------


@pytest.fixture
def family(world):
    household = HouseholdFactory(khoi=world.hb_k1, code="HB-0007")
    grandma = MemberFactory(household=household, full_name="Lê Thị Bà", birth_date=datetime.date(1940, 1, 1))
    return household, grandma


def test_removing_a_member_asks_why(client, world, family):
    household, grandma = family
    client.force_login(world.users["ward_officer_hb"])
    url = f"/households/{household.pk}/members/{grandma.pk}/delete/"
    html = client.get(f"/households/{household.pk}/members/{grandma.pk}/edit/").content.decode()
    for reason in ("died", "moved_away", "household_split", "entered_by_mistake"):
        assert f'name="removal-reason" value="{reason}"' in html
    assert f'name="removal-left_on" value="{timezone.localdate():%d/%m/%Y}"' in html

    response = client.post(url, removal(member_mark(grandma.pk), reason=""))
    assert response.status_code == 200
    assert "Hãy chọn lý do thành viên rời hộ." in page(response)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(url, removal(member_mark(grandma.pk), reason="died", **{"removal-left_on": tomorrow}))
    assert "Ngày rời hộ không được ở tương lai." in page(response)
    assert Member.objects.filter(pk=grandma.pk).exists()
    assert not MemberRemoval.objects.exists()


def test_a_removed_member_stays_in_the_history_with_the_reason(client, world, family):
    household, grandma = family
    user = world.users["ward_officer_hb"]
    client.force_login(user)
    data = removal(member_mark(grandma.pk), reason="died", **{"removal-note": "Giấy báo tử số 12"})
    response = client.post(f"/households/{household.pk}/members/{grandma.pk}/delete/", data)
    assert response.status_code == 302
    assert not Member.objects.filter(pk=grandma.pk).exists()
    gone = MemberRemoval.objects.get()
    assert (gone.member_id, gone.full_name, gone.reason, gone.left_on) == (
        grandma.pk,
        "Lê Thị Bà",
        "died",
        datetime.date(2025, 3, 1),
    )
    assert (gone.birth_date, gone.note, gone.recorded_by) == (datetime.date(1940, 1, 1), "Giấy báo tử số 12", user)
    assert Member.history.filter(id=grandma.pk, history_type="-").get().history_change_reason == "died"
    text = page(client.get(response["Location"]))
    assert "Thành viên đã rời hộ Họ và tên Lý do rời hộ" in text
    assert "Lê Thị Bà Qua đời 01/03/2025 Giấy báo tử số 12" in text
    assert "Thành viên Lê Thị Bà · Xóa khỏi hộ: Qua đời" in text


def test_removals_are_read_in_scope_and_by_period(world, family):
    household, grandma = family
    other = MemberFactory(household=HouseholdFactory(khoi=world.hb_k2))
    officer = world.users["ward_officer_hb"]
    services.member_delete(by=officer, member=grandma, reason="died", left_on=datetime.date(2025, 3, 1))
    services.member_delete(by=officer, member=other, reason="moved_away", left_on=datetime.date(2025, 7, 1))
    assert selectors.member_removals(user=officer).count() == 2
    assert [r.full_name for r in selectors.member_removals(user=world.users["khoi_member_hb_k1"])] == ["Lê Thị Bà"]
    assert selectors.member_removals(user=world.users["ward_officer_qt"]).count() == 0
    first_half = selectors.member_removals(
        user=officer, since=datetime.date(2025, 1, 1), until=datetime.date(2025, 6, 30)
    )
    assert [r.reason for r in first_half] == ["died"]


def test_the_api_removal_is_recorded_without_a_reason(api_client, world, family):
    household, grandma = family
    api_client.force_authenticate(world.users["ward_officer_hb"])
    assert api_client.delete(f"/api/v1/members/{grandma.pk}/").status_code == 204
    gone = MemberRemoval.objects.get()
    assert (gone.full_name, gone.reason, gone.left_on) == ("Lê Thị Bà", "", timezone.localdate())
