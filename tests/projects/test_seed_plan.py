"""The 2025 plan loaded by the data migration, read side by side with the signed document.

The document's text is kept in docs/seed/ (CI runs on a clean clone): nothing of
it may be lost or changed on the way into the database.
"""

import difflib
import importlib
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps

from assignments.models import Duty, ItemAssignment, Unit
from projects.document import plan_blocks, plan_text
from projects.models import Plan
from projects.seed_plan import load_seed_plan

from ..factories import WardFactory

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "docs" / "seed" / "ke-hoach-giam-ngheo-hung-binh-2025.txt"


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def plan(catalogue):
    ward = WardFactory(name="Hưng Bình", code="HB-SEED")
    return load_seed_plan(ward.pk)


def test_the_body_reads_exactly_as_the_signed_document(seed_text, plan):
    body = seed_text[seed_text.index("KẾ HOẠCH") :]
    blocks = plan_blocks(plan)
    start = next(i for i, b in enumerate(blocks) if b.kind == "document_type")
    loaded = "\n".join(b.line for b in blocks[start:])
    expected, got = words(body), words(loaded)
    if expected != got:
        diff = "\n".join(difflib.unified_diff(expected, got, "document", "loaded plan", n=6, lineterm=""))
        pytest.fail(f"The loaded plan differs from the document:\n{diff}")


def test_the_heading_matches_the_document(seed_text, plan):
    head = " ".join(seed_text[: seed_text.index("KẾ HOẠCH")].split())
    for line in (plan.issuing_body_parent, plan.issuing_body, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert line in head
    assert "Độc lập - Tự do - Hạnh phúc" in head
    # The document leaves the number blank: "Số:       /KH- UBND".
    assert re.search(r"Số:\s*/KH-\s*UBND", head)
    assert plan.number == "" and plan.symbol == "KH-UBND"
    assert plan.number_line.split() == ["Số:", "/KH-UBND"]
    assert "Hưng Bình, ngày 30 tháng 5 năm 2025" in head
    assert plan.place_date_line == "Hưng Bình, ngày\u00a030 tháng\u00a05 năm\u00a02025"
    assert plan.dated_on == date(2025, 5, 30)


def test_every_item_of_section_three_with_its_subproject_and_lead_unit(seed_text, plan):
    items = list(plan.items.select_related("subproject").order_by("position"))
    # As many items as the document has "Bộ phận chủ trì" lines.
    assert len(items) == seed_text.count("Bộ phận chủ trì:") == 9
    assert [(i.number, i.subproject.code) for i in items] == [
        ("1", "2"),
        ("2.1", "3.1"),
        ("2.2", "3.2"),
        ("3.1", "4.1"),
        ("3.2", "4.3"),
        ("4.1", "6.1"),
        ("4.2", "6.2"),
        ("5.1", "7.1"),
        ("5.2", "7.2"),
    ]
    leads = {
        a.item.number: a.unit.short_name
        for a in ItemAssignment.objects.filter(item__plan=plan, role="lead").select_related("item", "unit")
    }
    assert leads == {
        "1": "TC-KT, Đô thị",
        "2.1": "TC-KT, Đô thị",
        "2.2": "Trạm Y tế",
        "3.1": "LĐ-TB&XH",
        "3.2": "LĐ-TB&XH",
        "4.1": "VH-TT",
        "4.2": "LĐ-TB&XH",
        "5.1": "LĐ-TB&XH",
        "5.2": "LĐ-TB&XH",
    }
    for item in items:
        assert " ".join(item.targets_content.split()) in " ".join(seed_text.split())
        assert "90/QĐ-TTg" in item.targets_content
        assert item.coordinating_text.lower() == "các bộ phận có liên quan."


def test_every_duty_of_section_four_with_its_units(seed_text, plan):
    section = seed_text[seed_text.index("IV. TỔ CHỨC THỰC HIỆN") : seed_text.index("Trên đây là")]
    headings = re.findall(r"^\s*(\d)\. (.+?)\s*$", section, flags=re.MULTILINE)
    duties = list(Duty.objects.filter(plan=plan).prefetch_related("units").order_by("position"))
    assert [(str(d.position), d.heading) for d in duties] == [(n, h.strip()) for n, h in headings]
    assert [sorted(u.short_name for u in d.units.all()) for d in duties] == [
        ["LĐ-TB&XH"],
        ["TC-KT, Đô thị"],
        ["VH-TT"],
        ["UBMTTQ"],
        ["Ban cán sự khối"],
    ]
    # Each bullet of the section is one paragraph of a duty.
    bullets = len(re.findall(r"^\s*- ", section, flags=re.MULTILINE))
    assert sum(1 for d in duties for p in d.paragraphs if p.startswith("- ")) == bullets
    assert "Tết vì người nghèo" in duties[3].text


def test_basis_recipients_and_signer(seed_text, plan):
    references = list(plan.references.order_by("position"))
    assert [(r.document, r.issued_on, r.issuer) for r in references] == [
        ("Kế hoạch số 120/KH-UBND", date(2025, 5, 27), "UBND thành phố Vinh"),
        ("Nghị quyết số 24/2021/QH15", date(2021, 7, 28), "Quốc hội"),
        ("Quyết định số 90/QĐ-TTg", date(2022, 1, 18), "Thủ tướng Chính phủ"),
    ]
    flat = " ".join(seed_text.split())
    for reference in references:
        assert reference.document.split(" số ")[-1] in flat
    assert plan.paragraphs_of("recipients")[-1] == "- Lưu: VT, LĐTBXH."
    assert len(plan.paragraphs_of("recipients")) == 6
    assert plan.signer_authority.splitlines() == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    assert (plan.signer_title, plan.signer_name) == ("PHÓ CHỦ TỊCH", "Hồ Thị Nhàn")
    assert plan.state == "issued" and plan.issued_on == date(2025, 5, 30)
    assert plan.program.code == "gnbv-2021-2025"


def test_plan_text_is_the_blocks_joined(plan):
    text = plan_text(plan)
    assert text.startswith("ỦY BAN NHÂN DÂN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHƯỜNG HƯNG BÌNH")
    assert text.endswith("PHÓ CHỦ TỊCH\nHồ Thị Nhàn")


def test_the_migration_loads_the_plan_for_an_existing_hung_binh_ward_once(catalogue):
    migration = importlib.import_module("projects.migrations.0003_seed_plan_2025")
    ward = WardFactory(name="Hưng Bình", code="HB-MIG")
    other = WardFactory(name="Quang Trung", code="QT-MIG")
    migration.load(apps, None)
    migration.load(apps, None)
    assert Plan.objects.filter(ward=ward, year=2025).count() == 1
    assert not Plan.objects.filter(ward=other).exists()
    assert Unit.objects.filter(ward=ward).count() == 6
