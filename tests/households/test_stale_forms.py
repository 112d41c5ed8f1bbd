"""No lost typing: a form saved after the record changed (docs/concurrent-edits.md).

A member's form conflicts only with changes to that member; a stale household
form writes what does not collide, and asks field by field about what does,
saying who changed what and when — and never "someone else" when it was the
same user in another tab.
"""

import datetime
import re

import pytest

from households import services
from households.history import member_mark
from households.models import Household, Member

from ..factories import HouseholdFactory, MemberFactory, WardOfficerFactory
from .test_views import removal

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(world):
    household = HouseholdFactory(khoi=world.hb_k1, code="HB-001", head_name="Nguyễn Văn An", address="Số 5, Lê Lợi")
    MemberFactory(household=household, full_name="Trần Thị Bé", birth_date=datetime.date(2010, 8, 15))
    MemberFactory(household=household, full_name="Nguyễn Văn Út", birth_date=datetime.date(2015, 1, 2))
    return household


@pytest.fixture
def me(client, world):
    user = world.users["ward_officer_hb"]
    client.force_login(user)
    return user


@pytest.fixture
def lan(world):
    return WardOfficerFactory(username="lan", first_name="Lan", last_name="Trần Thị", ward=world.hb)


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def edit_data(household, **changes):
    fields = {"khoi": household.khoi_id, "code": household.code, "head_name": household.head_name}
    return {**fields, "address": household.address, "version": household.version, **changes}


def member_data(member, **changes):
    fields = {"full_name": member.full_name, "birth_date": member.birth_date.strftime("%d/%m/%Y")}
    return {**fields, "gender": member.gender, "relation": member.relation, "seen": member_mark(member.pk), **changes}


# --- Members ------------------------------------------------------------------


def test_adding_a_member_is_not_refused_because_the_address_changed(client, me, lan, household):
    client.get(f"/households/{household.pk}/members/new/")
    services.household_update(by=lan, household=household, version=household.version, address="Số 9, Lê Lợi")
    response = client.post(f"/households/{household.pk}/members/new/", {"full_name": "Lê Văn Mới", "ethnicity": "Kinh"})
    assert response.status_code == 302
    assert household.members.filter(full_name="Lê Văn Mới").exists()


def test_a_members_form_ignores_changes_to_the_household_and_to_other_members(client, me, lan, household):
    be, ut = household.members.order_by("full_name")
    data = member_data(be, relation="Cháu")
    services.household_update(by=lan, household=household, version=household.version, address="Số 9")
    services.member_update(by=lan, member=ut, relation="Cháu")
    response = client.post(f"/households/{household.pk}/members/{be.pk}/edit/", data)
    assert response.status_code == 302
    be.refresh_from_db()
    assert be.relation == "Cháu"


def test_a_members_form_merges_with_a_change_to_another_field_of_that_member(client, me, lan, household):
    be = household.members.get(full_name="Trần Thị Bé")
    data = member_data(be, relation="Cháu")
    services.member_update(by=lan, member=be, birth_date=datetime.date(2010, 8, 16))
    response = client.post(f"/households/{household.pk}/members/{be.pk}/edit/", data)
    assert response.status_code == 302
    be.refresh_from_db()
    assert (be.relation, be.birth_date) == ("Cháu", datetime.date(2010, 8, 16))
    page = text(client.get(response["Location"]))
    assert "Trần Thị Lan đã sửa hồ sơ này sau khi bạn mở biểu mẫu; thay đổi của bạn đã được lưu" in page


def test_both_changed_the_birth_date_the_user_chooses(client, me, lan, household):
    be = household.members.get(full_name="Trần Thị Bé")
    url = f"/households/{household.pk}/members/{be.pk}/edit/"
    data = member_data(be, birth_date="15/09/2010")
    services.member_update(by=lan, member=be, birth_date=datetime.date(2010, 8, 16))
    response = client.post(url, data)
    assert response.status_code == 409
    page = text(response)
    assert "Trần Thị Lan đã sửa hồ sơ này sau khi bạn mở biểu mẫu." in page
    assert "Ngày sinh: 15/08/2010 → 16/08/2010" in page
    assert 'value="15/09/2010"' in response.content.decode()  # What I typed stays in the box.
    assert "Giá trị đang lưu: 16/08/2010" in page
    be.refresh_from_db()
    assert be.birth_date == datetime.date(2010, 8, 16)

    form = response.context["form"]
    resubmit = {**member_data(be, birth_date="15/09/2010"), "seen": form.initial["seen"], "conflicts": "birth_date"}
    assert client.post(url, resubmit).status_code == 200  # A choice is required.
    assert client.post(url, {**resubmit, "keep_birth_date": "theirs"}).status_code == 302
    be.refresh_from_db()
    assert be.birth_date == datetime.date(2010, 8, 16)
    resubmit["seen"] = member_mark(be.pk)
    assert client.post(url, {**resubmit, "keep_birth_date": "mine"}).status_code == 302
    be.refresh_from_db()
    assert be.birth_date == datetime.date(2010, 9, 15)


