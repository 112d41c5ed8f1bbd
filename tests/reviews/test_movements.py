"""Movements outside a review (moved away, dissolved, split, moved in): date, reason, history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from households import services as household_services
from households.models import Household, StatusChange
from households.vocab import Movement
from reviews import services

pytestmark = pytest.mark.django_db


def test_moving_away_takes_a_poor_household_off_the_lists(world, officer, households):
    household = households["p1"]
    change = services.household_movement_record(
        by=officer, household=household, movement="moved_away", occurred_on=date(2025, 6, 1), reason="Chuyển vào Nam"
    )
    household.refresh_from_db()
    assert (change.from_status, change.to_status, change.movement) == ("poor", "not_poor", Movement.MOVED_AWAY)
    assert (household.status, household.status_since, household.escaped_poverty_on) == (
        "not_poor",
        date(2025, 6, 1),
        None,
    )
    assert household.version == 2 and household.history.first().history_user == officer
    assert change.reason == "movement" and change.note == "Chuyển vào Nam"


def test_moving_in_enters_with_its_class(officer, households):
    change = services.household_movement_record(
        by=officer,
        household=households["x1"],
        movement="moved_in",
        occurred_on=date(2025, 6, 1),
        reason="Từ phường Trung Đô",
        to_status="near_poor",
    )
    assert (change.from_status, change.to_status) == ("not_poor", "near_poor")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"movement": "new_poor"}, "movement"),
        ({"reason": " "}, "reason"),
        ({"movement": "moved_in", "to_status": ""}, "to_status"),
        ({"occurred_on": date(2099, 1, 1)}, "occurred_on"),
        ({"occurred_on": date(2020, 1, 1)}, "occurred_on"),
    ],
)
def test_bad_movements_change_nothing(officer, households, kwargs, field):
    values = {"movement": "dissolved", "occurred_on": date(2025, 6, 1), "reason": "Chủ hộ mất", **kwargs}
    with pytest.raises(ValidationError) as excinfo:
        services.household_movement_record(by=officer, household=households["p1"], **values)
    assert field in excinfo.value.message_dict
    assert not StatusChange.objects.exists() and Household.objects.get(pk=households["p1"].pk).version == 1


@pytest.mark.parametrize("role", ["khoi_member_hb_k1", "upper_level", "ward_officer_qt"])
def test_only_the_wards_staff_record_movements(world, households, role):
    with pytest.raises(PermissionDenied):
        services.household_movement_record(
            by=world.users[role],
            household=households["p1"],
            movement="moved_away",
            occurred_on=date(2025, 6, 1),
            reason="x",
        )


def test_the_plain_status_change_refuses_the_movement_reason(officer, households):
    with pytest.raises(ValidationError):
        household_services.household_change_status(
            by=officer,
            household=households["p1"],
            version=1,
            to_status="not_poor",
            effective_on=date(2025, 6, 1),
            reason="movement",
            note="x",
        )


def test_movement_page_and_api(client, api_client, world, households):
    household = households["p2"]
    client.force_login(world.users["ward_officer_hb"])
    assert "reviews/household" in client.get(reverse("household-detail", args=[household.pk])).content.decode()
    url = reverse("reviews-movement", args=[household.pk])
    response = client.post(url, {"movement": "split_off", "occurred_on": "01/06/2025", "reason": "Tách hộ"})
    assert response.status_code == 302
    assert StatusChange.objects.get(household=household).movement == "split_off"
    client.force_login(world.users["khoi_member_hb_k1"])
    assert client.get(url).status_code == 403
    api_client.force_authenticate(world.users["ward_officer_qt"])
    body = {"household": households["n1"].pk, "movement": "moved_away", "occurred_on": "2025-06-01", "reason": "x"}
    assert api_client.post("/api/v1/movements/", body, format="json").status_code == 404
    api_client.force_authenticate(world.users["ward_officer_hb"])
    response = api_client.post("/api/v1/movements/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["to_status"] == "not_poor"
    listed = api_client.get("/api/v1/movements/").json()["results"]
    assert {m["movement"] for m in listed} == {"moved_away", "split_off"}
