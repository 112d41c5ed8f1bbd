"""Issue 11, item 7: API tokens expire, end with a password change, and can be revoked; lock-out in JSON."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from ..factories import PASSWORD, WardOfficerFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def officer():
    return WardOfficerFactory(username="canbo")


def obtain(api_client, password=PASSWORD):
    return api_client.post(TOKEN_URL, {"username": "canbo", "password": password}, format="json")


def wards(api_client, key):
    return api_client.get("/api/v1/wards/", HTTP_AUTHORIZATION=f"Token {key}")


def age(token, hours):
    Token.objects.filter(pk=token).update(created=timezone.now() - timedelta(hours=hours))


def test_a_token_expires_after_the_setting(api_client, officer, settings):
    settings.API_TOKEN_HOURS = 8
    key = obtain(api_client).json()["token"]
    age(key, 7)
    assert wards(api_client, key).status_code == 200
    age(key, 8)
    response = wards(api_client, key)
    assert response.status_code == 401
    assert "hết hạn" in response.json()["detail"]
    # Asking again gives a new token, not the expired one.
    new_key = obtain(api_client).json()["token"]
    assert new_key != key and wards(api_client, new_key).status_code == 200


def test_an_expired_token_cannot_download_a_report(client, officer):
    token = Token.objects.create(user=officer)
    age(token.key, 25)
    assert client.get("/reports/households.xlsx", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401


def test_a_password_change_revokes_the_tokens(api_client, client, officer):
    key = obtain(api_client).json()["token"]
    client.force_login(officer)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Cau-hoi-moi-2026!", "new_password2": "Cau-hoi-moi-2026!"},
    )
    assert response.status_code == 302
    assert wards(api_client, key).status_code == 401
    assert not Token.objects.filter(user=officer).exists()
    other = Token.objects.create(user=officer)
    officer.set_password("Mot-mat-khau-khac-2026")
    officer.save()
    assert not Token.objects.filter(pk=other.pk).exists()


def test_other_saves_keep_the_token(officer):
    token = Token.objects.create(user=officer)
    officer.first_name = "An"
    officer.save()
    assert Token.objects.filter(pk=token.pk).exists()


def test_a_user_revokes_their_token(api_client, officer):
    key = obtain(api_client).json()["token"]
    others = Token.objects.create(user=WardOfficerFactory(username="canbo2"))
    response = api_client.delete(TOKEN_URL, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 204
    assert wards(api_client, key).status_code == 401
    assert Token.objects.filter(pk=others.pk).exists()
    assert api_client.delete(TOKEN_URL).status_code == 401


def test_the_lock_out_answers_json(api_client, officer):
    answers = [obtain(api_client, "wrong-password") for _attempt in range(4)]
    assert [a["Content-Type"] for a in answers] == ["application/json"] * 4
    assert answers[-1].status_code == 429
    assert "bị khóa" in answers[-1].json()["detail"]


@pytest.mark.parametrize("body", ["[]", '"canbo"', "42", "null", "[1, 2]", '{"username": ["canbo"], "password": 1}'])
def test_a_body_that_is_not_an_object_is_a_400(api_client, officer, body):
    response = api_client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
