"""List pages and endpoints run a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import AdminFactory, KhoiFactory, KhoiMemberFactory, UpperLevelUserFactory, WardFactory

pytestmark = pytest.mark.django_db

# Session and user, then the page's own reads: a paginated list adds a count, the
# dashboard names the user's own khối or unit, reads the overdue tasks, and counts
# the households apart from listing the khối (one aggregate over households alone:
# docs/scaling.md, "The whole-province dashboard").
MAX_QUERIES = {"/api/v1/wards/": 4, "/api/v1/khoi/": 4, "/": 7}


def make_wards(unit, wards, khoi_per_ward):
    for _ in range(wards):
        ward = WardFactory(upper_unit=unit)
        for n in range(1, khoi_per_ward + 1):
            KhoiFactory(ward=ward, name=f"Khối {n}", position=n)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("url", list(MAX_QUERIES))
@pytest.mark.parametrize("role", ["admin", "upper_level", "khoi_member"])
def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, url, role):
    seed_khoi = KhoiFactory()
    unit = seed_khoi.ward.upper_unit
    user = {
        "admin": lambda: AdminFactory(),
        "upper_level": lambda: UpperLevelUserFactory(upper_unit=unit),
        "khoi_member": lambda: KhoiMemberFactory(khoi=seed_khoi),
    }[role]()
    client.force_login(user)
    make_wards(unit, wards=1, khoi_per_ward=2)
    few, response = count_queries(client, url)
    rows_few = response.content.count(b'"id"') + response.content.count(b'data-testid="khoi"')

    make_wards(unit, wards=6, khoi_per_ward=8)
    KhoiFactory.create_batch(5, ward=seed_khoi.ward)
    with django_assert_max_num_queries(MAX_QUERIES[url]):
        response = client.get(url)
    assert response.status_code == 200
    rows_many = response.content.count(b'"id"') + response.content.count(b'data-testid="khoi"')
    if role != "khoi_member":
        assert rows_many > rows_few, "the second measure must see more rows"
    many, _response = count_queries(client, url)
    assert many == few
