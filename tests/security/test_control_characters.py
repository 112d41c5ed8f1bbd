"""Issue 11, item 2: control characters are refused on every way in, and exports never fail on stored text."""

from io import BytesIO

import pytest
from django import forms
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from rest_framework import serializers

from households import services
from households.importing import household_import
from households.models import Household, Member
from households.text import has_control_characters, without_control_characters
from hungbinh.text_input import validate_no_control_characters

from ..factories import HouseholdFactory, MemberFactory
from ..households.workbooks import build, household_row, member_row

MESSAGE = "ký tự điều khiển"


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\uffff"]
)
def test_control_characters_are_found_and_removed(char):
    assert has_control_characters(f"An{char}Bình")
    assert without_control_characters(f"An{char}Bình") == "AnBình"


@pytest.mark.parametrize("text", ["Nguyễn Thị Hằng", "Số 5\r\nLê Lợi\tngõ 2", "125/QĐ-UBND", "", "😀 Đắk Lắk"])
def test_ordinary_text_passes(text):
    assert not has_control_characters(text)
    validate_no_control_characters(text)


def test_every_form_and_serializer_text_field_refuses_them():
    with pytest.raises(ValidationError) as error:
        forms.CharField().clean("An\x01")
    assert MESSAGE in error.value.messages[0]
    with pytest.raises(serializers.ValidationError):
        serializers.CharField().run_validation("An\x1b")
    # A JSON form field checks the decoded value, never its own text.
    assert forms.JSONField().clean('{"a": "\\u0041"}') == {"a": "A"}


@pytest.mark.django_db
def test_the_page_shows_the_message_next_to_the_field_and_saves_nothing(client, world):
    client.force_login(world.users["khoi_member_hb_k1"])
    data = {"khoi": world.hb_k1.pk, "code": "HB-900", "head_name": "Nguyễn\x01An", "status": "poor"}
    response = client.post("/households/new/", {**data, "status_since": "15/01/2025"})
    assert response.status_code == 200
    assert MESSAGE in str(response.context["form"].errors["head_name"])
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_a_400_with_the_field(api_client, world):
    household = HouseholdFactory(khoi=world.hb_k1, code="HB-1")
    api_client.force_authenticate(world.users["ward_officer_hb"])
    response = api_client.patch(
        f"/api/v1/households/{household.pk}/",
        {"address": "Số 1\x1b[31m", "version": household.version},
        format="json",
    )
    assert response.status_code == 400
    assert MESSAGE in response.json()["address"][0]
    response = api_client.post(
        "/api/v1/members/",
        {"household": household.pk, "full_name": "Lê\x7fThị", "relation": "Vợ", "version": household.version},
        format="json",
    )
    assert response.status_code == 400
    assert MESSAGE in response.json()["full_name"][0]
    household.refresh_from_db()
    assert household.address != "Số 1\x1b[31m" and not Member.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda w: services.household_create(
                by=w.users["admin"],
                khoi=w.hb_k1,
                code="X\x02",
                head_name="A",
                status="poor",
                status_since=__import__("datetime").date(2024, 1, 1),
            ),
            "code",
        ),
        (
            lambda w: services.household_create(
                by=w.users["admin"],
                khoi=w.hb_k1,
                code="X",
                head_name="A",
                status="poor",
                status_since=__import__("datetime").date(2024, 1, 1),
                decision_number="1\x03",
            ),
            "decision_number",
        ),
        (
            lambda w: services.member_create(
                by=w.users["admin"], household=HouseholdFactory(khoi=w.hb_k1), full_name="B", relation="Con\x04"
            ),
            "relation",
        ),
    ],
)
def test_the_services_refuse_them_whoever_calls(world, call, field):
    with pytest.raises(ValidationError) as error:
        call(world)
    assert MESSAGE in error.value.message_dict[field][0]


@pytest.mark.django_db
def test_the_import_reports_the_cell(world):
    # XML holds C1 control characters (DEL, CSI…): a workbook can carry them.
    households = [household_row("HB-1", **{"Họ và tên chủ hộ": "Nguyễn \x9b31mAn"})]
    members = [member_row("HB-1", **{"Số CCCD": "0400\x7f80001234"})]
    result = household_import(by=world.users["admin"], ward=world.hb, file=build(households, members), dry_run=False)
    assert not result.ok
    cells = {(e.sheet, e.column) for e in result.errors if MESSAGE in e.message}
    assert cells == {("Hộ", "Họ và tên chủ hộ"), ("Thành viên", "Số CCCD")}
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_stored_control_characters_never_stop_the_export(client, world):
    household = HouseholdFactory(khoi=world.hb_k1, code="HB-\x01", head_name="Nguyễn\x01 An", address="\x1bSố 1")
    MemberFactory(household=household, full_name="Lê\x0b Thị", relation="Con\x7f")
    client.force_login(world.users["upper_level"])
    response = client.get("/reports/households.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    values = {c.value for sheet in workbook for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"HB-", "Nguyễn An", "Số 1", "Lê Thị", "Con"} <= values
