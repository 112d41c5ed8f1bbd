"""The OpenAPI schema and the docs page, served without any CDN."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, world):
    """The schema and its docs need a login (they map the data model)."""
    client.force_login(world.users["ward_officer_hb"])
    return client


def test_schema_is_openapi_3_and_lists_the_endpoints(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Hưng Bình API"
    for path in ("/api/v1/auth/token/", "/api/v1/wards/", "/api/v1/wards/{id}/", "/api/v1/khoi/", "/api/v1/khoi/{id}/"):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/wards/"]) == {"get"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_default_format_is_yaml(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi: 3.")


def test_docs_use_only_local_assets(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3, assets  # the stylesheet and both Swagger UI scripts
    assert not re.search(r"https?://", " ".join(assets)), assets
    assert not re.search(r"//(cdn|unpkg|jsdelivr)", html)
    for url in assets:
        if url == "/api/v1/docs/?script=":
            continue  # Swagger UI's start-up code, served by the docs view itself rather than inline (CSP).
        assert url.startswith("/static/"), url
        # and the file is really there to serve
        assert finders.find(url.removeprefix("/static/")), url
    assert '"/api/v1/schema/"' in client.get("/api/v1/docs/", {"script": ""}).content.decode()
