"""Every page, as each kind of user sees it (forms after a failed save too): ready for a strict
Content-Security-Policy, and every id an attribute points at (aria-describedby, label for, …) exists."""

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from households import services

from .factories import HouseholdFactory, MemberFactory, PlanFactory

pytestmark = pytest.mark.django_db

IDREF_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "aria-controls", "for", "list")


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: event handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style=…>: style attribute")
            if name in IDREF_ATTRIBUTES and value:
                self.references.extend((tag, name, ref) for ref in value.split())
        if tag == "script" and not attributes.get("src"):
            self.problems.append("<script> without src: inline script")
        if tag == "style":
            self.problems.append("<style> element")

    def dangling(self) -> list[str]:
        return [f"<{tag} {name}={ref!r}>" for tag, name, ref in self.references if ref not in self.ids]


def audit(response) -> PageAudit:
    assert response.status_code in (200, 409), response.status_code
    parser = PageAudit()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def pages(world):
    household = HouseholdFactory(khoi=world.hb_k1, code="HB-001")
    member = MemberFactory(household=household)
    h, m = household.pk, member.pk
    version = household.version
    return [
        ("get", "/", None),
        ("get", "/households/", None),
        ("get", "/households/", {"as_of": "31/02/2025", "status": "nope"}),
        ("get", f"/households/{h}/", None),
        ("get", "/households/new/", None),
        ("post", "/households/new/", {"status_since": "15/13/2025"}),
        ("get", f"/households/{h}/edit/", None),
        ("post", f"/households/{h}/edit/", {"version": version, "code": ""}),
        ("get", f"/households/{h}/status/", None),
        ("post", f"/households/{h}/status/", {"version": version, "effective_on": "99"}),
        ("get", f"/households/{h}/members/new/", None),
        ("post", f"/households/{h}/members/new/", {"version": version, "birth_date": "08/15/2010"}),
        ("get", f"/households/{h}/members/{m}/edit/", None),
        ("post", f"/households/{h}/members/{m}/edit/", {"version": version, "full_name": "", "id_number": "12"}),
        ("get", "/households/import/", None),
        ("post", "/households/import/", {"action": "dry_run"}),
        ("get", "/reports/", None),
        ("get", f"/reports/results/ward/{world.hb.pk}/2025/", None),
        ("get", f"/reports/population/{world.hb.pk}/2025/", None),
        ("get", "/reports/submissions/", {"period": "2025-H1"}),
        ("post", f"/reports/population/{world.hb.pk}/2025/", {f"households_{world.hb_k1.pk}": "5"}),
        ("get", "/accounts/password/", None),
        ("post", "/accounts/password/", {"old_password": "x"}),
        ("get", "/en/households/", None),
        ("get", f"/en/households/{h}/members/new/", None),
    ]


def test_pages_are_csp_ready_and_their_id_references_resolve(client, world, pages):
    client.force_login(world.users["ward_officer_hb"])
    for method, url, data in pages:
        response = getattr(client, method)(url, data or {})
        parser = audit(response)
        assert not parser.problems, (method, url, parser.problems)
        assert not parser.dangling(), (method, url, parser.dangling())


def test_failed_saves_link_each_error_to_its_field(client, world, pages):
    client.force_login(world.users["ward_officer_hb"])
    household = world.hb_k1.households.get()
    response = client.post(f"/households/{household.pk}/members/new/", {"version": household.version})
    html = response.content.decode()
    assert 'aria-describedby="id_full_name_error"' in html
    assert 'id="id_full_name_error"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("url", ["/accounts/login/", "/en/accounts/login/"])
def test_anonymous_pages_too(client, db, url):
    parser = audit(client.get(url))
    assert not parser.problems and not parser.dangling()
    parser = audit(client.post(url, {"username": "nobody", "password": "wrong"}))
    assert not parser.problems and not parser.dangling()


def test_api_docs_lead_back_to_the_app_without_inline_code(client, world):
    client.force_login(world.users["ward_officer_hb"])
    response = client.get("/api/v1/docs/")
    parser = audit(response)
    assert not parser.problems
    assert 'href="/" data-testid="back-to-app"' in response.content.decode()


