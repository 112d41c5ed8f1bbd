"""The list rows built in Python: escaped, linked, labelled like the rest of the page."""

from datetime import date

import pytest

from households.templatetags.registry import household_rows
from tests.factories import HouseholdFactory


@pytest.mark.django_db
def test_rows_escape_what_users_typed_and_link_to_the_detail(world):
    household = HouseholdFactory(khoi=world.hb_k1, head_name="<script>x</script>", address="")
    household.members_count = 3
    html = household_rows([(household, date(2026, 1, 30))], show_ward=True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f'href="/households/{household.pk}/"' in html
    assert "30/01/2026" in html and 'class="badge escaped"' in html
    assert world.hb.name in html  # the ward is named when the user sees several
    assert ">3</td>" in html and ">—</td>" in html  # members count; empty address


@pytest.mark.django_db
def test_rows_without_window_or_ward(world):
    household = HouseholdFactory(khoi=world.hb_k1)
    household.members_count = 0
    html = household_rows([(household, None)], show_ward=False)
    assert 'class="empty-cell"' in html
    assert world.hb.name not in html


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["poor", "near_poor", "average", "not_poor"])
def test_rows_show_the_status_as_get_status_display_does(world, status):
    household = HouseholdFactory(khoi=world.hb_k1, status=status)
    household.members_count = 1
    html = household_rows([(household, None)], show_ward=False)
    assert f'<span class="badge status status-{status}">{household.get_status_display()}</span>' in html


@pytest.mark.django_db
def test_rows_escape_every_cell_once(world):
    world.hb_k1.name = "Khối <1> & 2"
    household = HouseholdFactory(khoi=world.hb_k1, code='A"1', head_name="Lê & Trần", address="<i>số 5</i>")
    household.members_count = 2
    html = household_rows([(household, None), (household, None)], show_ward=False)
    assert html.count("<tr ") == 2 and html.count("\n") == 1
    assert ">A&quot;1</td>" in html and ">Lê &amp; Trần</a>" in html
    assert "Khối &lt;1&gt; &amp; 2" in html and "&lt;i&gt;số 5&lt;/i&gt;" in html
    assert "&amp;amp;" not in html
