"""households.services.khoi_move: a khối changes ward, keeping its name unique there."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from households import selectors
from households.models import Khoi
from households.services import khoi_move

from ..factories import KhoiFactory, KhoiMemberFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_moves_the_khoi_to_another_ward():
    khoi = KhoiFactory(name="Khối 7")
    target = WardFactory(name="Quang Trung")
    moved = khoi_move(khoi=khoi, to_ward=target)
    assert moved.ward == target
    khoi.refresh_from_db()
    assert khoi.ward_id == target.pk
    assert khoi.history.count() == 2  # the move is recorded with the khối's history


def test_khoi_members_scope_follows_the_khoi():
    khoi = KhoiFactory(name="Khối 7")
    member = KhoiMemberFactory(khoi=khoi)
    target = WardFactory()
    khoi_move(khoi=khoi, to_ward=target)
    member.refresh_from_db()
    assert list(selectors.ward_list(user=member)) == [target]
    assert list(selectors.khoi_list(user=member)) == [khoi]


def test_refuses_a_target_ward_with_a_khoi_of_the_same_name():
    khoi = KhoiFactory(name="Khối 1")
    target = KhoiFactory(name="Khối 1").ward
    target.name = "Quang Trung"
    target.save()
    with pytest.raises(ValidationError) as error:
        khoi_move(khoi=khoi, to_ward=target)
    assert error.value.messages == [
        "Phường Quang Trung đã có khối tên “Khối 1”; hãy đổi tên một trong hai khối trước khi chuyển."
    ]
    assert Khoi.objects.get(pk=khoi.pk).ward_id == khoi.ward_id


def test_refuses_a_move_to_the_same_ward():
    khoi = KhoiFactory(name="Khối 3", ward=WardFactory(name="Hưng Bình"))
    with pytest.raises(ValidationError) as error:
        khoi_move(khoi=khoi, to_ward=khoi.ward)
    assert error.value.messages == ["“Khối 3” đã thuộc phường Hưng Bình."]
    assert khoi.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_edit_keeps_its_version_increment():
    """khoi_move locks the households it bumps: an edit committing meanwhile is counted, not overwritten."""
    import threading
    import time

    from django.db import connection, transaction

    from households.models import Household
    from households.services import household_update

    from ..factories import HouseholdFactory, WardOfficerFactory

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite locks the whole database")
    khoi = KhoiFactory(name="Khối 7")
    household = HouseholdFactory(khoi=khoi)
    officer = WardOfficerFactory(ward=khoi.ward)
    target = WardFactory(name="Quang Trung")
    start = household.version
    edited, release, failures = threading.Event(), threading.Event(), []

    def edit():
        try:
            with transaction.atomic():
                household_update(by=officer, household=household, version=start, address="Số 2, đường Lê Lợi")
                edited.set()
                release.wait(10)  # holds the household's row lock until the move is under way
        except Exception as error:
            failures.append(error)
            edited.set()
        finally:
            connection.close()

    def move():
        try:
            khoi_move(khoi=khoi, to_ward=target)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    editor, mover = threading.Thread(target=edit), threading.Thread(target=move)
    editor.start()
    assert edited.wait(10)
    mover.start()
    time.sleep(0.5)  # the move reads the households now, while the edit is not committed
    release.set()
    editor.join(10)
    mover.join(10)
    assert failures == []
    household = Household.objects.get(pk=household.pk)
    assert household.version == start + 2
    assert (household.ward_id, household.address) == (target.pk, "Số 2, đường Lê Lợi")
