"""Issue 11, item 8: input that used to be a 500 is a 400 with a message (the workbook's cells: test_hostile_files)."""

import datetime

import pytest

from households import services
from households.models import Household, Member

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db

HUGE = str(2**63)


@pytest.fixture
def officer(api_client, world):
    api_client.force_authenticate(world.users["ward_officer_hb"])
    return api_client


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/households/?ward={HUGE}",
        f"/api/v1/households/?khoi={2**70}",
        "/api/v1/households/?khoi=1e30",
        "/api/v1/households/?ward=-1",
        f"/api/v1/khoi/?ward={HUGE}",
        f"/api/v1/members/?household={HUGE}",
    ],
)
def test_numeric_filters_past_the_database_are_a_400(officer, world, url):
    response = officer.get(url)
    assert response.status_code == 400, response.content
    assert response.json()


def test_the_list_page_explains_a_huge_filter(client, world):
    client.force_login(world.users["ward_officer_hb"])
    assert client.get(f"/households/?khoi={HUGE}").status_code in (200, 400)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/households/{HUGE}/",
        f"/api/v1/members/{2**70}/",
        f"/api/v1/khoi/{HUGE}/",
    ],
)
def test_huge_ids_in_paths_are_a_404(officer, world, url):
    assert officer.get(url).status_code == 404


@pytest.mark.parametrize("as_of", ["0001-01-01", "0003-12-31", "9997-01-01", "9999-12-31", "10000-01-01"])
@pytest.mark.parametrize("flag", ["target", "newly_escaped"])
def test_as_of_far_from_today_is_a_400(officer, world, as_of, flag):
    HouseholdFactory(khoi=world.hb_k1, status="not_poor", escaped_poverty_on=datetime.date(2024, 1, 1))
    response = officer.get(f"/api/v1/households/?as_of={as_of}&{flag}=true")
    assert response.status_code == 400
    assert "as_of" in response.json()


@pytest.mark.parametrize("digits", ["０４０１９０００１２３４", "๐๔๐๑๙๐๐๐๑๒๓๔"])
def test_id_numbers_in_other_digits_are_read_as_ascii(officer, world, digits):
    household = HouseholdFactory(khoi=world.hb_k1)
    response = officer.post(
        "/api/v1/members/",
        {
            "household": household.pk,
            "full_name": "Lê Thị Mai",
            "gender": "female",
            "birth_date": "1990-02-03",
            "id_number": digits,
            "version": household.version,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Member.objects.get().id_number == "040190001234"


def test_superscript_digits_are_refused_not_a_500(officer, world):
    household = HouseholdFactory(khoi=world.hb_k1)
    body = {"household": household.pk, "full_name": "A", "id_number": "04019000123²", "version": household.version}
    response = officer.post("/api/v1/members/", body, format="json")
    assert response.status_code == 400 and "id_number" in response.json()
    member = MemberFactory(household=household)
    assert officer.delete(f"/api/v1/members/{member.pk}/?version=²").status_code == 400


@pytest.mark.parametrize("text", ["\u0958" * 200, "\ufb2c" * 150])
def test_text_that_grows_under_normalisation_is_a_400(officer, world, text):
    household = HouseholdFactory(khoi=world.hb_k1)
    response = officer.patch(
        f"/api/v1/households/{household.pk}/", {"head_name": text, "version": household.version}, format="json"
    )
    assert response.status_code == 400
    assert "head_name" in response.json()


def test_a_hangul_name_fits_its_derived_columns(world):
    household = services.household_create(
        by=world.users["admin"],
        khoi=world.hb_k1,
        code="HB-1",
        head_name="한" * 200,
        address="글" * 300,
        status="poor",
        status_since=datetime.date(2024, 1, 1),
    )
    household.refresh_from_db()
    assert len(household.name_key) <= 800 and len(household.search_text) <= 600


@pytest.mark.parametrize(("field", "value"), [("birth_date", "0001-01-01"), ("birth_date", "1899-12-31")])
def test_year_0001_is_refused_as_a_birth_date(officer, world, field, value):
    household = HouseholdFactory(khoi=world.hb_k1)
    body = {"household": household.pk, "full_name": "A", field: value, "version": household.version}
    response = officer.post("/api/v1/members/", body, format="json")
    assert response.status_code == 400
    assert "1900" in response.json()[field][0]


def test_year_0001_is_refused_as_a_status_date(officer, world):
    response = officer.post(
        "/api/v1/households/",
        {"khoi": world.hb_k1.pk, "code": "HB-9", "head_name": "A", "status": "poor", "status_since": "0001-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert not Household.objects.exists()
