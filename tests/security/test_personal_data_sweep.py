"""The personal-data law (91/2025/QH15), swept over every route of the permission matrix.

No page, API answer or file shows a full ID number to a role that may not see
one (even when it asks with show_ids=1), every answer that does show one has
its log row, and no log line carries one.
"""

import io
import logging
import re
import zipfile

import pytest

from households.models import PersonalDataAccess

from ..factories import HouseholdFactory, MemberFactory
from .matrix import API, PAGE, TARGETS, entries

pytestmark = pytest.mark.django_db

# The routes about the registry's own objects (or none); the others' objects are the permission matrix's world.
ROUTES = [
    r
    for r in entries().values()
    if r.kind in (PAGE, API)
    and r.method == "get"
    and r.object in (None, "household", "member", "ward", "khoi")
    and not r.params
]
# Born 1990, female, one per khối: 040190000001, 040190000002, …
NUMBERS = {khoi: f"0401900000{n:02d}" for n, khoi in enumerate(TARGETS.values(), start=1)}


@pytest.fixture
def people(world):
    objects = {}
    for khoi, number in NUMBERS.items():
        household = HouseholdFactory(khoi=getattr(world, khoi), code=f"PD-{khoi}")
        member = MemberFactory(household=household, id_number=number, gender="female")
        objects[khoi] = (household, member)
    return objects


def url_of(route, world, people, khoi="hb_k1"):
    household, member = people[khoi]
    ids = {
        None: {},
        "household": {"pk": household.pk},
        "member": {"pk": household.pk, "member_pk": member.pk} if "{member_pk}" in route.path else {"pk": member.pk},
        "ward": {"pk": getattr(world, khoi).ward_id},
        "khoi": {"pk": getattr(world, khoi).pk},
    }[route.object]
    return "/" + re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), route.path)


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):  # a workbook: its XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


@pytest.fixture
def log_stream():
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler) and h.filters]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_the_upper_level_never_sees_a_full_number(client, world, people, log_stream):
    client.force_login(world.users["upper_level"])
    for route in ROUTES:
        url = url_of(route, world, people)
        for query in ("", "?show_ids=1", "?show_ids=1&format=json"):
            response = client.get(url + query)
            assert response.status_code < 500, (url, response.status_code)
            text = text_of(response)
            shown = [n for n in NUMBERS.values() if n in text]
            assert not shown, (url + query, shown)
    assert not PersonalDataAccess.objects.filter(id_numbers_shown=True).exists()
    assert not any(n in log_stream.getvalue() for n in NUMBERS.values())


def test_every_answer_that_shows_a_full_number_is_logged(client, world, people, log_stream):
    user = world.users["ward_officer_hb"]
    client.force_login(user)
    showing = []
    for route in ROUTES:
        url = url_of(route, world, people) + "?show_ids=1"
        before = PersonalDataAccess.objects.filter(user=user, id_numbers_shown=True).count()
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if any(n in text_of(response) for n in NUMBERS.values()):
            showing.append(route.path)
            after = PersonalDataAccess.objects.filter(user=user, id_numbers_shown=True).count()
            assert after > before, f"{url} showed a full ID number without a log row"
    assert "households/{pk}/" in showing  # the sweep does meet full numbers
    assert not any(n in log_stream.getvalue() for n in NUMBERS.values())
