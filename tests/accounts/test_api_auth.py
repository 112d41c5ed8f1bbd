"""API authentication: the token endpoint, its throttling, and bad credentials."""

import pytest
from rest_framework.authtoken.models import Token

from ..factories import PASSWORD, WardOfficerFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def officer():
    return WardOfficerFactory(username="canbo")


def obtain(api_client, password, username="canbo"):
    return api_client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_right_credentials_return_a_token_that_authenticates(api_client, officer):
    response = obtain(api_client, PASSWORD)
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=officer).key}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    wards = api_client.get("/api/v1/wards/")
    assert wards.status_code == 200
    assert [w["id"] for w in wards.json()["results"]] == [officer.ward_id]


def test_asking_twice_returns_the_same_token(api_client, officer):
    assert obtain(api_client, PASSWORD).json() == obtain(api_client, PASSWORD).json()


def test_wrong_password_is_a_vietnamese_400(api_client, officer):
    response = obtain(api_client, "wrong-password")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Không thể đăng nhập với thông tin đã nhập."]}
    assert not Token.objects.exists()


def test_missing_fields_are_field_errors(api_client):
    response = api_client.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"username", "password"}
    assert body["username"] == ["Trường này là bắt buộc."]


def test_locked_out_after_three_failures_even_with_right_password(api_client, officer):
    for _attempt in range(3):
        assert obtain(api_client, "wrong-password").status_code in (400, 429)
    response = obtain(api_client, PASSWORD)
    assert response.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in response.json()["detail"]
    assert not Token.objects.exists()


def test_api_without_credentials_is_a_401_json(api_client):
    response = api_client.get("/api/v1/wards/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Chưa cung cấp thông tin xác thực (đăng nhập hoặc token)."}


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Token a b", "Tiêu đề Authorization không hợp lệ: token không được chứa khoảng trắng."),
        ("Token ", "Tiêu đề Authorization không hợp lệ: thiếu token."),
        ("Token", "Tiêu đề Authorization không hợp lệ: thiếu token."),
        ("Token 0123456789abcdef0123456789abcdef01234567", "Token không hợp lệ."),
        ("Token ' OR 1=1 --", "Tiêu đề Authorization không hợp lệ: token không được chứa khoảng trắng."),
        ("Token \u00e9\u00e8", "Tiêu đề Authorization không hợp lệ: token chứa ký tự không hợp lệ."),
        ("garbage", "Chưa cung cấp thông tin xác thực (đăng nhập hoặc token)."),
        ("Bearer abc", "Chưa cung cấp thông tin xác thực (đăng nhập hoặc token)."),
    ],
)
def test_malformed_token_header_is_a_401_json(api_client, header, detail):
    response = api_client.get("/api/v1/khoi/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": detail}


def test_token_of_a_deactivated_user_is_refused(api_client, officer):
    token = Token.objects.create(user=officer)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get("/api/v1/wards/")
    assert response.status_code == 401
    assert "detail" in response.json()
