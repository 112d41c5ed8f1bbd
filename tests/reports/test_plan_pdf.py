"""/reports/plans/<id>.pdf: the issued 2025 plan as the official KẾ HOẠCH, read back against the signed document."""

import difflib
import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from projects.models import Plan
from projects.seed_plan import load_seed_plan

from ..conftest import module_scoped_world
from ..factories import PlanFactory, UnitFactory, UnitMemberFactory, UserFactory, catalogue_program
from .pdftools import embedded_families, flat_text, page_sizes, pdf_fonts, pdf_text, stub_layout

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "docs" / "seed" / "ke-hoach-giam-ngheo-hung-binh-2025.txt"
A4 = (595, 842)

world = pytest.fixture(module_scoped_world, name="world")  # built once for the module


@pytest.fixture(scope="module")
def module_plan(module_world, django_db_blocker):
    """The signed 2025 plan of Hưng Bình, loaded once for the module (inside the module's transaction)."""
    with django_db_blocker.unblock():
        catalogue_program()
        return load_seed_plan(module_world.hb.pk).pk


@pytest.fixture
def plan(world, module_plan):
    return Plan.objects.get(pk=module_plan)


@pytest.fixture(scope="module")
def module_content(module_world, module_plan, django_db_blocker):
    """The plan's PDF as the ward officer downloads it, rendered once: the tests of the document read it."""
    client = Client()
    with django_db_blocker.unblock():
        client.force_login(module_world.users["ward_officer_hb"])
        response = client.get(f"/reports/plans/{module_plan}.pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="ke-hoach-2025-v1.pdf"' in response["Content-Disposition"]
    return response.content


@pytest.fixture
def content(world, module_content):
    return module_content


@pytest.fixture
def quick_pdf(monkeypatch):
    """Who may download, not the layout (module_content's tests read that): the plan's template is rendered,
    with its queries, and WeasyPrint's layout of it is left out."""
    stub_layout(monkeypatch, lambda html: b"%PDF-1.7 " + html.encode()[:64])


def _body_words(content: bytes) -> list[str]:
    """The document's words from KẾ HOẠCH to the closing paragraph, without the page numbers of the top margin."""
    pages = len(page_sizes(content))
    lines = []
    for page in range(1, pages + 1):
        page_lines = pdf_text(content, first=page, last=page).strip().splitlines()
        if page > 1 and page_lines and page_lines[0].strip() == str(page):
            page_lines = page_lines[1:]
        lines += page_lines
    text = "\n".join(lines)
    return text[text.index("KẾ HOẠCH") : text.index("Nơi nhận:")].split()


def test_every_section_reads_exactly_as_the_signed_document(content):
    seed = SEED.read_text(encoding="utf-8")
    expected = seed[seed.index("KẾ HOẠCH") : seed.index("Nơi nhận:")].split()
    got = _body_words(content)
    if got != expected:
        diff = "\n".join(difflib.unified_diff(expected, got, "signed document", "PDF", n=4, lineterm=""))
        pytest.fail(f"The PDF differs from the signed plan:\n{diff}")


def test_heading_signer_and_recipients(content):
    text = flat_text(content)
    first = flat_text(content, first=1, last=1)
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG HƯNG BÌNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hưng Bình, ngày 30 tháng 5 năm 2025",
    ):
        assert expected in first, expected
    assert re.search(r"Số: /KH-UBND", first)  # the signed document's number is blank
    for expected in (
        "Nơi nhận:",
        "- Phòng NN và môi trường tổng hợp TP;",
        "- Lưu: VT, LĐTBXH.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Hồ Thị Nhàn",
    ):
        assert expected in text, expected


def test_portrait_a4_fonts_embedded_page_numbers_from_page_two(content):
    sizes = page_sizes(content)
    assert set(sizes) == {A4} and len(sizes) >= 4
    assert all(f["emb"] == "yes" for f in pdf_fonts(content))
    assert embedded_families(content) <= {"Times New Roman", "Liberation Serif"}
    assert pdf_text(content, first=1, last=1).strip().splitlines()[0] != "1"
    for page in range(2, len(sizes) + 1):
        assert pdf_text(content, first=page, last=page, layout=True).strip().splitlines()[0].strip() == str(page)


