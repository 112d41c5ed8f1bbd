"""The dashboard's counts: every one links to a list of exactly that many households, and the page says
why the target cards do not add up."""

import datetime
import html
import re

import pytest
from django.utils import timezone, translation

from households import rules

from ..factories import HouseholdFactory

pytestmark = pytest.mark.django_db

COUNT_LINK = re.compile(r'<a href="([^"]+)" data-count="(\d+)"')


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def registry(world):
    """Every status, a household newly escaped into near-poverty, one whose window has closed."""
    for khoi, statuses in ((world.hb_k1, ["poor", "poor", "near_poor", "average"]), (world.hb_k2, ["not_poor"])):
        for status in statuses:
            HouseholdFactory(khoi=khoi, status=status)
    HouseholdFactory(khoi=world.hb_k1, status="near_poor", status_since=days_ago(40), escaped_poverty_on=days_ago(40))
    HouseholdFactory(khoi=world.hb_k2, status="not_poor", status_since=days_ago(90), escaped_poverty_on=days_ago(90))
    HouseholdFactory(
        khoi=world.hb_k2,
        status="average",
        status_since=datetime.date(2019, 1, 1),
        escaped_poverty_on=datetime.date(2019, 1, 1),
    )
    HouseholdFactory(khoi=world.qt_k1, status="poor")
    HouseholdFactory(khoi=world.other_k1, status="poor")


@pytest.mark.parametrize("role", ["admin", "ward_officer_hb", "khoi_member_hb_k1", "upper_level", "ward_officer_qt"])
def test_every_count_links_to_a_list_of_exactly_that_many(client, world, registry, role):
    client.force_login(world.users[role])
    page = client.get("/").content.decode()
    links = COUNT_LINK.findall(page)
    assert len(links) >= 14
    for href, count in links:
        response = client.get(html.unescape(href))
        assert response.status_code == 200
        assert response.context["page"].paginator.count == int(count), (role, href, count)


def test_cards_rates_totals_and_why_targets_do_not_add_up(client, world, registry):
    client.force_login(world.users["ward_officer_hb"])
    response = client.get("/")
    ward = response.context["wards"][0]
    counts = ward.counts
    assert (counts["total"], counts["poor"], counts["near_poor"], counts["average"], counts["not_poor"]) == (
        8,
        2,
        2,
        2,
        2,
    )
    assert (counts["newly_escaped"], counts["newly_escaped_near_poor"], counts["target"]) == (2, 1, 5)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())
    assert f"Số liệu đến ngày {timezone.localdate():%d/%m/%Y}, trong 2 khối" in text
    assert "25,0% số hộ" in text  # 2 poor of 8, with the Vietnamese decimal comma.
    assert "Mỗi hộ có đúng một phân loại: 2 + 2 + 2 + 2 = 8." in text
    assert "Vì vậy 2 + 2 + 2 − 1 = 5: 1 hộ cận nghèo đồng thời là hộ mới thoát nghèo" in text
    totals = re.search(r'<tr data-testid="totals">(.*?)</tr>', response.content.decode(), re.S)[1]
    assert [int(n) for _, n in COUNT_LINK.findall(totals)] == [8, 2, 2, 2, 2, 2, 5]


def test_a_single_khoi_has_no_totals_row_and_an_empty_ward_no_rate(client, world):
    client.force_login(world.users["khoi_member_hb_k1"])
    response = client.get("/")
    assert 'data-testid="totals"' not in response.content.decode()
    assert response.context["wards"][0].rates == {"poor": None, "near_poor": None}


@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(2, 8, "25.0"), (1, 3, "33.3"), (247, 2000, "12.4"), (0, 5, "0.0")]
)
def test_percent(part, whole, expected):
    assert str(rules.percent(part, whole)) == expected
    assert rules.percent(part, 0) is None


def _card_texts(page: str) -> dict[str, str]:
    cards = re.findall(r'<li class="stat-(escaped|target)"><a [^>]*>(.*?)</a></li>', page, re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", "", text).split()) for name, text in cards}


def test_counts_take_the_plural_their_number_needs(client, world, registry):
    client.force_login(world.users["ward_officer_hb"])
    assert _card_texts(client.get("/en/").content.decode()) == {
        "escaped": "2 newly escaped households",
        "target": "5 target households",
    }
    client.force_login(world.users["khoi_member_hb_k1"])  # khối 1 has one newly escaped household
    page = client.get("/en/").content.decode()
    assert _card_texts(page)["escaped"] == "1 newly escaped household"
    assert "<strong>5</strong> households" in page
    # In Vietnamese, the one name the list and the workbooks use (rules.NEWLY_ESCAPED_LABEL).
    page = client.get("/").content.decode()
    with translation.override("vi"):
        label = str(rules.NEWLY_ESCAPED_LABEL)
    assert _card_texts(page)["escaped"] == f"1 {label.lower()}"


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_unit_member_is_told_their_unit_and_led_to_their_work(client, world, prefix):
    # A unit member has a unit, not a ward: the page read "You work for ward None." above "No ward is assigned
    # to your account yet", though their tasks and support are one link away.
    from ..factories import UnitFactory, UnitMemberFactory

    member = UnitMemberFactory(unit=UnitFactory(ward=world.hb, name="Ủy ban Mặt trận Tổ quốc phường"))
    client.force_login(member)
    page = client.get(f"{prefix}/").content.decode()
    assert "None" not in page
    assert f'href="{prefix}/my-work/"' in page
    with translation.override("vi" if not prefix else "en"):
        expected = translation.gettext("You work for %(unit)s, ward %(ward)s.") % {
            "unit": "Ủy ban Mặt trận Tổ quốc phường",
            "ward": world.hb,
        }
        no_ward = translation.gettext(
            "No ward is assigned to your account yet. Ask the administrator to set your role and scope."
        )
    assert html.escape(expected) in page or expected in page
    assert html.escape(no_ward) not in page and no_ward not in page
