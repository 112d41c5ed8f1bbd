"""Login, logout, password change and login throttling on the web pages."""

import re

import pytest
from django.contrib.auth import SESSION_KEY

from ..factories import PASSWORD, WardOfficerFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOCKED = "Tài khoản bị khóa"


@pytest.fixture
def officer():
    return WardOfficerFactory(username="canbo")


def login(client, password, username="canbo"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_vietnamese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    page = response.content.decode()
    assert "<h1>Đăng nhập</h1>" in page
    assert '<html lang="vi">' in page


def test_login_page_in_english_under_en_prefix(client):
    response = client.get("/en/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Log in</h1>" in page
    assert "Đăng nhập" not in page


def test_right_password_logs_in_and_goes_to_dashboard(client, officer):
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(officer.pk)


def test_wrong_password_shows_vietnamese_error_and_does_not_log_in(client, officer):
    response = login(client, "wrong-password")
    assert response.status_code == 200
    assert "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_locked_after_three_failures_even_with_right_password(client, officer):
    for _attempt in range(2):
        assert login(client, "wrong-password").status_code == 200
    # The third failure reaches AXES_FAILURE_LIMIT (3 in tests/settings.py).
    assert login(client, "wrong-password").status_code == 429
    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "bị khóa trong 15 phút" in response.content.decode()  # AXES_COOLOFF_HOURS defaults to 0.25.
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("hours", "words"), [(0.25, "15 phút"), (1, "1 giờ"), (1.5, "1 giờ 30 phút"), (24, "1 ngày"), (1 / 120, "1 phút")]
)
def test_lockout_page_says_for_how_long(client, officer, settings, hours, words):
    settings.AXES_COOLOFF_TIME = hours
    for _attempt in range(3):
        response = login(client, "wrong-password")
    assert response.status_code == 429
    assert f"bị khóa trong {words} tính từ lần thử cuối" in " ".join(response.content.decode().split())


def test_lockout_of_one_account_leaves_others_alone(client, officer):
    WardOfficerFactory(username="canbo_qt")
    for _attempt in range(3):
        login(client, "wrong-password")
    assert login(client, PASSWORD).status_code == 429
    assert login(client, PASSWORD, username="canbo_qt").status_code == 302


def test_a_success_resets_the_failure_count(client, officer):
    for _attempt in range(2):
        login(client, "wrong-password")
    assert login(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _attempt in range(2):
        assert login(client, "wrong-password").status_code == 200
    assert login(client, PASSWORD).status_code == 302


def test_logout_is_a_post(client, officer):
    client.force_login(officer)
    assert client.get("/accounts/logout/").status_code == 405
    assert SESSION_KEY in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_password_change(client, officer):
    client.force_login(officer)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert "Đổi mật khẩu" in page.content.decode()
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Mat-khau-moi-2025!", "new_password2": "Mat-khau-moi-2025!"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-moi-2025!")
    # The session survives the change.
    assert client.get("/").status_code == 200


def test_password_change_with_wrong_old_password_changes_nothing(client, officer):
    client.force_login(officer)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "Mat-khau-moi-2025!", "new_password2": "Mat-khau-moi-2025!"},
    )
    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_password_change_needs_login(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/"


def test_anonymous_dashboard_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_expired_session_redirects_to_login_with_an_explanation(client, officer):
    client.force_login(officer)
    client.session.flush()  # what the session store does when the session expires
    client.cookies["sessionid"] = "expired-or-unknown-session-key"
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/accounts/login/?next=/", 302)]
    assert "phiên làm việc đã hết hạn" in response.content.decode()


def language_link(page, code):
    """Where the language switch of a rendered page leads for `code`."""
    html = page.content.decode()
    return re.search(rf'<a class="lang-choice" href="([^"]+)" lang="{code}"', html).group(1)


def test_language_switch_to_english_and_back(client):
    english_url = language_link(client.get(LOGIN), "en")
    assert english_url == "/en/accounts/login/"
    english = client.get(english_url)
    assert "<h1>Log in</h1>" in english.content.decode()

    # Back to Vietnamese through the link the English page shows.
    assert language_link(english, "vi") == LOGIN
    assert "<h1>Đăng nhập</h1>" in client.get(LOGIN).content.decode()


def test_language_switch_keeps_the_page_and_its_query(client, officer):
    client.force_login(officer)
    assert language_link(client.get("/"), "en") == "/en/"
    assert "Overview" in client.get("/en/").content.decode()
    page = client.get("/households/", {"status": "poor"})
    assert language_link(page, "en") == "/en/households/?status=poor"
    assert language_link(client.get("/en/households/", {"status": "poor"}), "vi") == "/households/?status=poor"
