"""Invariants the database holds on its own, whatever code writes to it."""

from datetime import date

import pytest
from django.db import DataError, IntegrityError, transaction

from households.models import Household, Member, StatusChange
from households.rules import Status
from households.text import collation_key

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db


def refused(make):
    # PostgreSQL refuses an over-long value by the column's length (DataError)
    # before any constraint; SQLite has no length limit and relies on the check.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        make()


def test_a_poor_household_cannot_have_an_escape_date(world):
    refused(lambda: HouseholdFactory(khoi=world.hb_k1, status=Status.POOR, escaped_poverty_on=date(2024, 1, 1)))
    HouseholdFactory(khoi=world.hb_k1, status=Status.NOT_POOR, escaped_poverty_on=date(2024, 1, 1))
    assert Household.objects.count() == 1


def test_status_must_be_known(world):
    refused(lambda: HouseholdFactory(khoi=world.hb_k1, status="rich"))
    assert not Household.objects.exists()


def test_household_code_unique_per_ward(world):
    HouseholdFactory(khoi=world.hb_k1, code="HB-1")
    refused(lambda: HouseholdFactory(khoi=world.hb_k2, code="HB-1"))
    HouseholdFactory(khoi=world.qt_k1, code="HB-1")
    assert Household.objects.filter(code="HB-1").count() == 2


def test_version_is_positive(world):
    refused(lambda: HouseholdFactory(khoi=world.hb_k1, version=0))


@pytest.mark.parametrize("number", ["0401851234567", "04018512345", "04018512345x"])
def test_id_number_has_12_digits(world, number):
    refused(lambda: MemberFactory(household__khoi=world.hb_k1, id_number=number))
    assert not Member.objects.exists()


def test_id_number_unique_but_blank_allowed_many_times(world):
    household = HouseholdFactory(khoi=world.hb_k1)
    MemberFactory(household=household, id_number="040185123456")
    refused(lambda: MemberFactory(household=household, id_number="040185123456"))
    MemberFactory(household=household, id_number="")
    MemberFactory(household=household, id_number="")
    assert household.members.count() == 3


def test_status_change_constraints(world):
    household = HouseholdFactory(khoi=world.hb_k1)
    base = {"household": household, "to_status": Status.NOT_POOR, "effective_on": date(2025, 1, 1)}
    refused(lambda: StatusChange.objects.create(**base, reason="decision", decision_number=""))
    refused(lambda: StatusChange.objects.create(**base, reason="correction", note=""))
    refused(lambda: StatusChange.objects.create(**{**base, "to_status": "bad"}, reason="import"))
    StatusChange.objects.create(**base, reason="decision", decision_number="215/QĐ-UBND")
    assert household.status_changes.count() == 1


def test_save_derives_search_text_and_name_key_also_with_update_fields(world):
    household = HouseholdFactory(khoi=world.hb_k1, code="HB-9", head_name="Đặng Thị Ánh", address="Khối 1")
    assert household.search_text == "hb-9 dang thi anh khoi 1"
    household.head_name = "Lê Văn Bình"
    household.save(update_fields=["head_name"])
    household.refresh_from_db()
    assert household.search_text == "hb-9 le van binh khoi 1"
    assert household.name_key == collation_key("Lê Văn Bình")
    assert household.name_key < collation_key("Đặng Thị Ánh Cúc")  # given name first: Bình < Cúc


def test_model_helpers_follow_the_rules(world):
    household = HouseholdFactory(khoi=world.hb_k1, status=Status.NOT_POOR, escaped_poverty_on=date(2023, 1, 31))
    assert household.newly_escaped_until() == date(2026, 1, 30)
    assert household.is_newly_escaped(date(2026, 1, 30)) and not household.is_newly_escaped(date(2026, 1, 31))
    assert household.is_target(date(2026, 1, 30)) and not household.is_target(date(2026, 1, 31))
    assert str(household).startswith(household.code)


def test_the_admin_refuses_a_ward_named_with_its_kind_and_keeps_the_form(client, world):
    """Every paper writes "PHƯỜNG" before the ward's name: "Phường Hưng Lộc" would print "PHƯỜNG PHƯỜNG HƯNG LỘC"."""
    from households.models import Ward

    client.force_login(world.users["admin"])
    data = {
        "name": "Phường Hưng Lộc",
        "code": "99001",
        "area_type": "urban",
        "upper_unit": world.hb.upper_unit_id,
        # the khối inline's empty management form
        "khois-TOTAL_FORMS": "0",
        "khois-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/households/ward/add/", data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200  # the form again, with its message
    assert "Phường Hưng Lộc" in response.content.decode()
    assert "Hưng Lộc" in response.context["adminform"].form.errors["name"][0]
    assert not Ward.objects.filter(code="99001").exists()
    data["name"] = "Hưng Lộc"
    assert client.post("/admin/households/ward/add/", data).status_code == 302
    assert Ward.objects.filter(code="99001", name="Hưng Lộc").exists()
