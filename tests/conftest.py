"""Fixtures shared by every test module."""

import copy
import os
import socket
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
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
    _skip_redis_tests_without_redis(items)
    _run_database_free_tests_once(config, items)


def _skip_redis_tests_without_redis(items):
    """Tests marked `redis` skip without a Redis server, except in CI, where they fail."""
    if os.environ.get("CI") or not any(item.get_closest_marker("redis") for item in items):
        return
    if not _redis_answers():
        skip = pytest.mark.skip(reason="no Redis server at 127.0.0.1:6379")
        for item in items:
            if item.get_closest_marker("redis"):
                item.add_marker(skip)


# pytest-django refuses database access to a test without one of these (or the django_db mark).
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def touches_database(item) -> bool:
    """Whether the test can reach the database: a django_db mark, a database fixture (also through another
    fixture, such as `world`), or the `database_engine` mark of tests whose servers or child processes use it."""
    return (
        item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("database_engine") is not None
        or not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
    )


# Marks of tests that CI runs in its SQLite pass only (README, "Tests"): `sqlite_pass` (the permission matrix's
# 3,000 role × scope requests ask the same ORM scoping on both databases, and twice they took CI past 20
# minutes) and `browser` (Chromium lays out and scripts the same HTML whichever database filled it; the views
# behind the pages run on PostgreSQL through their own tests).
SQLITE_PASS_MARKS = ("sqlite_pass", "browser")


def _run_database_free_tests_once(config, items):
    """CI runs the suite on PostgreSQL, then on SQLite: a test that cannot touch the database gives the same
    answer on both, so the PostgreSQL pass leaves it to the SQLite pass (README, "Tests"); so does a test with
    one of SQLITE_PASS_MARKS.
    TESTS_DATABASE_FREE_ON_POSTGRESQL=1 runs them there too."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    if os.environ.get("TESTS_DATABASE_FREE_ON_POSTGRESQL") == "1":
        return
    kept, left = [], []
    for item in items:
        once = any(item.get_closest_marker(mark) is not None for mark in SQLITE_PASS_MARKS)
        (kept if touches_database(item) and not once else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Vietnamese, as a request without a language choice does.

    A request under /en/ leaves English active in the thread after it returns;
    without this, messages checked by a later test would depend on test order.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return not {"transactional_db", "live_server", "django_db_reset_sequences"}.isdisjoint(request.fixturenames)


@pytest.fixture(autouse=True)
def migration_data(request):
    """The poverty standards a migration loads are there for every database test. A transactional test
    (a live server, a test of two connections) ends by emptying every table, migration data included,
    so the tests after it would otherwise find no standard for the year they review."""
    if request.node.get_closest_marker("django_db") is None and DATABASE_FIXTURES.isdisjoint(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    restore_migration_data()


def restore_migration_data() -> None:
    from reviews.models import Standard

    if not Standard.objects.exists():
        from importlib import import_module

        from django.apps import apps

        for migration in ("0002_standards", "0005_standard_document", "0006_standard_extension"):
            import_module(f"reviews.migrations.{migration}").load(apps, None)


@pytest.fixture(scope="module")
def one_schema_per_language():
    """drf-spectacular's schema generated once for the module that asks for this fixture (the permission matrix,
    the personal-data sweep), per language, version and URL configuration: they ask for /api/v1/schema/ as every
    role, and each generation took about a second. The schema is public (SERVE_PUBLIC: never filtered by the
    asker's permissions; every role's was the same document), so the view still decides each time who gets it,
    and each gets a copy of the one generated; a schema asked for its asker's permissions (public=False) is
    generated as usual."""
    from django.urls import get_urlconf
    from drf_spectacular.generators import SchemaGenerator

    real, generated = SchemaGenerator.get_schema, {}

    def get_schema(self, request=None, public=False):
        if not public:
            return real(self, request=request, public=public)
        version = self.api_version or getattr(request, "version", None)
        key = (translation.get_language(), get_urlconf(), self.urlconf, version)
        if key not in generated:
            generated[key] = real(self, request=request, public=public)
        return copy.deepcopy(generated[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SchemaGenerator, "get_schema", get_schema)
        yield


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
    return make_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The World built once for a whole module, for the scope matrices, whose many tests only read it.

    It is written inside a transaction held open for the module (held_transaction); each test still runs in
    its own savepoint, rolled back after it, and the module's rows are rolled back after its last test. A
    module uses it by overriding `world` with `module_scoped_world` (see tests/households/test_scope_matrix.py).
    """
    yield from held_transaction(django_db_blocker, make_world)


def held_transaction(django_db_blocker, build):
    """The body of a module- or class-scoped fixture whose tests only read what `build()` writes: written once
    inside a transaction held open until the fixture's end, then rolled back. The fixture must be the first
    to write in its scope, and every test of the scope runs inside it (in a savepoint of its own: `db`, never
    `transactional_db`)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Module fixtures come before the function-scoped migration_data: an earlier transactional test
            # may have emptied the standards the module's campaigns need (tests/security/matrix_world.py).
            restore_migration_data()
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def module_scoped_world(module_world, db) -> World:
    """The `world` fixture of a module that builds it once (`module_world`)."""
    return module_world


def make_world() -> World:
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
