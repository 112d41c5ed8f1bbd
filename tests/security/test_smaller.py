"""Issue 11, item 11: CSP, password rules, the API schema behind a login and its error answers."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from households.demo import DEMO_PASSWORD
from hungbinh.accounts.passwords import DEMO_PASSWORD as REFUSED_DEMO_PASSWORD
from hungbinh.middleware import CONTENT_SECURITY_POLICY

from ..factories import PASSWORD

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIRS = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=\s*[\"']|javascript:", re.I)


def templates():
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_no_template_carries_inline_script_or_style():
    found = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(BASE_DIR)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{path.relative_to(BASE_DIR)}: {m.group(0)}" for m in INLINE_STYLE.finditer(text)]
    assert templates() and not found, found


def test_the_policy_allows_only_the_apps_own_origin():
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "object-src 'none'" in CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/", "/households/", "/api/v1/wards/", "/api/v1/docs/", "/nowhere/"]
)
def test_every_answer_carries_the_policy(client, world, url):
    client.force_login(world.users["ward_officer_hb"])
    response = client.get(url)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


# --- Passwords ------------------------------------------------------------------


def test_the_refused_demo_password_is_the_demo_accounts_one():
    assert REFUSED_DEMO_PASSWORD == DEMO_PASSWORD


@pytest.mark.django_db
def test_a_new_password_equal_to_the_old_or_the_demo_one_is_refused(client, world):
    user = world.users["ward_officer_hb"]
    client.force_login(user)
    for new in (PASSWORD, DEMO_PASSWORD):
        response = client.post(
            "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]
    with pytest.raises(ValidationError) as error:
        validate_password(DEMO_PASSWORD, user)
    assert "mật khẩu" in error.value.messages[0]


def test_too_short_is_said_in_vietnamese():
    with pytest.raises(ValidationError) as error:
        validate_password("a8#Kq")
    assert error.value.messages[0] == "Mật khẩu này quá ngắn: cần ít nhất 8 ký tự."


# --- The API schema -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_needs_a_login(client, api_client, world):
    assert api_client.get("/api/v1/schema/").status_code == 401
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(world.users["khoi_member_hb_k1"])
    assert client.get("/api/v1/schema/").status_code == 200


@pytest.mark.django_db
def test_the_schema_documents_errors_and_nullable_dates(client, world):
    client.force_login(world.users["ward_officer_hb"])
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    household = schema["components"]["schemas"]["Household"]["properties"]
    assert household["newly_escaped_until"]["nullable"] is True
    detail = schema["paths"]["/api/v1/households/{id}/"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404"} <= set(detail)
    token = schema["paths"]["/api/v1/auth/token/"]
    assert {"200", "400", "429"} <= set(token["post"]["responses"])
    assert {"204", "401"} <= set(token["delete"]["responses"])
