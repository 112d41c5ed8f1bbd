"""`make loadtest`'s review month: its campaign and the save its simulated officers send, against the real API."""

import json
import random

import pytest
from django.test import Client

from bench.loadtest import review_data
from bench.loadtest_survey import is_stale, survey_patch
from reviews.models import Campaign, Review

from ..factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(world):
    for n, status in enumerate(["poor", "near_poor", "poor", "not_poor"]):
        HouseholdFactory(khoi=world.hb_k1, code=f"LT-{n}", status=status)
    return world


def test_the_data_set_opens_one_campaign_listing_the_poor_and_near_poor(month):
    officer = month.users["ward_officer_hb"]
    data = review_data(month.hb, officer)
    campaign = Campaign.objects.get(pk=data["campaign_id"])
    assert sorted(Review.objects.filter(pk__in=data["review_ids"]).values_list("household__code", flat=True)) == [
        "LT-0",
        "LT-1",
        "LT-2",
    ]
    assert data["deprivation_codes"] and set(data["deprivation_codes"]) <= set(
        campaign.standard.indicators.values_list("code", flat=True)
    )
    # Run again (the bench database is kept between runs): the same campaign.
    assert review_data(month.hb, officer)["campaign_id"] == campaign.pk
    assert Campaign.objects.filter(ward=month.hb).count() == 1


def test_the_save_is_accepted_by_the_reviews_api_and_a_stale_one_is_refused(month):
    officer = month.users["ward_officer_hb"]
    data = review_data(month.hb, officer)
    # As locust sends it: the session cookie, a CSRF cookie of its own and the same value in the header.
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    client.cookies["csrftoken"] = "a" * 32
    url = f"/api/v1/reviews/{data['review_ids'][0]}/"
    read = client.get(url).json()
    body = survey_patch(read, deprivation_codes=data["deprivation_codes"], rng=random.Random(4))
    assert set(body) == {"version", "income_per_capita", "score_a", "deprivations", "causes"}

    saved = client.patch(url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32)
    assert saved.status_code == 200, saved.content
    answer = saved.json()
    assert answer["state"] == "draft" and answer["version"] == read["version"] + 1
    assert answer["income_per_capita"] == body["income_per_capita"]
    assert sorted(answer["deprivations"]) == sorted(body["deprivations"])
    assert answer["proposed_status"]  # the server classified the figures

    # A second officer's save with the version read before the first one: refused, and recognised as such.
    again = client.patch(url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32)
    assert is_stale(again.status_code, again.json())
    assert Review.objects.get(pk=read["id"]).version == answer["version"]


def test_an_error_is_not_taken_for_a_stale_version():
    assert not is_stale(400, {"income_per_capita": ["…"]})
    assert not is_stale(500, None)
    assert is_stale(409, None)


def test_the_report_the_officers_download_answers(month, client):
    from bench.loadtest import _report_path

    client.force_login(month.users["ward_officer_hb"])
    response = client.get(_report_path(month.hb))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
