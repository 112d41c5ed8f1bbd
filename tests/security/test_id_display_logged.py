"""Issue 11, item 5: every full ID number shown is logged; the admin's history pages mask them."""

import pytest

from households import services
from households.models import PersonalDataAccess

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db

NUMBER = "040190001234"


@pytest.fixture
def cleared(world):
    """A member whose ID number was removed: only the history holds it."""
    household = HouseholdFactory(khoi=world.hb_k1)
    member = MemberFactory(household=household, gender="female")
    services.member_update(by=world.users["admin"], member=member, id_number=NUMBER)
    services.member_update(by=world.users["admin"], member=member, id_number="")
    return household, member


def test_old_numbers_in_the_history_are_logged_when_shown(client, world, cleared):
    household, _member = cleared
    client.force_login(world.users["ward_officer_hb"])
    masked = client.get(f"/households/{household.pk}/").content.decode()
    assert NUMBER not in masked and "********1234" in masked
    assert not PersonalDataAccess.objects.exists()
    shown = client.get(f"/households/{household.pk}/?show_ids=1").content.decode()
    assert NUMBER in shown
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.household_ids, access.id_numbers_shown) == (
        world.users["ward_officer_hb"],
        [household.pk],
        True,
    )


def test_a_page_that_shows_current_numbers_is_logged_once(client, world):
    household = HouseholdFactory(khoi=world.hb_k1)
    MemberFactory(household=household, id_number=NUMBER, gender="female")
    client.force_login(world.users["ward_officer_hb"])
    client.get(f"/households/{household.pk}/?show_ids=1")
    assert PersonalDataAccess.objects.count() == 1


def test_the_admins_history_pages_mask_id_numbers(client, world, cleared):
    _household, member = cleared
    client.force_login(world.users["admin"])
    page = client.get(f"/admin/households/member/{member.pk}/history/")
    assert page.status_code == 200
    text = page.content.decode()
    assert NUMBER not in text and "********1234" in text
    record = member.history.order_by("history_id").last()
    detail = client.get(f"/admin/households/member/{member.pk}/history/{record.history_id}/")
    assert detail.status_code == 200 and NUMBER not in detail.content.decode()
