"""Issue 11, item 10: status changes by decision are the ward's; the duplicate ID check tells nothing and is logged."""

import datetime
import logging

import pytest
from django.core.exceptions import PermissionDenied

from households import services
from households.models import Member, StatusChange

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db

NUMBER = "040190001234"


def decision(household, reason="decision"):
    return {
        "to_status": "not_poor",
        "effective_on": "20/12/2024",
        "reason": reason,
        "decision_number": "999/QĐ-UBND",
        "note": "Sửa nhầm",
        "version": household.version,
    }


def test_a_khoi_member_cannot_record_a_decision_on_the_page(client, world):
    household = HouseholdFactory(khoi=world.hb_k1)
    client.force_login(world.users["khoi_member_hb_k1"])
    page = client.get(f"/households/{household.pk}/status/").content.decode()
    assert 'value="decision"' not in page
    response = client.post(f"/households/{household.pk}/status/", decision(household))
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not StatusChange.objects.exists()
    # A correction stays theirs.
    response = client.post(f"/households/{household.pk}/status/", decision(household, "correction"))
    assert response.status_code == 302


def test_a_khoi_member_cannot_record_a_decision_through_the_api(api_client, world):
    household = HouseholdFactory(khoi=world.hb_k1)
    api_client.force_authenticate(world.users["khoi_member_hb_k1"])
    body = {
        "to_status": "not_poor",
        "effective_on": "2024-12-20",
        "reason": "decision",
        "decision_number": "999/QĐ-UBND",
        "version": household.version,
    }
    response = api_client.post(f"/api/v1/households/{household.pk}/status/", body, format="json")
    assert response.status_code == 403
    assert not StatusChange.objects.exists()
    api_client.force_authenticate(world.users["ward_officer_hb"])
    assert api_client.post(f"/api/v1/households/{household.pk}/status/", body, format="json").status_code == 200


def test_the_service_refuses_it_whoever_calls(world):
    household = HouseholdFactory(khoi=world.hb_k1)
    with pytest.raises(PermissionDenied):
        services.household_change_status(
            by=world.users["khoi_member_hb_k1"],
            household=household,
            version=household.version,
            to_status="near_poor",
            effective_on=datetime.date(2024, 12, 20),
            reason="decision",
            decision_number="1/QĐ",
        )


def test_the_duplicate_id_message_says_nothing_of_the_other_ward_and_is_logged(api_client, world, caplog):
    holder = HouseholdFactory(khoi=world.qt_k1, code="QT-77", head_name="Phạm Văn Quang")
    MemberFactory(household=holder, full_name="Phạm Thị Bí Mật", id_number=NUMBER, gender="female")
    household = HouseholdFactory(khoi=world.hb_k1)
    api_client.force_authenticate(world.users["ward_officer_hb"])
    body = {
        "household": household.pk,
        "full_name": "Lê Thị Mai",
        "gender": "female",
        "birth_date": "1990-02-03",
        "id_number": NUMBER,
        "version": household.version,
    }
    with caplog.at_level(logging.WARNING, logger="hungbinh.audit"):
        response = api_client.post("/api/v1/members/", body, format="json")
    assert response.status_code == 400
    text = response.content.decode()
    assert response.json()["id_number"] == ["Số CCCD này đã được đăng ký cho người khác; hãy kiểm tra lại."]
    for secret in ("Quang Trung", "QT-77", "Phạm", str(holder.pk)):
        assert secret not in text
    (entry,) = [r for r in caplog.records if r.name == "hungbinh.audit"]
    message = entry.getMessage()
    assert f"user={world.users['ward_officer_hb'].pk}" in message and "holder_in_user_ward=False" in message
    assert NUMBER not in message and "********1234" in message
    assert Member.objects.filter(id_number=NUMBER).count() == 1