def test_admin_links_the_api_documentation(client, world):
    client.force_login(world.users["admin"])
    assert 'href="/api/v1/docs/" data-testid="admin-api-docs"' in client.get("/admin/").content.decode()


def test_a_merge_form_after_a_stale_save_too(client, world):
    household = HouseholdFactory(khoi=world.hb_k1, address="Số 5")
    user = world.users["ward_officer_hb"]
    client.force_login(user)
    data = {"khoi": world.hb_k1.pk, "code": household.code, "head_name": "Mới", "address": "Số 7"}
    data["version"] = household.version
    services.household_update(by=user, household=household, version=household.version, address="Số 9")
    response = client.post(f"/households/{household.pk}/edit/", data)
    assert response.status_code == 409
    parser = audit(response)
    assert not parser.problems and not parser.dangling()
    assert '<fieldset class="field choice"' in response.content.decode()


def test_api_docs_keep_the_language_of_the_page_that_linked_them(client, world):
    # The API is outside the language prefixes: from the English menu the docs came in Vietnamese, with no
    # lang on <html>, and "Back to the app" led to the Vietnamese app.
    client.force_login(world.users["upper_level"])
    english_menu = client.get("/en/").content.decode()
    assert 'href="/api/v1/docs/?lang=en"' in english_menu
    assert 'href="/api/v1/docs/"' in client.get("/").content.decode()
    english = client.get("/api/v1/docs/", {"lang": "en"}).content.decode()
    assert '<html lang="en">' in english
    assert 'href="/en/" data-testid="back-to-app">‹ Back to the app<' in english
    vietnamese = client.get("/api/v1/docs/").content.decode()
    assert '<html lang="vi">' in vietnamese and 'href="/" data-testid="back-to-app"' in vietnamese
    assert '<html lang="vi">' in client.get("/api/v1/docs/", {"lang": "xx"}).content.decode()


def test_a_plan_without_a_number_says_so_and_labels_its_date(client, world):
    # The list read "Number: — 30/05/2025": the dash and the date ran together.
    PlanFactory(ward=world.hb, year=2025, number="", issued_on=date(2025, 5, 30))
    client.force_login(world.users["ward_officer_hb"])
    english = client.get("/en/plans/").content.decode()
    assert '<span class="muted">No number yet</span><br><span class="muted">issued on 30/05/2025</span>' in english
    assert "—" not in english.split("<tbody>")[1].split("</tbody>")[0]
    vietnamese = client.get("/plans/").content.decode()
    assert "Chưa có số" in vietnamese and "ban hành ngày 30/05/2025" in vietnamese


def test_an_empty_task_list_says_once_which_filter_is_on(client, world):
    # On a phone "0 tasks" then "No tasks." said the same twice, and not that "Open" was chosen.
    client.force_login(world.users["ward_officer_hb"])
    page = client.get("/en/tasks/").content.decode()
    assert "0 tasks" not in page and 'data-testid="count"' not in page
    assert 'data-testid="no-tasks">No open tasks. <a href="?show=all">Show all tasks</a></p>' in page
    overdue = client.get("/en/tasks/", {"show": "overdue"}).content.decode()
    assert "No overdue tasks." in overdue and 'href="?show=all">Show all tasks<' in overdue
    everything = client.get("/en/tasks/", {"show": "all"}).content.decode()
    assert 'data-testid="no-tasks">No tasks.</p>' in everything
    assert "Không có việc đang mở." in client.get("/tasks/").content.decode()


def test_record_support_leads_back_like_its_neighbours(client, world):
    client.force_login(world.users["ward_officer_hb"])
    page = client.get("/en/support/new/").content.decode()
    assert '<p class="breadcrumb"><a href="/en/support/">‹ Support given</a></p>' in page


def test_check_boxes_and_radios_take_the_app_colour():
    # Chromium drew them in its default blue.
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    assert 'input[type="checkbox"], input[type="radio"] { accent-color: var(--red); }' in css