def test_the_plans_own_date_line_takes_the_leading_zeros_as_its_pdf(client, world, catalogue):
    """The plan's place-and-date line (its page, its text) was written apart, "ngày 5 tháng 6", while its PDF's
    heading wrote "ngày 05 tháng 6": both are layout.place_date now, each word joined to its number."""
    plan = PlanFactory(
        ward=world.hb,
        year=2026,
        state="issued",
        number="45/KH-UBND",
        issued_on=date(2026, 6, 5),
        dated_on=date(2026, 6, 5),
    )
    line = "Hưng Bình, ngày\u00a005 tháng\u00a06 năm\u00a02026"
    assert plan.place_date_line == line
    client.force_login(world.users["ward_officer_hb"])
    content = client.get(f"/reports/plans/{plan.pk}.pdf").content
    first = flat_text(content, first=1, last=1)
    assert "Hưng Bình, ngày 05 tháng 6 năm 2026" in first and "ngày 5 tháng" not in first
    assert line in client.get(f"/plans/{plan.pk}/").content.decode()
    plan.dated_on = date(2026, 1, 9)
    assert plan.place_date_line == "Hưng Bình, ngày\u00a009 tháng\u00a001 năm\u00a02026"


def test_an_undated_plan_keeps_the_blanks_before_its_year(client, world, catalogue):
    """A draft's line leaves room for the hand that dates it; the blanks are no-break spaces, which the page
    keeps (plain spaces collapsed to one: "ngày tháng năm 2026")."""
    draft = PlanFactory(ward=world.hb, year=2026)
    blank = "\u00a0" * 6
    assert draft.place_date_line == f"Hưng Bình, ngày{blank}tháng{blank}năm\u00a02026"
    client.force_login(world.users["ward_officer_hb"])
    assert draft.place_date_line in client.get(f"/plans/{draft.pk}/").content.decode()


def test_a_draft_plan_gets_a_message_not_the_document(client, world, catalogue):
    draft = PlanFactory(ward=world.hb, year=2026)  # the module's issued plan is 2025's
    client.force_login(world.users["ward_officer_hb"])
    response = client.get(f"/reports/plans/{draft.pk}.pdf")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/plain")
    assert "bản dự thảo" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("ward_leader_hb", 200),
        ("khoi_member_hb_k1", 200),
        ("upper_level", 200),
        ("ward_officer_qt", 404),
    ],
)
def test_who_may_download_the_plan(client, world, plan, role, status, django_assert_max_num_queries, quick_pdf):
    client.force_login(world.users[role])
    # Session, user, the plan, its references, items, duties (and their units): bounded, whatever the plan's size.
    with django_assert_max_num_queries(10):
        response = client.get(f"/reports/plans/{plan.pk}.pdf")
    assert response.status_code == status


def test_token_anonymous_no_role_and_unknown_plan(client, world, plan, quick_pdf):
    token = Token.objects.create(user=world.users["upper_level"])
    assert client.get(f"/reports/plans/{plan.pk}.pdf", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    response = client.get(f"/reports/plans/{plan.pk}.pdf")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(username="norole"))
    assert client.get(f"/reports/plans/{plan.pk}.pdf").status_code == 403
    client.force_login(world.users["admin"])
    assert client.get("/reports/plans/999999.pdf").status_code == 404


def test_a_unit_member_downloads_the_plan_its_page_shows(client, world, plan, quick_pdf):
    """The PDF read the plan through the registry's scope, which has no unit members: the plan page opened and
    its document was a 404 (found by the permission matrix). Both now use projects/selectors.py."""
    client.force_login(UnitMemberFactory(unit=UnitFactory(ward=world.hb, name="Hội LHPN", kind="mass_organisation")))
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/reports/plans/{plan.pk}.pdf").status_code == 200
    client.force_login(UnitMemberFactory(unit=UnitFactory(ward=world.qt, name="Hội LHPN", kind="mass_organisation")))
    assert client.get(f"/reports/plans/{plan.pk}.pdf").status_code == 404
