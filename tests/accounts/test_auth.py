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
    assert SESSION_KEY not in client.session


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


def language_form(page):
    """The action and hidden "next" of the language switch on a rendered page."""
    html = page.content.decode()
    form = html[html.index('<form class="lang"') :]
    action = re.search(r'action="([^"]+)"', form).group(1)
    next_url = re.search(r'name="next" type="hidden" value="([^"]*)"', form).group(1)
    return action, next_url


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    assert response.cookies["django_language"].value == "en"
    english = client.get(response["Location"])
    assert "<h1>Log in</h1>" in english.content.decode()

    # Back to Vietnamese through the form the English page shows.
    action, next_url = language_form(english)
    back = client.post(action, {"language": "vi", "next": next_url})
    assert back.status_code == 302
    assert back["Location"] == LOGIN
    assert "<h1>Đăng nhập</h1>" in client.get(back["Location"]).content.decode()


def test_language_switch_keeps_the_page(client, officer):
    client.force_login(officer)
    action, next_url = language_form(client.get("/"))
    assert (action, next_url) == ("/i18n/setlang/", "/")
    response = client.post(action, {"language": "en", "next": next_url})
    assert response["Location"] == "/en/"
    assert "Overview" in client.get("/en/").content.decode()
