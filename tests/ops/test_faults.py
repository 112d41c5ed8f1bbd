"""The database going away in the middle of a request: a Vietnamese 503 and nothing half written."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.test import Client
from rest_framework.test import APIClient
from simple_history.models import HistoricalRecords

from households import services
from households.models import Household, StatusChange
from households.rules import Status

pytestmark = pytest.mark.django_db(transaction=True)


def lose_the_database():
    """On PostgreSQL the server ends this connection for real; SQLite has no server, so its error is raised."""
    if connection.vendor != "postgresql":
        raise OperationalError("disk I/O error")
    import psycopg2

    from hungbinh.ops.backup import _pg_params

    pid = connection.connection.get_backend_pid()
    admin = psycopg2.connect(**_pg_params(connection))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    admin.close()


@pytest.fixture
def household(world):
    return services.household_create(
        by=world.users["ward_officer_hb"],
        khoi=world.hb_k1,
        code="HB-001",
        head_name="Nguyễn Thị Hằng",
        status=Status.POOR,
        status_since=datetime.date(2024, 1, 15),
    )


def snapshot(household):
    household = Household.objects.get(pk=household.pk)
    return (
        household.status,
        household.version,
        household.head_name,
        StatusChange.objects.filter(household=household).count(),
        household.history.count(),
    )


def test_status_change_cut_between_its_writes_leaves_nothing_and_shows_a_vietnamese_503(world, household, monkeypatch):
    before = snapshot(household)
    original = services.rules.escaped_on_after_change

    def cut(**kwargs):  # runs after the StatusChange row was written, before the household is
        lose_the_database()
        return original(**kwargs)

    monkeypatch.setattr(services.rules, "escaped_on_after_change", cut)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["ward_officer_hb"])
    response = client.post(
        f"/households/{household.pk}/status/",
        {
            "to_status": Status.NEAR_POOR,
            "effective_on": "10/01/2025",
            "reason": "decision",
            "decision_number": "12/QĐ-UBND",
            "version": household.version,
        },
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "Hệ thống tạm thời không hoạt động" in page
    assert "chưa được lưu" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert response["Retry-After"] == "30"
    assert snapshot(household) == before


def test_api_update_cut_before_its_history_row_leaves_nothing_and_answers_json_503(world, household, monkeypatch):
    before = snapshot(household)
    original = HistoricalRecords.create_historical_record

    def cut(self, instance, *args, **kwargs):  # the household row is already updated
        if isinstance(instance, Household):
            lose_the_database()
        return original(self, instance, *args, **kwargs)

    monkeypatch.setattr(HistoricalRecords, "create_historical_record", cut)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(world.users["ward_officer_hb"])
    response = client.patch(
        f"/api/v1/households/{household.pk}/",
        {"head_name": "Nguyễn Thị Hằng Nga", "version": household.version},
        format="json",
    )
    assert response.status_code == 503
    assert "tạm thời không hoạt động" in response.json()["detail"]
    assert snapshot(household) == before


def test_other_errors_stay_a_plain_500(world, monkeypatch):
    def boom(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("households.views.selectors.household_list", boom, raising=False)
    monkeypatch.setattr("households.views.render", boom)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["ward_officer_hb"])
    response = client.get("/")
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()
