"""Responses to logged-in users are never stored by a cache (personal data)."""

import pytest


@pytest.mark.django_db
def test_authenticated_pages_and_api_are_not_stored(client, world):
    client.force_login(world.users["ward_officer_hb"])
    for path in ("/", "/api/v1/wards/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_token_requests_are_not_stored(api_client, world):
    response = api_client.get("/api/v1/wards/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_static_assets_of_anonymous_visitors_stay_cacheable(client):
    response = client.get("/static/css/app.css")
    assert "no-store" not in response.get("Cache-Control", "")
