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
