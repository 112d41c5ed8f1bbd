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
