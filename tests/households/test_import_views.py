"""The import page and the template download: roles, dry run, errors table, result message."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.importing import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, household_import
from households.importing.pending import PENDING_MINUTES
from households.models import Household, Member
from households.vocab import Ethnicity, Relation

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


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Kept uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def kept_files(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*.xlsx"))


def check(client, world, file, *, action="dry_run", ward=None):
    return client.post(PAGE, {"ward": (ward or world.hb).pk, "file": upload(file), "action": action})


def import_kept(client, response, **changes):
    form = response.context["pending"]
    data = {"ward": form.initial["ward"], "pending": form.initial["pending"], "action": "import_pending", **changes}
    return client.post(PAGE, data, follow=True)


def test_clean_dry_run_shows_what_would_change_and_keeps_the_file(client, world, media):
    client = login(client, world, "ward_officer_hb")
    response = check(client, world, build([household_row()], [member_row()]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-preview"' in html and 'value="import_pending"' in html
    assert 'data-testid="households-added"' in html and 'data-testid="members-added"' in html
    assert "HB-001" in html and "Nguyễn Văn An" in html
    user = world.users["ward_officer_hb"]
    [kept] = kept_files(media)
    assert kept.startswith(f"imports/pending/{user.pk}/")
    assert not Household.objects.exists()


def test_import_this_file_writes_the_kept_file_and_says_how_many(client, world, media):
    client = login(client, world, "ward_leader_hb")
    response = check(client, world, build([household_row("A"), household_row("B")], [member_row("A")]))
    response = import_kept(client, response)
    assert response.redirect_chain[-1][0] == PAGE
    assert Household.objects.filter(ward=world.hb).count() == 2 and Member.objects.count() == 1
    message = [str(m) for m in response.context["messages"]][0]
    assert "2" in message and "1" in message
    assert kept_files(media) == []
    # The kept file is gone: a second press writes nothing more.
    response = client.post(PAGE, {"ward": world.hb.pk, "pending": "x", "action": "import_pending"})
    assert Household.objects.count() == 2


def test_import_without_a_check_asks_to_confirm_and_writes_nothing(client, world):
    client = login(client, world, "ward_officer_hb")
    response = check(client, world, build([household_row()]), action="import")
    html = response.content.decode()
    assert response.context["unchecked"] and 'value="import_pending"' in html
    assert not Household.objects.exists()
    import_kept(client, response)
    assert Household.objects.count() == 1


def test_status_changes_are_shown_before_writing(client, world):
    client = login(client, world, "ward_officer_hb")
    import_kept(client, check(client, world, build([household_row(**{"Phân loại": "Hộ cận nghèo"})])))
    response = check(client, world, build([household_row(**{"Phân loại": "Hộ nghèo", "Ngày công nhận": "20/12/2024"})]))
    html = response.content.decode()
    assert 'data-testid="status-changes"' in html and "Hộ cận nghèo" in html and "20/12/2024" in html
    assert Household.objects.get().status == "near_poor"


def test_a_kept_file_is_the_users_own(client, world):
    response = check(login(client, world, "ward_officer_hb"), world, build([household_row()]))
    token = response.context["pending"].initial["pending"]
    other = login(client, world, "ward_leader_hb")
    response = other.post(PAGE, {"ward": world.hb.pk, "pending": token, "action": "import_pending"})
    assert response.status_code == 200 and not Household.objects.exists()
    assert "30" in [str(m) for m in response.context["messages"]][0]


def test_a_kept_file_expires(client, world, media, monkeypatch):
    client = login(client, world, "ward_officer_hb")
    response = check(client, world, build([household_row()]))
    later = timezone.now() + timedelta(minutes=PENDING_MINUTES + 1)
    monkeypatch.setattr("households.import_views.timezone.now", lambda: later)
    response = import_kept(client, response)
    assert not Household.objects.exists()
    # The next file kept sweeps the old one away.
    check(client, world, build([household_row("B")]))
    assert len(kept_files(media)) == 1


def test_a_kept_file_for_a_ward_out_of_scope_is_not_found(client, world):
    client = login(client, world, "ward_officer_hb")
    response = check(client, world, build([household_row()]))
    response = import_kept(client, response, ward=world.qt.pk)
    assert response.status_code == 404 and not Household.objects.exists()


def test_a_file_the_registry_no_longer_accepts_is_not_written(client, world):
    client = login(client, world, "ward_officer_hb")
    first = check(client, world, build([household_row("A")], [member_row("A")]))
    second = check(client, world, build([household_row("B")], [member_row("B")]))
    import_kept(client, first)
    response = import_kept(client, second)  # the same ID number is now A's
    assert [(e.sheet, e.column) for e in response.context["result"].errors] == [("Thành viên", "Số CCCD")]
    assert "Nguyễn Văn An" in response.context["result"].errors[0].message
    assert list(Household.objects.values_list("code", flat=True)) == ["A"]


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
    import_kept(client, check(client, world, build([household_row()]), ward=world.qt))
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


def test_template_offers_lists_text_ids_and_wide_columns(world, client):
    content = login(client, world, "ward_officer_hb").get(TEMPLATE).content
    books = load_workbook(BytesIO(content))
    lists = books["Danh mục"]
    assert lists.sheet_state == "hidden"
    columns = {column[0].value: [c.value for c in column[1:] if c.value] for column in lists.iter_cols()}
    assert columns["Khối"] == ["Khối 1", "Khối 2"]  # the ward's own, not another ward's
    assert columns["Phân loại"][-1] == "Hộ mới thoát nghèo" and "Hộ cận nghèo" in columns["Phân loại"]
    assert columns["Giới tính"] == ["Nam", "Nữ"]
    assert columns["Quan hệ với chủ hộ"] == list(Relation.values)
    assert columns["Dân tộc"] == list(Ethnicity.values) and len(columns["Dân tộc"]) == 54

    def drop_downs(sheet):
        found = {}
        for validation in sheet.data_validations.dataValidation:
            letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
            header = sheet[f"{letter}2"].value
            source = validation.formula1.split("!")[1].split(":")[0].strip("$").rstrip("0123456789").strip("$")
            found[header] = lists[f"{source}1"].value
            assert validation.type == "list" and str(validation.sqref).endswith("2000")
        return found

    households, members = books["Hộ"], books["Thành viên"]
    assert drop_downs(households) == {"Khối": "Khối", "Phân loại": "Phân loại"}
    assert drop_downs(members) == {c: c for c in ("Giới tính", "Quan hệ với chủ hộ", "Dân tộc")}
    id_letter = "F"
    assert members[f"{id_letter}2"].value == "Số CCCD"
    assert members.column_dimensions[id_letter].number_format == "@"
    assert members[f"{id_letter}3"].number_format == "@" and members[f"{id_letter}3"].value == "040075001234"
    assert households.column_dimensions["E"].width >= 40  # the address
    assert all(households.column_dimensions[c].width >= 6 for c in "ABCDEFGHIJ")
