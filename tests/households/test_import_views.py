"""The import page and the template download: roles, dry run, errors table, result message."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from households.importing import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, household_import
from households.models import Household, Member

from .workbooks import build, household_row, member_row

pytestmark = pytest.mark.django_db

PAGE = "/households/import/"
TEMPLATE = "/households/import/template.xlsx"
ROLES = {
    "admin": 200,
    "ward_leader_hb": 200,
    "ward_officer_hb": 200,
    "ward_officer_qt": 200,
    "khoi_member_hb_k1": 403,
    "upper_level": 403,
}


def upload(stream, name="ho.xlsx"):
    return SimpleUploadedFile(name, stream.getvalue(), content_type="application/octet-stream")


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def test_url_names():
    assert reverse("household-import") == PAGE
    assert reverse("household-import-template") == TEMPLATE


@pytest.mark.parametrize("url", [PAGE, TEMPLATE])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_page_and_the_template(client, world, role, url):
    assert login(client, world, role).get(url).status_code == ROLES[role]


@pytest.mark.parametrize("url", [PAGE, TEMPLATE])
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["khoi_member_hb_k1", "upper_level"])
def test_roles_without_import_cannot_post(client, world, role):
    file = upload(build([household_row()]))
    response = login(client, world, role).post(PAGE, {"ward": world.hb.pk, "file": file, "action": "import"})
    assert response.status_code == 403
    assert not Household.objects.exists()


def test_dry_run_lists_every_problem_and_writes_nothing(client, world):
    file = upload(build([household_row(**{"Khối": "Khối 9"})], [member_row(**{"Số CCCD": "0400800012345"})]))
    response = login(client, world, "ward_officer_hb").post(
        PAGE, {"ward": world.hb.pk, "file": file, "action": "dry_run"}
    )
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("Hộ", 4, "Khối"), ("Thành viên", 4, "Số CCCD")]
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html and "Khối 9" in html
    assert not Household.objects.exists()


def test_import_with_problems_writes_nothing(client, world):
    file = upload(build([household_row("A"), household_row("A")]))
    response = login(client, world, "ward_officer_hb").post(
        PAGE, {"ward": world.hb.pk, "file": file, "action": "import"}
    )
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(5, "Mã hộ")]
    assert not Household.objects.exists()


def test_clean_dry_run_reports_what_would_change(client, world):
    file = upload(build([household_row()], [member_row()]))
    response = login(client, world, "ward_officer_hb").post(
        PAGE, {"ward": world.hb.pk, "file": file, "action": "dry_run"}
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "1" in messages[0]
    assert not Household.objects.exists()


def test_import_writes_and_says_how_many(client, world):
    file = upload(build([household_row("A"), household_row("B")], [member_row("A")]))
    client = login(client, world, "ward_leader_hb")
    response = client.post(PAGE, {"ward": world.hb.pk, "file": file, "action": "import"}, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert Household.objects.filter(ward=world.hb).count() == 2 and Member.objects.count() == 1
    message = [str(m) for m in response.context["messages"]][0]
    assert "2" in message and "1" in message


def test_a_ward_outside_the_scope_cannot_be_chosen(client, world):
    file = upload(build([household_row()]))
    response = login(client, world, "ward_officer_qt").post(
        PAGE, {"ward": world.hb.pk, "file": file, "action": "import"}
    )
    assert response.status_code == 200
    assert "ward" in response.context["form"].errors
    assert not Household.objects.exists()


def test_admin_chooses_the_ward(client, world):
    client = login(client, world, "admin")
    assert 'name="ward"' in client.get(PAGE).content.decode()
    file = upload(build([household_row()]))
    client.post(PAGE, {"ward": world.qt.pk, "file": file, "action": "import"})
    assert Household.objects.get().ward == world.qt


def test_a_file_that_is_not_a_workbook(client, world):
    file = SimpleUploadedFile("ho.xls", b"\xd0\xcf\x11\xe0 not a zip", content_type="application/vnd.ms-excel")
    response = login(client, world, "ward_officer_hb").post(
        PAGE, {"ward": world.hb.pk, "file": file, "action": "import"}
    )
    assert [(e.sheet, e.row, e.column) for e in response.context["result"].errors] == [("", 0, "")]


def test_template_has_both_sheets_and_its_example_imports(world, client):
    response = login(client, world, "ward_officer_hb").get(TEMPLATE)
    assert response["Content-Disposition"].startswith("attachment")
    books = load_workbook(BytesIO(response.content))
    assert [c.value for c in books["Hộ"][2]] == list(HOUSEHOLD_COLUMNS)
    assert [c.value for c in books["Thành viên"][2]] == list(MEMBER_COLUMNS)
    assert books["Hộ"].max_row == 3 and books["Thành viên"].max_row == 4
    result = household_import(
        by=world.users["ward_officer_hb"], ward=world.hb, file=BytesIO(response.content), dry_run=True
    )
    assert (result.errors, result.created, result.members_created) == ([], 1, 2)
