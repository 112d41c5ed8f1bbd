"""Every endpoint that exists × every role × own scope / other scope.

An object outside the user's scope is a 404 (its existence is not revealed);
lists hold exactly what the role may see.
"""

import pytest

from households.models import Khoi, Ward

from ..conftest import module_scoped_world
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

world = pytest.fixture(module_scoped_world, name="world")  # built once for the module

ROLES = ["admin", "ward_leader_hb", "ward_officer_hb", "khoi_member_hb_k1", "upper_level", "ward_officer_qt"]

# What each role may see, by the World fixture's attribute names.
VISIBLE_WARDS = {
    "admin": {"hb", "qt", "other"},
    "ward_leader_hb": {"hb"},
    "ward_officer_hb": {"hb"},
    # A khối member sees its ward (the frame of its khối), not the other khối.
    "khoi_member_hb_k1": {"hb"},
    "upper_level": {"hb", "qt"},
    "ward_officer_qt": {"qt"},
}
VISIBLE_KHOI = {
    "admin": {"hb_k1", "hb_k2", "qt_k1", "other_k1"},
    "ward_leader_hb": {"hb_k1", "hb_k2"},
    "ward_officer_hb": {"hb_k1", "hb_k2"},
    "khoi_member_hb_k1": {"hb_k1"},
    "upper_level": {"hb_k1", "hb_k2", "qt_k1"},
    "ward_officer_qt": {"qt_k1"},
}
ALL_WARDS = ["hb", "qt", "other"]
ALL_KHOI = ["hb_k1", "hb_k2", "qt_k1", "other_k1"]


def as_user(api_client, world, role):
    api_client.force_authenticate(world.users[role])
    return api_client


def ids(world, names):
    return sorted(getattr(world, name).pk for name in names)


def result_ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.mark.parametrize("role", ROLES)
def test_ward_list(api_client, world, role):
    response = as_user(api_client, world, role).get("/api/v1/wards/")
    assert result_ids(response) == ids(world, VISIBLE_WARDS[role])
    assert response.json()["count"] == len(VISIBLE_WARDS[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("ward", ALL_WARDS)
def test_ward_detail(api_client, world, role, ward):
    obj = getattr(world, ward)
    response = as_user(api_client, world, role).get(f"/api/v1/wards/{obj.pk}/")
    if ward in VISIBLE_WARDS[role]:
        assert response.status_code == 200
        assert response.json()["name"] == obj.name
        assert response.json()["upper_unit_name"] == obj.upper_unit.name
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}


@pytest.mark.parametrize("role", ROLES)
def test_khoi_list(api_client, world, role):
    response = as_user(api_client, world, role).get("/api/v1/khoi/")
    assert result_ids(response) == ids(world, VISIBLE_KHOI[role])


def test_khoi_member_lists_exactly_their_khoi(api_client, world):
    response = as_user(api_client, world, "khoi_member_hb_k1").get("/api/v1/khoi/")
    assert response.json()["results"] == [{"id": world.hb_k1.pk, "name": "Khối 1", "ward": world.hb.pk, "position": 1}]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("ward", ALL_WARDS)
def test_khoi_list_filtered_by_ward_stays_in_scope(api_client, world, role, ward):
    response = as_user(api_client, world, role).get("/api/v1/khoi/", {"ward": getattr(world, ward).pk})
    expected = [k for k in VISIBLE_KHOI[role] if getattr(world, k).ward_id == getattr(world, ward).pk]
    assert result_ids(response) == ids(world, expected)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("khoi", ALL_KHOI)
def test_khoi_detail(api_client, world, role, khoi):
    obj = getattr(world, khoi)
    response = as_user(api_client, world, role).get(f"/api/v1/khoi/{obj.pk}/")
    if khoi in VISIBLE_KHOI[role]:
        assert response.status_code == 200
        assert response.json()["ward"] == obj.ward_id
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}


@pytest.mark.parametrize("role", ROLES)
def test_unknown_and_malformed_ids_are_404(api_client, world, role):
    client = as_user(api_client, world, role)
    assert client.get("/api/v1/khoi/999999/").status_code == 404
    assert client.get("/api/v1/wards/abc/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_bad_filter_value_is_a_400_not_a_500(api_client, world, role):
    response = as_user(api_client, world, role).get("/api/v1/khoi/", {"ward": "abc"})
    assert response.status_code == 400
    assert response.json() == {"ward": ["Hãy nhập một số."]}


# --- Writes on the read-only endpoints ----------------------------------------


WRITES = [
    ("post", "/api/v1/wards/", None),
    ("put", "/api/v1/wards/{}/", "hb"),
    ("patch", "/api/v1/wards/{}/", "qt"),
    ("delete", "/api/v1/wards/{}/", "hb"),
    ("post", "/api/v1/khoi/", None),
    ("put", "/api/v1/khoi/{}/", "hb_k1"),
    ("patch", "/api/v1/khoi/{}/", "qt_k1"),
    ("delete", "/api/v1/khoi/{}/", "hb_k2"),
]


def snapshot():
    return list(Ward.objects.values_list("id", "name", "code")), list(Khoi.objects.values_list("id", "name", "ward"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "target"), WRITES)
def test_writes_on_read_only_endpoints_are_refused(api_client, world, role, method, url, target):
    before = snapshot()
    path = url.format(getattr(world, target).pk) if target else url
    data = {"name": "Đổi tên", "code": "NEW", "ward": world.qt.pk, "upper_unit": world.hb.upper_unit_id}
    response = getattr(as_user(api_client, world, role), method)(path, data, format="json")
    assert response.status_code in (403, 405)
    assert snapshot() == before


def test_writes_without_credentials_are_401(api_client, world):
    assert api_client.post("/api/v1/khoi/", {"name": "X"}, format="json").status_code == 401
    assert api_client.delete(f"/api/v1/wards/{world.hb.pk}/").status_code == 401
    assert Ward.objects.filter(pk=world.hb.pk).exists()


# --- The dashboard ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_shows_exactly_the_users_wards_and_khoi(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/")
    assert response.status_code == 200
    wards = response.context["wards"]
    assert sorted(w.pk for w in wards) == ids(world, VISIBLE_WARDS[role])
    shown_khoi = sorted(k.pk for w in wards for k in w.visible_khois)
    assert shown_khoi == ids(world, VISIBLE_KHOI[role])
    page = response.content.decode()
    assert page.count('data-testid="ward"') == len(VISIBLE_WARDS[role])
    assert page.count('data-testid="khoi"') == len(VISIBLE_KHOI[role])
    for name in ALL_WARDS:
        assert (f"<h2>{getattr(world, name).name} <small" in page) == (name in VISIBLE_WARDS[role])


def test_khoi_member_dashboard_has_only_khoi_1(client, world):
    client.force_login(world.users["khoi_member_hb_k1"])
    page = client.get("/").content.decode()
    assert page.count('data-testid="khoi"') == 1
    assert ">Khối 1<" in page
    assert "Khối 2" not in page
    assert "Bạn chỉ làm việc với các hộ của Khối 1." in page


def test_upper_level_dashboard_says_read_only(client, world):
    client.force_login(world.users["upper_level"])
    page = client.get("/").content.decode()
    assert "Chỉ xem" in page


def test_user_without_a_role_sees_no_ward(client, world):
    client.force_login(UserFactory(username="chua_phan_quyen"))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["wards"] == []
    assert 'data-testid="ward"' not in response.content.decode()
