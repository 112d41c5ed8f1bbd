"""Fixtures shared by every test module."""

import os
import socket
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from hungbinh.accounts.models import User

from .factories import (
    AdminFactory,
    KhoiFactory,
    KhoiMemberFactory,
    UpperLevelUserFactory,
    UpperUnitFactory,
    WardFactory,
    WardLeaderFactory,
    WardOfficerFactory,
)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    """Tests marked `redis` skip without a Redis server, except in CI, where they fail."""
    if os.environ.get("CI") or not any(item.get_closest_marker("redis") for item in items):
        return
    if not _redis_answers():
        skip = pytest.mark.skip(reason="no Redis server at 127.0.0.1:6379")
        for item in items:
            if item.get_closest_marker("redis"):
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Vietnamese, as a request without a language choice does.

    A request under /en/ leaves English active in the thread after it returns;
    without this, messages checked by a later test would depend on test order.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def api_client():
    return APIClient()


@dataclass
class World:
    """Two wards under one upper-level unit (like the demo), a third ward under
    another unit that nobody here oversees, and one user per role."""

    hb: object
    qt: object
    other: object
    hb_k1: object
    hb_k2: object
    qt_k1: object
    other_k1: object
    users: dict[str, User]


@pytest.fixture
def world(db) -> World:
    city = UpperUnitFactory(name="Phòng Nông nghiệp và Môi trường thành phố Vinh", code="VINH")
    hb = WardFactory(name="Hưng Bình", code="HB", upper_unit=city)
    qt = WardFactory(name="Quang Trung", code="QT", upper_unit=city)
    other = WardFactory(name="Phường Ngoài", code="OUT", upper_unit=UpperUnitFactory(name="Huyện khác", code="OTHER"))
    hb_k1 = KhoiFactory(ward=hb, name="Khối 1", position=1)
    hb_k2 = KhoiFactory(ward=hb, name="Khối 2", position=2)
    qt_k1 = KhoiFactory(ward=qt, name="Khối 1", position=1)
    other_k1 = KhoiFactory(ward=other, name="Khối 1", position=1)
    users = {
        "admin": AdminFactory(username="admin"),
        "ward_leader_hb": WardLeaderFactory(username="lanhdao", ward=hb),
        "ward_officer_hb": WardOfficerFactory(username="canbo", ward=hb),
        "khoi_member_hb_k1": KhoiMemberFactory(username="khoi1", khoi=hb_k1),
        "upper_level": UpperLevelUserFactory(username="thanhpho", upper_unit=city),
        "ward_officer_qt": WardOfficerFactory(username="canbo_qt", ward=qt),
    }
    return World(hb=hb, qt=qt, other=other, hb_k1=hb_k1, hb_k2=hb_k2, qt_k1=qt_k1, other_k1=other_k1, users=users)


@pytest.fixture
def catalogue(db):
    """The national program, its sub-projects and the funding sources (the catalogue migration's data)."""
    from .factories import catalogue_program

    return catalogue_program()