def test_removing_a_member_changed_meanwhile_asks_again(client, me, lan, household):
    be = household.members.get(full_name="Trần Thị Bé")
    seen = member_mark(be.pk)
    services.member_update(by=lan, member=be, relation="Con nuôi")
    response = client.post(f"/households/{household.pk}/members/{be.pk}/delete/", removal(seen))
    assert response["Location"] == f"/households/{household.pk}/members/{be.pk}/edit/"
    assert Member.objects.filter(pk=be.pk).exists()
    assert "Trần Thị Lan đã sửa hồ sơ này" in text(client.get(response["Location"]))


def test_member_service_checks_the_members_own_mark(lan, household):
    be = household.members.get(full_name="Trần Thị Bé")
    seen = member_mark(be.pk)
    services.member_update(by=lan, member=be, relation="Con nuôi")
    with pytest.raises(services.StaleMember):
        services.member_update(by=lan, member=be, seen=seen, relation="Con")
    with pytest.raises(services.StaleMember):
        services.member_delete(by=lan, member=be, seen=seen)


# --- Households ----------------------------------------------------------------


def test_household_edit_writes_what_does_not_collide(client, me, lan, household):
    data = edit_data(household, head_name="Nguyễn Văn An Mới")
    services.household_update(by=lan, household=household, version=household.version, address="Số 9, Lê Lợi")
    response = client.post(f"/households/{household.pk}/edit/", data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.head_name, household.address) == ("Nguyễn Văn An Mới", "Số 9, Lê Lợi")


def test_household_edit_is_not_stale_because_a_member_was_added(client, me, lan, household):
    data = edit_data(household, address="Số 7, Lê Lợi")
    services.member_create(by=lan, household=household, full_name="Em Bé")
    assert client.post(f"/households/{household.pk}/edit/", data).status_code == 302
    household.refresh_from_db()
    assert household.address == "Số 7, Lê Lợi"


def test_both_changed_the_address_nothing_is_written_and_the_user_chooses(client, me, lan, household):
    url = f"/households/{household.pk}/edit/"
    data = edit_data(household, address="Số 7, Lê Lợi", head_name="Tên Của Tôi")
    services.household_update(by=lan, household=household, version=household.version, address="Số 9, Lê Lợi")
    response = client.post(url, data)
    assert response.status_code == 409
    page = text(response)
    assert "Trần Thị Lan đã sửa hồ sơ này sau khi bạn mở biểu mẫu." in page
    assert "Người khác" not in page
    assert "Địa chỉ: Số 5, Lê Lợi → Số 9, Lê Lợi" in page
    html = response.content.decode()
    assert 'value="Số 7, Lê Lợi"' in html and 'value="Tên Của Tôi"' in html
    assert 'name="keep_address"' in html and 'name="keep_head_name"' not in html
    household.refresh_from_db()
    assert (household.address, household.head_name) == ("Số 9, Lê Lợi", "Nguyễn Văn An")

    assert 'name="conflicts" value="address"' in html
    resubmit = edit_data(household, address="Số 7, Lê Lợi", head_name="Tên Của Tôi", conflicts="address")
    assert client.post(url, resubmit).status_code == 200  # Which address to keep must be chosen.
    resubmit["keep_address"] = "mine"
    assert client.post(url, resubmit).status_code == 302
    household.refresh_from_db()
    assert (household.address, household.head_name) == ("Số 7, Lê Lợi", "Tên Của Tôi")


def test_the_same_user_in_another_tab_is_not_someone_else(client, me, household):
    data = edit_data(household, address="Số 7, Lê Lợi")
    services.household_update(by=me, household=household, version=household.version, address="Số 9, Lê Lợi")
    response = client.post(f"/households/{household.pk}/edit/", data)
    assert response.status_code == 409
    page = text(response)
    assert "Chính bạn đã lưu thay đổi khác cho hồ sơ này ở một thẻ hoặc cửa sổ khác" in page
    assert "đã sửa hồ sơ này sau khi bạn mở" not in page


def test_stale_status_change_keeps_the_typing_and_shows_what_changed(client, me, lan, household):
    url = f"/households/{household.pk}/status/"
    data = {"to_status": "near_poor", "effective_on": "20/12/2024", "reason": "decision"}
    data.update(decision_number="9/QĐ-UBND", version=household.version)
    services.household_change_status(
        by=lan,
        household=household,
        version=household.version,
        to_status="not_poor",
        effective_on=datetime.date(2024, 12, 1),
        reason="decision",
        decision_number="7/QĐ-UBND",
    )
    response = client.post(url, data)
    assert response.status_code == 409
    page = text(response)
    assert "Trần Thị Lan đã sửa hồ sơ này" in page and "Không nghèo" in page
    assert 'value="9/QĐ-UBND"' in response.content.decode()
    assert Household.objects.get(pk=household.pk).status == "not_poor"
    resubmit = {**data, "version": response.context["form"].data["version"]}
    assert client.post(url, resubmit).status_code == 302
    assert Household.objects.get(pk=household.pk).status == "near_poor"


def test_api_keeps_its_409(api_client, me, lan, household):
    api_client.force_authenticate(me)
    stale = household.version
    services.household_update(by=lan, household=household, version=stale, address="Số 9")
    response = api_client.patch(
        f"/api/v1/households/{household.pk}/", {"version": stale, "head_name": "X"}, format="json"
    )
    assert response.status_code == 409
    member = household.members.first()
    response = api_client.patch(f"/api/v1/members/{member.pk}/", {"version": stale, "relation": "Con"}, format="json")
    assert response.status_code == 409
