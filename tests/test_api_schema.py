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


# --- What the fuzzing found the schema did not say (tests/security/test_api_fuzz.py) --------------------------


def _operation(client, path, method):
    return client.get("/api/v1/schema/", {"format": "json"}).json()["paths"][path][method]


def test_a_page_past_the_last_is_a_documented_404(client):
    assert client.get("/api/v1/budgets/", {"page": 99}).status_code == 404
    assert "404" in _operation(client, "/api/v1/budgets/", "get")["responses"]


def test_a_write_naming_an_object_outside_the_scope_is_a_documented_404(client, world):
    from households.models import Household

    response = client.post(
        "/api/v1/movements/",
        {
            "household": Household.objects.count() + 409,
            "movement": "moved_in",
            "occurred_on": "2025-01-01",
            "reason": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert "404" in _operation(client, "/api/v1/movements/", "post")["responses"]


def test_an_imports_400_may_be_field_errors(client):
    response = client.post("/api/v1/households/import/", {"file": "not a file"})
    assert response.status_code == 400 and "file" in response.json()
    schema = _operation(client, "/api/v1/households/import/", "post")["responses"]["400"]["content"]["application/json"]
    refs = [option.get("$ref", "") for option in schema["schema"]["anyOf"]]
    assert refs == [
        "#/components/schemas/ImportResult",
        *(f"#/components/schemas/{n}" for n in ("FieldErrors", "ErrorDetail")),
    ]


def test_a_meetings_attendance_documents_its_groups_and_no_other_key(client):
    """The serializer refuses a key that names no group (400): the schema says so, and a client generated from it
    cannot send one."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    request = _operation(client, "/api/v1/meetings/", "post")["requestBody"]["content"]["application/json"]["schema"]
    meeting = schema["components"]["schemas"][request["$ref"].rsplit("/", 1)[-1]]
    ref = next(option["$ref"] for option in meeting["properties"]["attendance"]["allOf"])
    attendance = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert attendance["additionalProperties"] is False
    groups = ["ward", "khoi", "front", "organisations", "reviewers", "households", "others"]
    assert list(attendance["properties"]) == groups


def test_a_standards_legal_document_is_documented_read_only(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    standard = schema["components"]["schemas"]["Standard"]["properties"]
    for field in ("document_type", "document_number", "document_date", "document_issuer", "document_subject"):
        assert standard[field].get("readOnly") is True, field
    assert standard["document_date"]["format"] == "date" and standard["document_date"].get("nullable") is True


def test_a_standards_extension_is_documented_read_only(client):
    """The standard that extended it and the first year it added (bdbd275), both read-only and nullable."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    standard = schema["components"]["schemas"]["Standard"]["properties"]
    for field in ("extended_by", "extended_from_year"):
        assert standard[field].get("readOnly") is True, field
        assert standard[field].get("nullable") is True, field
        assert standard[field]["type"] == "integer", field
