"""The standards the migration loads, and what the database and the admin refuse."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from households.models import StatusChange
from households.vocab import Movement
from reviews import rules
from reviews.models import Campaign, Meeting, Standard
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_migration_loads_both_standards():
    nd07, nd351 = Standard.objects.prefetch_related("indicators").order_by("year_from")
    assert (nd07.year_from, nd07.year_to, nd351.year_from, nd351.year_to) == (2022, 2026, 2027, 2030)
    assert (nd07.income_line_urban, nd07.income_line_rural) == (2_000_000, 1_500_000)
    assert (nd351.income_line_urban, nd351.income_line_rural) == (2_800_000, 2_200_000)
    assert (nd07.average_top_urban, nd07.average_top_rural) == (3_000_000, 2_250_000)
    assert (nd351.average_top_urban, nd351.score_a_cutoff_urban) == (None, None)
    assert (nd07.score_a_cutoff_urban, nd07.score_a_cutoff_rural) == (175, 140)
    codes07 = [i.code for i in nd07.indicators.all()]
    codes351 = [i.code for i in nd351.indicators.all()]
    assert len(codes07) == len(codes351) == 12
    assert "tiep_can_thong_tin" in codes07 and "tiep_can_thong_tin" not in codes351 and "xu_ly_rac" in codes351
    assert len({i.dimension for i in nd07.indicators.all()}) == 6
    # The legal document each sets, as the decision's grounds cite it (ND 351's date is not known yet).
    assert (nd07.document_type, nd07.document_number, nd07.document_date, nd07.document_issuer) == (
        "Nghị định",
        "07/2021/NĐ-CP",
        date(2021, 1, 27),
        "Chính phủ",
    )
    assert nd07.document_subject == "quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025"
    assert (nd351.document_number, nd351.document_date) == ("351/2025/NĐ-CP", None)


def test_the_document_migration_keeps_an_admin_correction():
    from importlib import import_module

    from django.apps import apps

    Standard.objects.filter(code="nd-07-2021").update(document_number="07/2021/NĐ-CP (sửa)", document_issuer="X")
    import_module("reviews.migrations.0005_standard_document").load(apps, None)
    nd07 = Standard.objects.get(code="nd-07-2021")
    assert (nd07.document_number, nd07.document_issuer) == ("07/2021/NĐ-CP (sửa)", "X")


def test_nd_351_extends_nd_07_through_2026_and_a_2026_decision_cites_both():
    """ND 351/2025 kept ND 07/2021's standard for 2026 (docs/legal-sources.md): the grounds of a decision for 2026
    cite both documents, those of the years before it ND 07/2021 alone (migration reviews/0006)."""
    nd07, nd351 = Standard.objects.get(code="nd-07-2021"), Standard.objects.get(code="nd-351-2025")
    assert (nd07.extended_by, nd07.extended_from_year) == (nd351, 2026)
    assert (nd351.extended_by, nd351.extended_from_year) == (None, None)
    assert nd07.cited_documents(2025) == [nd07]
    assert nd07.cited_documents(2026) == [nd07, nd351]
    assert nd351.cited_documents(2027) == [nd351]


def test_the_extension_migration_keeps_an_admin_correction():
    from importlib import import_module

    from django.apps import apps

    Standard.objects.filter(code="nd-07-2021").update(extended_by=None, extended_from_year=None, year_to=2025)
    import_module("reviews.migrations.0006_standard_extension").load(apps, None)
    assert Standard.objects.get(code="nd-07-2021").extended_by is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"extended_from_year": 2026}, "extended_from_year"),  # a year without the standard that extends
        ({"extended_by_code": "nd-351-2025", "extended_from_year": 2021}, "extended_from_year"),  # not its year
        ({"extended_by_code": "nd-07-2021", "extended_from_year": 2026}, "extended_by"),  # itself
    ],
)
def test_a_half_or_wrong_extension_is_refused_by_clean(changes, field):
    nd07 = Standard.objects.get(code="nd-07-2021")
    nd07.extended_by, nd07.extended_from_year = None, None
    code = changes.pop("extended_by_code", None)
    if code:
        nd07.extended_by = Standard.objects.get(code=code)
    for name, value in changes.items():
        setattr(nd07, name, value)
    with pytest.raises(ValidationError) as excinfo:
        nd07.full_clean()
    assert field in excinfo.value.message_dict, excinfo.value.message_dict


@pytest.mark.parametrize(("year", "code"), [(2022, "nd-07-2021"), (2026, "nd-07-2021"), (2027, "nd-351-2025")])
def test_standard_chosen_by_status_year(year, code):
    spans = [s.span() for s in Standard.objects.all()]
    assert Standard.objects.get(pk=rules.standard_for_year(spans, year)).code == code


def test_terms_classify_with_the_loaded_data():
    standard = Standard.objects.get(code="nd-07-2021")
    result = rules.classify(
        standard.terms(), area_type="urban", score_a=175, deprivations=["viec_lam", "nha_tieu", "nguon_nuoc"]
    )
    assert result.status == "poor" and result.score_b == 30


def test_overlapping_years_are_refused_by_clean():
    standard = Standard(code="x", name="X", year_from=2026, year_to=2028, income_line_urban=1, income_line_rural=1)
    with pytest.raises(ValidationError) as excinfo:
        standard.full_clean()
    assert "year_from" in excinfo.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [
        {"year_from": 2032, "year_to": 2031},
        {"average_top_urban": 1_000},
        {"poor_min_deprivations": 0},
    ],
)
def test_database_refuses_inconsistent_standards(fields):
    values = {"code": "y", "name": "Y", "year_from": 2031, "year_to": 2035, "income_line_urban": 2_000}
    values["income_line_rural"] = 1_000
    with pytest.raises(IntegrityError), transaction.atomic():
        Standard.objects.create(**{**values, **fields})


def test_status_change_movement_must_be_known(world):
    household = HouseholdFactory(khoi=world.hb_k1)
    base = {"household": household, "to_status": "poor", "effective_on": date(2025, 1, 1), "reason": "import"}
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(**base, movement="gone")
    assert StatusChange.objects.create(**base, movement=Movement.NEW_POOR).get_movement_display()


GROUPS = {f"attendees_{g}": 1 for g in rules.ATTENDANCE_GROUPS}  # 7 attendees in all


@pytest.mark.parametrize(
    "fields",
    [
        {**GROUPS, "attendees": 8},  # the total is not the groups' sum
        {"attendees": 7, "attendees_ward": 7},  # one group without the others
        {**GROUPS, "attendees": 5, "attendees_front": -1, "attendees_ward": 0},  # a negative count
    ],
)
def test_database_refuses_a_meeting_whose_groups_do_not_add_up(world, fields):
    campaign = Campaign.objects.create(
        ward=world.hb,
        kind="periodic",
        year=2025,
        starts_on=date(2025, 9, 1),
        ends_on=date(2025, 12, 14),
        standard=Standard.objects.get(code="nd-07-2021"),
    )
    base = {"campaign": campaign, "khoi": world.hb_k1, "held_on": date(2025, 10, 20)}
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(**base, **fields)
    assert Meeting.objects.create(**base, attendees=12).attendance() is None  # a total alone, as before
    assert Meeting.objects.create(**base, **GROUPS, attendees=7).attendance() == dict.fromkeys(
        rules.ATTENDANCE_GROUPS, 1
    )


def test_admin_adds_the_next_standard_with_its_indicators(client, world):
    client.force_login(world.users["admin"])
    data = {
        "code": "nd-next",
        "name": "Nghị định mới",
        "legal_basis": "",
        "year_from": 2031,
        "year_to": 2035,
        "notes": "",
        "document_type": "Nghị định",
        "document_number": "99/2030/NĐ-CP",
        "document_date": "15/12/2030",
        "document_issuer": "Chính phủ",
        "document_subject": "quy định chuẩn nghèo đa chiều giai đoạn 2031 - 2035",
        "income_line_urban": 3_000_000,
        "income_line_rural": 2_500_000,
        "average_top_urban": "",
        "average_top_rural": "",
        "score_a_cutoff_urban": "",
        "score_a_cutoff_rural": "",
        "poor_min_deprivations": 3,
        "indicators-TOTAL_FORMS": 1,
        "indicators-INITIAL_FORMS": 0,
        "indicators-0-order": 1,
        "indicators-0-code": "viec_lam",
        "indicators-0-dimension": "Việc làm",
        "indicators-0-name": "Việc làm",
        "indicators-0-criterion": "",
    }
    response = client.post(reverse("admin:reviews_standard_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Standard.objects.get(code="nd-next")
    assert (added.document_number, added.document_date) == ("99/2030/NĐ-CP", date(2030, 12, 15))
    assert [i.code for i in added.indicators.all()] == ["viec_lam"]
    spans = [s.span() for s in Standard.objects.all()]
    assert rules.standard_for_year(spans, 2031) == added.pk
