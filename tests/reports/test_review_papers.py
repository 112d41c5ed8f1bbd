"""The review's papers (/reports/reviews/…): read back from the PDF and compared with the review's data."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.review_papers import campaign_title
from reviews import services
from reviews.models import Certificate, Decision, Meeting, Posting, Review
from tests.reviews.conftest import POOR_SURVEY, review_of, to_posted, to_verified

from ..factories import HouseholdFactory, MemberFactory, WardLeaderFactory
from .conftest import SURVEYS
from .pdftools import (
    A4,
    A4_LANDSCAPE,
    embedded_families,
    flat_text,
    layout_row,
    ngay_apart_from_its_date,
    page_sizes,
    pdf_fonts,
    pdf_text,
    word_boxes,
)

pytestmark = pytest.mark.django_db


def march_application(world, officer, household, form="form_01"):
    """The household's application (16/3/2026, `form`) in a regular review of March 2026 opened for Hưng Bình."""
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    return services.review_add_application(
        by=officer, campaign=campaign, form=form, applied_on=date(2026, 3, 16), household=household
    )


def page_row(content: bytes, page: int, label: str) -> list[str]:
    """The cells after `label` on its line of one page's laid-out text."""
    for line in pdf_text(content, first=page, last=page, layout=True).splitlines():
        words = line.split()
        if " ".join(words).startswith(label + " ") or " ".join(words) == label:
            return words[len(label.split()) :]
    raise AssertionError(f"no line starting with {label!r} on page {page}")


def download(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:400]
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
    return response


def keep(content: bytes, name: str) -> None:
    """PAPERS_DIR=/tmp/papers keeps the papers to look at them (docs/documents.md)."""
    import os

    if os.environ.get("PAPERS_DIR"):
        with open(os.path.join(os.environ["PAPERS_DIR"], f"{name}.pdf"), "wb") as out:
            out.write(content)


def assert_official(content: bytes):
    import inspect

    keep(content, inspect.stack()[1].function)
    """Every paper: the font embedded, A4, the heading of Nghị định 30."""
    fonts = pdf_fonts(content)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert embedded_families(content) & {"Times New Roman", "Liberation Serif"}
    first = flat_text(content, first=1, last=1)
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG HƯNG BÌNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ):
        assert expected in first, expected


# --- Phụ lục I ------------------------------------------------------------------------------


def test_list_of_households_to_review(client, world, campaign, households):
    content = download(client, world.users["ward_officer_hb"], f"/reports/reviews/{campaign.pk}/households.pdf").content
    assert_official(content)
    assert set(page_sizes(content)) == {A4_LANDSCAPE}  # a wide table: landscape
    text = flat_text(content)
    assert "DANH SÁCH" in text and "Hộ gia đình cần rà soát hộ nghèo, hộ cận nghèo" in text
    assert "Rà soát định kỳ năm 2025 – phường Hưng Bình" in text
    assert "Phụ lục I – Thông tư số 07/2021/TT-BLĐTBXH" in text
    for household in (households[k] for k in ("stays", "escapes", "falls", "nearer", "up", "k2")):
        assert household.head_name in text and household.code in text
    assert "Bùi Văn Quang" not in text  # another ward
    assert "Tổng cộng: 6 hộ" in text
    assert "Hưng Bình, ngày 01 tháng 9 năm 2025" in text
    assert "TM. BAN CHỈ ĐẠO RÀ SOÁT" in text


def test_khoi_list_and_the_khoi_members_scope(client, world, campaign, households):
    member = world.users["khoi_member_hb_k1"]
    url = f"/reports/reviews/{campaign.pk}/khoi/{world.hb_k1.pk}/households.pdf"
    text = flat_text(download(client, member, url).content)
    assert "Khối 1, phường Hưng Bình" in text and "Tổng cộng: 5 hộ" in text
    assert "Đặng Văn Khối Hai" not in text
    download(client, member, f"/reports/reviews/{campaign.pk}/khoi/{world.hb_k2.pk}/households.pdf", 404)
    assert "khối" in download(client, member, f"/reports/reviews/{campaign.pk}/households.pdf", 403).content.decode()


def test_empty_list_says_so(client, world, officer):
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    content = download(client, officer, f"/reports/reviews/{campaign.pk}/households.pdf").content
    text = flat_text(content)
    assert "Danh sách trống" in text and "Tổng cộng: 0 hộ" in text
    assert "Rà soát thường xuyên tháng 3 năm 2026" in text and "tháng 03" not in text


# --- Phụ lục V ------------------------------------------------------------------------------


def test_meeting_minutes_with_attendees_and_votes(client, world, campaign, officer, households):
    reviews = []
    for key in ("stays", "escapes"):
        reviews.append(to_verified(review_of(campaign, households[key]), officer=officer, survey=SURVEYS[key]))
    meeting = services.meeting_record(
        by=officer,
        campaign=campaign,
        khoi=world.hb_k1,
        held_on=date(2025, 10, 20),
        attendees=12,
        votes=[(reviews[0], 6), (reviews[1], 5)],
        households_represented=4,
        chair="Trần Văn Trưởng",
        secretary="Lê Thị Thư",
        notes="Ý kiến của Mặt trận: đồng ý.",
    )
    content = download(client, world.users["khoi_member_hb_k1"], f"/reports/reviews/meetings/{meeting.pk}.pdf").content
    assert_official(content)
    text = flat_text(content)
    for expected in (
        "BIÊN BẢN",
        "Kết quả họp dân để thống nhất kết quả rà soát hộ nghèo, hộ cận nghèo",
        "Phụ lục V – Thông tư số 07/2021/TT-BLĐTBXH",
        "Hôm nay, ngày 20/10/2025, tại Khối 1, phường Hưng Bình",
        "Chủ trì: Trần Văn Trưởng. Thư ký: Lê Thị Thư.",
        "Số người tham dự: 12 người.",
        "Số hộ trong danh sách rà soát của khối: 5 hộ; số hộ có đại diện tham dự: 4 hộ (80,0%)",
        "K1-01 Nguyễn Thị Hường Hộ nghèo Hộ nghèo 6/12 50,0% Thống nhất",
        "K1-02 Trần Văn Đức Hộ nghèo Hộ có mức sống trung bình 5/12 41,7% Không thống nhất, rà soát lại",
        "Thống nhất: 1 hộ; không thống nhất, rà soát lại: 1 hộ.",
        "Ý kiến của Mặt trận: đồng ý.",
        "THƯ KÝ",
        "CHỦ TRÌ",
    ):
        assert expected in text, expected
    # Another khối's member and another ward's officer: the meeting does not exist for them.
    other = Meeting.objects.create(campaign=campaign, khoi=world.hb_k2, held_on=date(2025, 10, 21), attendees=3)
    download(client, world.users["khoi_member_hb_k1"], f"/reports/reviews/meetings/{other.pk}.pdf", 404)
    download(client, world.users["ward_officer_qt"], f"/reports/reviews/meetings/{meeting.pk}.pdf", 404)
    # A meeting without votes (not possible through the service) is still a document that says so.
    text = flat_text(download(client, officer, f"/reports/reviews/meetings/{other.pk}.pdf").content)
    assert "Danh sách trống" in text and "Chủ trì: ....." in text
    # Chair and secretary stand on lines of their own.
    lines = [" ".join(line.split()) for line in pdf_text(content, layout=True).splitlines()]
    assert "Chủ trì: Trần Văn Trưởng." in lines and "Thư ký: Lê Thị Thư." in lines


RIGHT_MARGIN = A4[0] - 15 * 72 / 25.4  # 15 mm (docs/documents.md)


def test_minutes_leave_dotted_lines_for_a_chair_and_secretary_not_recorded(
    client, world, campaign, officer, households
):
    """A meeting recorded without its chair and secretary: the minutes give each a line of dots to the margin
    to write in by hand, and dots under their signatures (it printed "Chủ trì: …. …. Thư ký:" on one line)."""
    review = review_of(campaign, households["stays"])
    services.review_save(by=officer, review=review, **SURVEYS["stays"])
    services.review_submit(by=officer, review=review)
    services.review_verify(by=officer, review=review)
    meeting = services.meeting_record(
        by=officer, campaign=campaign, khoi=world.hb_k1, held_on=date(2025, 10, 20), attendees=12, votes=[(review, 6)]
    )
    content = download(client, officer, f"/reports/reviews/meetings/{meeting.pk}.pdf").content
    assert_official(content)
    lines = [" ".join(line.split()) for line in pdf_text(content, layout=True).splitlines()]
    for label in ("Chủ trì:", "Thư ký:"):
        line = next(line for line in lines if line.startswith(label))
        rest = line.removeprefix(label).strip()
        assert set(rest) == {"."} and len(rest) >= 60, line  # nothing else on the line: dots to fill in
    words = word_boxes(content, 1)
    dots = [w for w in words if set(w[0]) == {"."}]
    assert dots and max(w[3] for w in dots) <= RIGHT_MARGIN + 1  # they stop at the margin
    # So does the votes' table (its columns took 181 mm of the 165 and ran to the paper's edge).
    assert max(w[3] for w in words) <= RIGHT_MARGIN + 1
    signatures = lines[next(i for i, line in enumerate(lines) if line.startswith("THƯ KÝ")) :]
    names = next(line for line in signatures if line.startswith("."))
    runs = names.split()  # the secretary's and the chair's, a third of the page each; the households sign
    assert len(runs) == 2 and all(set(run) == {"."} and len(run) >= 25 for run in runs), names


def test_meeting_minutes_list_the_attendees_by_group(client, world, campaign, officer, households):
    review = to_verified(review_of(campaign, households["stays"]), officer=officer, survey=SURVEYS["stays"])
    attendance = {"ward": 2, "khoi": 3, "front": 1, "organisations": 4, "reviewers": 2, "households": 5, "others": 3}
    meeting = services.meeting_record(
        by=officer,
        campaign=campaign,
        khoi=world.hb_k1,
        held_on=date(2025, 10, 20),
        attendance=attendance,
        votes=[(review, 10)],
        households_represented=4,
    )
    content = download(client, officer, f"/reports/reviews/meetings/{meeting.pk}.pdf").content
    assert_official(content)
    text = flat_text(content)
    for expected in (
        "I. Thành phần tham dự",
        "Số người tham dự: 20 người, gồm:",
        "- Đại diện Ban Chỉ đạo rà soát, Ủy ban nhân dân phường (kể cả công chức phụ trách giảm nghèo): 2 người;",
        "- Trưởng khối, Bí thư chi bộ, Ban cán sự khối: 3 người;",
        "- Đại diện Mặt trận Tổ quốc (giám sát): 1 người;",
        "- Đại diện các tổ chức đoàn thể: 4 người;",
        "- Rà soát viên: 2 người;",
        "- Đại diện các hộ gia đình được rà soát: 5 người;",
        "- Đại diện các hộ gia đình khác và thành phần khác: 3 người.",
        "số hộ có đại diện tham dự: 4 hộ (80,0%)",
        "10/20 50,0% Thống nhất",  # the votes are counted against the groups' sum
    ):
        assert expected in text, expected
    # The groups stand in the form's order, before the households' votes.
    assert text.index("Đại diện Mặt trận") < text.index("Rà soát viên") < text.index("II. Kết quả biểu quyết")


# --- Posting, decision, certificates ------------------------------------------------------------


def test_posting_notice(client, world, campaign, officer, leader, households):
    review = to_posted(campaign, review_of(campaign, households["stays"]), officer=officer, survey=POOR_SURVEY)
    content = download(client, officer, f"/reports/reviews/postings/{review.posting_id}.pdf").content
    assert_official(content)
    text = flat_text(content)
    for expected in (
        "THÔNG BÁO",
        "Niêm yết công khai kết quả rà soát hộ nghèo, hộ cận nghèo",
        "Thời gian niêm yết: từ ngày 03/11/2025 đến hết ngày 05/11/2025.",
        "nhà văn hóa Khối 1 và trụ sở Ủy ban nhân dân phường Hưng Bình",
        "Hưng Bình, ngày 03 tháng 11 năm 2025",
        "TM. ỦY BAN NHÂN DÂN",
        "Nơi nhận:",
        # The ward's one leader signs it, as the decision names its signer (the block had no name).
        "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Hồ Thị Nhàn",
    ):
        assert expected in text, expected
    row = " ".join(layout_row(content, "K1-01"))
    assert row.startswith("Nguyễn Thị Hường") and row.endswith("2 Hộ nghèo Hộ nghèo"), row
    assert "Trần Văn Đức" not in text
    empty = Posting.objects.create(
        campaign=campaign, khoi=world.hb_k2, starts_on=date(2025, 11, 3), ends_on=date(2025, 11, 5)
    )
    assert "Danh sách trống" in flat_text(
        download(client, officer, f"/reports/reviews/postings/{empty.pk}.pdf").content
    )
    download(client, world.users["khoi_member_hb_k1"], f"/reports/reviews/postings/{empty.pk}.pdf", 404)
    # Two leaders: which signs is not known, so the chairman's title over a dotted line for the name.
    WardLeaderFactory(ward=world.hb, first_name="Bình", last_name="Lê Văn", position="Chủ tịch UBND phường")
    content = download(client, officer, f"/reports/reviews/postings/{review.posting_id}.pdf").content
    text = flat_text(content)
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH " + "." * 30 in text and "Hồ Thị Nhàn" not in text


def test_posting_notice_rows_keep_their_address_on_two_lines_and_to_one_page(world, campaign, officer, leader):
    """The address column had 31 mm: a street address took three or four lines and a row could split over two
    pages. Forty households with long addresses of the demo's streets: each address holds on at most two lines, and each
    row (code to address's last word) stands on one page."""
    from reports import review_papers as papers

    posting = Posting.objects.create(
        campaign=campaign, khoi=world.hb_k2, starts_on=date(2025, 11, 3), ends_on=date(2025, 11, 5)
    )
    for n in range(40):
        household = HouseholdFactory(
            khoi=world.hb_k2,
            code=f"K2-{n:03d}",
            head_name="Nguyễn Trọng Vinh",
            status="near_poor",
            address=f"Số {100 + n}, ngõ {10 + n}, đường Phong Định Cảng, khối 2",
        )
        Review.objects.create(
            campaign=campaign,
            household=household,
            khoi=world.hb_k2,
            from_status="near_poor",
            proposed_status="average",
            state="posted",
            posting=posting,
        )
    content = papers.paper_get(user=officer, kind="posting", pk=posting.pk).render()
    keep(content, "posting_long")
    pages = len(page_sizes(content))
    assert pages >= 2
    seen = set()
    for page in range(1, pages + 1):
        words = word_boxes(content, page)
        for i, (word, _x0, y0, _x1, _y1) in enumerate(words):
            if not word.startswith("K2-0"):
                continue
            n = int(word[3:])
            # The row's address: its house number on the code's line, its last word "2" a line below at most.
            number = next(w for w in words if w[0] == f"{100 + n},")
            assert abs(number[2] - y0) < 1, word
            tail = [w for w in words[i:] if w[0] == "khối"]
            assert tail and tail[0][2] - y0 < 15, (word, "the address took more than two lines or left the page")
            seen.add(n)
    assert seen == set(range(40))


def _list_section(text: str, title: str, following: str | None) -> str:
    start = text.index(title + " (Kèm theo")
    end = text.index(following + " (Kèm theo") if following else len(text)
    return text[start:end]


def test_decision_with_its_four_lists(client, world, decided, households):
    content = download(client, world.users["ward_officer_hb"], f"/reports/reviews/decisions/{decided.pk}.pdf").content
    assert_official(content)
    text = flat_text(content)
    for expected in (
        "Số: 215/QĐ-UBND",
        "Hưng Bình, ngày 20 tháng 11 năm 2025",
        "QUYẾT ĐỊNH",
        # The subject is one phrase over two lines: its second line goes on in lower case.
        "Về việc công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo qua rà soát định kỳ năm "
        "2025 trên địa bàn phường Hưng Bình",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG HƯNG BÌNH",
        # The standard's legal document in full: number, date, issuing body (it printed the name alone).
        # Then the text that extended it to 2026, as its standard holds it, without the date nobody has read yet.
        "Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm 2021 của Chính phủ quy định chuẩn nghèo đa chiều "
        "giai đoạn 2021 - 2025; Căn cứ Nghị định số 351/2025/NĐ-CP của Chính phủ quy định chuẩn nghèo đa chiều giai "
        "đoạn 2026 - 2030; Căn cứ Quyết định số 24/2021/QĐ-TTg",
        "Điều 1. Công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo năm 2026",
        "- Hộ nghèo: 2 hộ, 2 nhân khẩu.",
        "- Hộ cận nghèo: 1 hộ, 0 nhân khẩu.",
        "- Hộ thoát nghèo: 2 hộ, 0 nhân khẩu.",
        "- Hộ thoát cận nghèo: 1 hộ, 0 nhân khẩu.",
        "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        "Hồ Thị Nhàn",
        "Kèm theo Quyết định số 215/QĐ-UBND ngày 20/11/2025",
    ):
        assert expected in text, expected
    poor = _list_section(text, "DANH SÁCH HỘ NGHÈO", "DANH SÁCH HỘ CẬN NGHÈO")
    near = _list_section(text, "DANH SÁCH HỘ CẬN NGHÈO", "DANH SÁCH HỘ THOÁT NGHÈO")
    escaped = _list_section(text, "DANH SÁCH HỘ THOÁT NGHÈO", "DANH SÁCH HỘ THOÁT CẬN NGHÈO")
    escaped_near = _list_section(text, "DANH SÁCH HỘ THOÁT CẬN NGHÈO", None)
    assert "Nguyễn Thị Hường Hộ nghèo Hộ nghèo" in poor or "Nguyễn Thị Hường 2 Hộ nghèo Hộ nghèo" in poor
    assert "Lê Thị Ngọc Ánh" in poor and "Tổng cộng: 2 hộ" in poor
    assert "Phạm Quốc Bảo" in near and "Tổng cộng: 1 hộ" in near
    assert "Trần Văn Đức" in escaped and "Phạm Quốc Bảo" in escaped and "Tổng cộng: 2 hộ" in escaped
    assert "Võ Thị Yến" in escaped_near and "Tổng cộng: 1 hộ" in escaped_near
    assert "Đặng Văn Khối Hai" not in text
    # Each list on its own page.
    assert len(page_sizes(content)) >= 5


def test_the_grounds_cite_what_the_standard_holds_of_its_document():
    from reports.review_papers import standard_citation
    from reviews.models import Standard

    nd351 = Standard.objects.get(code="nd-351-2025")  # its date not known yet: cited without one
    assert standard_citation(nd351) == (
        "Nghị định số 351/2025/NĐ-CP của Chính phủ quy định chuẩn nghèo đa chiều giai đoạn 2026 - 2030"
    )
    nd351.document_date = date(2025, 12, 30)
    # Each word of the date joined to its number by a no-break space (docs/documents.md, "A date in a sentence").
    assert standard_citation(nd351).startswith(
        "Nghị định số 351/2025/NĐ-CP ngày\u00a030 tháng\u00a012 năm\u00a02025 của Chính phủ"
    )
    local = Standard(name="Chuẩn nghèo của tỉnh", document_number="")
    assert standard_citation(local) == "Chuẩn nghèo của tỉnh quy định chuẩn nghèo đa chiều"


def test_decision_with_an_empty_list_says_so(client, world, campaign, officer, leader, households):
    review = to_posted(campaign, review_of(campaign, households["stays"]), officer=officer, survey=POOR_SURVEY)
    services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10))
    decision = services.decision_issue(
        by=leader, campaign=campaign, number="9/QĐ-UBND", signed_on=date(2025, 11, 20), reviews=[review]
    )
    text = flat_text(download(client, officer, f"/reports/reviews/decisions/{decision.pk}.pdf").content)
    assert text.count("Danh sách trống: không có hộ nào.") == 3
    assert "- Hộ thoát cận nghèo: 0 hộ, 0 nhân khẩu." in text


def test_decision_without_households_is_a_409(client, world, campaign, officer, leader):
    decision = Decision.objects.create(
        ward=world.hb, campaign=campaign, number="10/QĐ-UBND", signed_on=date(2025, 11, 20), signed_by=leader
    )
    response = download(client, officer, f"/reports/reviews/decisions/{decision.pk}.pdf", 409)
    assert "10/QĐ-UBND" in response.content.decode() and "không công nhận hộ nào" in response.content.decode()
    response = download(client, officer, f"/reports/reviews/decisions/{decision.pk}/certificates.pdf", 409)
    assert "giấy chứng nhận" in response.content.decode()


def test_certificates_one_per_page_with_members_and_yearly_grid(client, world, decided, households):
    content = download(
        client, world.users["ward_officer_hb"], f"/reports/reviews/decisions/{decided.pk}/certificates.pdf"
    ).content
    assert_official(content)
    certificates = list(Certificate.objects.filter(review__decision=decided).order_by("serial"))
    assert len(certificates) == 3  # two poor, one near-poor
    assert len(page_sizes(content)) == 3
    pages = {}
    for page, certificate in enumerate(certificates, start=1):
        text = flat_text(content, first=page, last=page)
        assert f"Số: {certificate.number}" in text
        assert "GIẤY CHỨNG NHẬN HỘ NGHÈO, HỘ CẬN NGHÈO" in text
        assert certificate.household.head_name in text
        assert "theo Quyết định số 215/QĐ-UBND ngày 20/11/2025" in text
        assert page_row(content, page, "Năm") == ["2022", "2023", "2024", "2025", "2026"]
        pages[certificate.household.code] = page
    stays = pages["K1-01"]
    first = flat_text(content, first=stays, last=stays)
    assert "Là hộ nghèo năm 2026" in first and "Nguyễn Thị Hường" in first
    address = Certificate.objects.get(household__code="K1-01").household.address
    assert f"Địa chỉ: {address}, Khối 1 Là hộ nghèo" in first
    assert page_row(content, stays, "1 Nguyễn Thị Hường") == ["1970", "Nữ", "Chủ", "hộ"]
    assert page_row(content, stays, "2 Hoàng Minh Đạt") == ["Nam", "Con"]
    assert page_row(content, stays, "Hộ nghèo") == ["x"]  # 2026 is the only year with a certificate
    assert page_row(content, stays, "Hộ cận nghèo") == []
    near = flat_text(content, first=pages["K1-04"], last=pages["K1-04"])
    assert "Là hộ cận nghèo năm 2026" in near and "Phạm Quốc Bảo" in near
    assert page_row(content, pages["K1-04"], "Hộ cận nghèo") == ["x"]
    assert "K1-02" not in pages  # escaped: no certificate
    # One certificate alone.
    one = download(client, world.users["ward_officer_hb"], f"/reports/reviews/certificates/{certificates[0].pk}.pdf")
    assert len(page_sizes(one.content)) == 1 and "1/GCN-HN.HCN" in flat_text(one.content)


def test_the_certificates_class_line_is_written_from_the_left(client, world, decided, households):
    """ "Là hộ cận nghèo năm 2026 theo Quyết định số …" wraps: justified, its first line spread its words with
    wide gaps; the printed Mẫu số 03 writes its lines from the left, with a plain space between words."""
    near = Certificate.objects.get(review__decision=decided, household=households["nearer"])
    content = download(client, world.users["ward_officer_hb"], f"/reports/reviews/certificates/{near.pk}.pdf").content
    words = word_boxes(content, 1)
    start = next(i for i, w in enumerate(words) if w[0] == "Là" and words[i + 1][0] == "hộ")
    line = [w for w in words[start:] if abs(w[2] - words[start][2]) < 1]
    assert line[-1][0] != "20/11/2025.", "the line no longer wraps: nothing to check"
    gaps = [b[1] - a[3] for a, b in zip(line, line[1:], strict=False)]
    assert max(gaps) < 5, gaps  # a space of 14 pt Times is 3.5 pt; justified, the gaps were over 6 pt


def test_the_certificates_decision_date_stays_on_the_line_of_its_ngay(client, world, decided, households):
    """ "… theo Quyết định số 215/QĐ-UBND ngày 20/11/2025." wrapped between "ngày" and its date: a no-break space
    keeps them on one line, whichever of the two moves."""
    content = download(
        client, world.users["ward_officer_hb"], f"/reports/reviews/decisions/{decided.pk}/certificates.pdf"
    ).content
    for page in range(1, len(page_sizes(content)) + 1):
        words = word_boxes(content, page)
        at = next(i for i, w in enumerate(words) if w[0] == "215/QĐ-UBND")
        ngay, date = words[at + 1], words[at + 2]
        assert (ngay[0], date[0]) == ("ngày", "20/11/2025.")
        assert abs(ngay[2] - date[2]) < 1, (page, ngay, date)
        assert "ngày 20/11/2025" in flat_text(content, first=page, last=page)


def _grid_marks(content: bytes, page: int) -> dict[str, list[int]]:
    """The certificate's grid as a person reads it: for each class row, the years whose column has an x."""
    words = word_boxes(content, page)
    header = next(w for w in words if w[0] == "Năm" and any(v[0] == "2022" and abs(v[2] - w[2]) < 2 for v in words))
    years = {int(w[0]): (w[1] + w[3]) / 2 for w in words if w[0].isdigit() and abs(w[2] - header[2]) < 2}
    marks = {}
    for label, first, second in (("Hộ nghèo", "Hộ", "nghèo"), ("Hộ cận nghèo", "cận", "nghèo")):
        row = next(
            w[2]
            for i, w in enumerate(words[:-1])
            if w[0] == first and words[i + 1][0] == second and w[2] > header[2] and w[1] < min(years.values())
        )
        xs = [(w[1] + w[3]) / 2 for w in words if w[0] == "x" and abs(w[2] - row) < 2]
        marks[label] = sorted(min(years, key=lambda y, x=x: abs(years[y] - x)) for x in xs)
    return marks


def test_certificate_grid_marks_every_year_the_household_held_its_class(client, world, decided, households, officer):
    """The grid shows the form's years with the household's class in each: from its history on 1 January for
    the years before the certificate (it marked only the years that had a certificate in the app)."""
    from households.models import StatusChange

    stays = households["stays"]  # poor, recognised poor again for 2026
    for effective_on, old, new, reason in (
        (date(2021, 3, 1), "", "poor", "registration"),
        (date(2022, 11, 25), "poor", "near_poor", "decision"),  # the 2023 class, set in the autumn of 2022
        (date(2024, 6, 10), "near_poor", "poor", "decision"),  # a regular review in 2024: poor from 2025
    ):
        StatusChange.objects.create(
            household=stays,
            from_status=old,
            to_status=new,
            effective_on=effective_on,
            reason=reason,
            decision_number="" if reason == "registration" else "1/QĐ-UBND",
        )
    certificate = Certificate.objects.get(household=stays)
    content = download(client, officer, f"/reports/reviews/certificates/{certificate.pk}.pdf").content
    keep(content, "certificate_grid")
    assert page_row(content, 1, "Năm") == ["2022", "2023", "2024", "2025", "2026"]
    assert _grid_marks(content, 1) == {"Hộ nghèo": [2022, 2025, 2026], "Hộ cận nghèo": [2023, 2024]}
    # A household without history before the app: only its certificate's year.
    near = Certificate.objects.get(household=households["nearer"])
    content = download(client, officer, f"/reports/reviews/certificates/{near.pk}.pdf").content
    assert _grid_marks(content, 1) == {"Hộ nghèo": [], "Hộ cận nghèo": [2026]}


def test_refusal_letter(client, world, officer, leader, households):
    review = march_application(world, officer, households["k2"])
    response = download(client, officer, f"/reports/reviews/refusals/{review.pk}.pdf", 409)
    assert "K2-01" in response.content.decode() and "từ chối" in response.content.decode()
    services.review_refuse(
        by=leader, review=review, reason="Thu nhập bình quân vượt chuẩn.\nCó ô tô riêng.", refused_on=date(2026, 3, 25)
    )
    content = download(client, officer, f"/reports/reviews/refusals/{review.pk}.pdf").content
    assert_official(content)
    text = flat_text(content)
    for expected in (
        "THÔNG BÁO",
        "Về việc trả lời đề nghị rà soát hộ nghèo, hộ cận nghèo",
        "Số: /TB-UBND",
        "Hưng Bình, ngày 25 tháng 3 năm 2026",
        "đề nghị xét duyệt bổ sung hộ nghèo, hộ cận nghèo (Mẫu số 01) của hộ Đặng Văn Khối Hai (mã hộ K2-01)",
        "ngày 16/03/2026",
        "- Thu nhập bình quân vượt chuẩn.",
        "- Có ô tô riêng.",
        "KT. CHỦ TỊCH",
        "Hồ Thị Nhàn",
    ):
        assert expected in text, expected
    download(client, world.users["khoi_member_hb_k1"], f"/reports/reviews/refusals/{review.pk}.pdf", 404)


def test_the_refusal_letters_date_stays_with_its_ngay_whatever_the_address(client, world, officer, leader, households):
    """ "… địa chỉ …, Khối 2, ngày 16/03/2026." wrapped between "ngày" and its date for some lengths of the address.
    The address grows a few characters at a time (less than the date's width), so that its "ngày" reaches the
    end of a line in one of them, whatever the font: a no-break space keeps the date with it."""
    review = march_application(world, officer, households["k2"])
    services.review_refuse(by=leader, review=review, reason="Thu nhập vượt chuẩn.", refused_on=date(2026, 3, 25))
    household = households["k2"]
    seen = 0
    for extra in range(0, 64, 6):
        household.address = f"Số {'8' * extra or '1'}, đường Nguyễn Văn Cừ"
        household.save(update_fields=["address"])
        content = download(client, officer, f"/reports/reviews/refusals/{review.pk}.pdf").content
        pairs, apart = ngay_apart_from_its_date(content)
        assert apart == [], (household.address, apart)
        seen += pairs
        assert "ngày 16/03/2026." in flat_text(content)
    assert seen >= 2 * 11  # the place-and-date line's and the application's, in each


def test_every_ngay_of_the_papers_stays_with_its_date(client, world, campaign, officer, leader, households, decided):
    """The decision (its grounds and the heading of each list), the posting notice, the minutes and the
    certificates: no "ngày", "tháng" or "năm" ends a line apart from its number (docs/documents.md)."""
    meeting = Meeting.objects.filter(campaign=campaign, khoi=world.hb_k1).first()
    posting = Posting.objects.filter(campaign=campaign, khoi=world.hb_k1).first()
    for url in (
        f"/reports/reviews/decisions/{decided.pk}.pdf",
        f"/reports/reviews/postings/{posting.pk}.pdf",
        f"/reports/reviews/meetings/{meeting.pk}.pdf",
        f"/reports/reviews/decisions/{decided.pk}/certificates.pdf",
    ):
        pairs, apart = ngay_apart_from_its_date(download(client, officer, url).content)
        assert pairs and apart == [], (url, apart)


def test_the_campaigns_month_and_year_stay_with_their_numbers(client, world, campaign, officer, households, decided):
    """“… thống nhất kết quả rà soát định kỳ năm 2025.” in the minutes: the khối's name before it grows a few
    characters at a time, so that "năm" reaches the end of a line in some of them; it is read back on the line
    of its year (campaign_title, layout.month_words). A regular review's month keeps its "tháng" too."""
    assert campaign_title(campaign) == "năm\u00a02025"
    regular = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    assert campaign_title(regular) == "tháng\u00a03 năm\u00a02026"
    meeting = Meeting.objects.filter(campaign=campaign, khoi=world.hb_k1).first()
    khoi, seen = world.hb_k1, 0
    for extra in range(0, 84, 4):
        khoi.name = f"Khối 1 {'8' * extra}".strip()
        khoi.save(update_fields=["name"])
        content = download(client, officer, f"/reports/reviews/meetings/{meeting.pk}.pdf").content
        pairs, apart = ngay_apart_from_its_date(content)
        assert apart == [], (khoi.name, apart)
        assert "thống nhất kết quả rà soát định kỳ năm 2025." in flat_text(content)
        seen += pairs
    # In each: the place-and-date line's three, the sentence's day and year, the subject's year.
    assert seen >= 6 * 21


# --- Who may download what --------------------------------------------------------------------

ALLOWED = {
    # paper: roles that get it (ward_officer_qt: another ward, 404 everywhere)
    "list": {"admin", "ward_leader_hb", "ward_officer_hb", "upper_level"},
    "khoi_list": {"admin", "ward_leader_hb", "ward_officer_hb", "upper_level", "khoi_member_hb_k1"},
    "meeting": {"admin", "ward_leader_hb", "ward_officer_hb", "upper_level", "khoi_member_hb_k1"},
    "posting": {"admin", "ward_leader_hb", "ward_officer_hb", "upper_level", "khoi_member_hb_k1"},
    "decision": {"admin", "ward_leader_hb", "ward_officer_hb", "upper_level"},
    "certificates": {"admin", "ward_leader_hb", "ward_officer_hb", "upper_level", "khoi_member_hb_k1"},
    "certificate": {"admin", "ward_leader_hb", "ward_officer_hb", "upper_level", "khoi_member_hb_k1"},
}
FORBIDDEN = {"list", "decision"}  # ward-wide: a khối member of the ward gets 403, not 404


@pytest.fixture
def urls(campaign, decided, world):
    meeting = Meeting.objects.filter(campaign=campaign, khoi=world.hb_k1).first()
    posting = Posting.objects.filter(campaign=campaign, khoi=world.hb_k1).first()
    certificate = Certificate.objects.filter(review__decision=decided).order_by("serial").first()
    return {
        "list": f"/reports/reviews/{campaign.pk}/households.pdf",
        "khoi_list": f"/reports/reviews/{campaign.pk}/khoi/{world.hb_k1.pk}/households.pdf",
        "meeting": f"/reports/reviews/meetings/{meeting.pk}.pdf",
        "posting": f"/reports/reviews/postings/{posting.pk}.pdf",
        "decision": f"/reports/reviews/decisions/{decided.pk}.pdf",
        "certificates": f"/reports/reviews/decisions/{decided.pk}/certificates.pdf",
        "certificate": f"/reports/reviews/certificates/{certificate.pk}.pdf",
    }


def _everyone(world):
    """One user per role, and a unit member of Hưng Bình (the Front's account: no household papers)."""
    from ..factories import UnitFactory, UnitMemberFactory

    return {**world.users, "unit_member_hb": UnitMemberFactory(unit=UnitFactory(ward=world.hb, name="Ủy ban MTTQ"))}


def test_permissions_across_roles_and_scopes(client, world, urls, pdf_not_rendered):
    # Rendering is not under test here: only who gets what.
    for paper, url in urls.items():
        for name, user in _everyone(world).items():
            client.force_login(user)
            status = client.get(url).status_code
            if name in ALLOWED[paper]:
                expected = 200
            elif name == "khoi_member_hb_k1" and paper in FORBIDDEN:
                expected = 403
            else:
                expected = 404
            assert status == expected, (paper, name, status)
        client.logout()
        assert client.get(url).status_code == 302  # to the login page


def test_refusal_scope(client, world, officer, leader, households, pdf_not_rendered):
    review = march_application(world, officer, households["stays"])
    services.review_refuse(by=leader, review=review, reason="Không đủ điều kiện", refused_on=date(2026, 3, 25))
    url = f"/reports/reviews/refusals/{review.pk}.pdf"
    for name, user in _everyone(world).items():
        client.force_login(user)
        expected = 404 if name in ("ward_officer_qt", "unit_member_hb") else 200
        assert client.get(url).status_code == expected, name


def test_token_download(client, world, decided, pdf_not_rendered):
    """A token is enough to download a paper (the decision's layout is test_decision_with_its_four_lists')."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.users["ward_officer_hb"])
    response = client.get(f"/reports/reviews/decisions/{decided.pk}.pdf", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_queries_do_not_grow_with_the_list(client, world, campaign, officer, pdf_not_rendered):
    client.force_login(officer)
    url = f"/reports/reviews/{campaign.pk}/households.pdf"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for i in range(5):
        household = HouseholdFactory(khoi=world.hb_k2, code=f"K2-9{i}", status="poor")
        Review.objects.create(campaign=campaign, household=household, khoi=world.hb_k2, from_status="poor")
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


# --- Links from the reviews pages ------------------------------------------------------------


def _paper_links(html: str) -> list[str]:
    import re

    section = html[html.index('data-testid="papers"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'href="([^"]+\.pdf)"', section)


def test_reviews_pages_link_every_paper(client, world, campaign, decided, pdf_not_rendered):
    officer = world.users["ward_officer_hb"]
    client.force_login(officer)
    board = _paper_links(client.get(f"/reviews/{campaign.pk}/").content.decode())
    assert board == [
        f"/reports/reviews/{campaign.pk}/households.pdf",
        f"/reports/reviews/{campaign.pk}.pdf",
        f"/reports/reviews/decisions/{decided.pk}.pdf",
        f"/reports/reviews/decisions/{decided.pk}/certificates.pdf",
    ]
    khoi = _paper_links(client.get(f"/reviews/{campaign.pk}/khoi/{world.hb_k1.pk}/").content.decode())
    meetings = Meeting.objects.filter(campaign=campaign, khoi=world.hb_k1).count()
    postings = Posting.objects.filter(campaign=campaign, khoi=world.hb_k1).count()
    assert len(khoi) == 1 + meetings + postings and khoi[0].endswith(f"/khoi/{world.hb_k1.pk}/households.pdf")
    certificate = Certificate.objects.filter(review__decision=decided).first()
    review = _paper_links(client.get(f"/reviews/review/{certificate.review_id}/").content.decode())
    assert review == [f"/reports/reviews/certificates/{certificate.pk}.pdf"]
    for url in board + khoi + review:
        assert client.get(url).status_code == 200, url
    # A khối member is not offered the ward-wide papers they may not download.
    client.force_login(world.users["khoi_member_hb_k1"])
    board = _paper_links(client.get(f"/reviews/{campaign.pk}/").content.decode())
    assert board == [f"/reports/reviews/decisions/{decided.pk}/certificates.pdf"]
    for url in board:
        assert client.get(url).status_code == 200, url


def test_refused_review_links_its_letter(client, world, officer, leader, households):
    review = march_application(world, officer, households["k2"])
    client.force_login(officer)
    links = _paper_links(client.get(f"/reviews/review/{review.pk}/").content.decode())
    assert links == [f"/reports/reviews/applications/{review.pk}.pdf"]
    services.review_refuse(by=leader, review=review, reason="Không đủ điều kiện", refused_on=date(2026, 3, 25))
    links = _paper_links(client.get(f"/reviews/review/{review.pk}/").content.decode())
    assert links == [f"/reports/reviews/applications/{review.pk}.pdf", f"/reports/reviews/refusals/{review.pk}.pdf"]


# --- Long papers run as jobs ---------------------------------------------------------------------


def test_a_long_decision_runs_as_a_job(client, world, decided, settings, tmp_path, django_capture_on_commit_callbacks):
    from reports.models import Job

    settings.MEDIA_ROOT, settings.REPORT_JOB_THRESHOLD = tmp_path, 4
    officer = world.users["ward_officer_hb"]
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/reports/reviews/decisions/{decided.pk}.pdf")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.state, job.kind, job.params, job.total) == (
        "done",
        "review_paper_pdf",
        {"paper": "decision", "pk": decided.pk},
        5,
    )
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    content = b"".join(download.streaming_content)
    assert 'filename="quyet-dinh-215-qd-ubnd.pdf"' in download["Content-Disposition"]
    assert "- Hộ thoát nghèo: 2 hộ, 0 nhân khẩu." in flat_text(content)
    # Three certificates stay under the threshold: at once.
    response = client.get(f"/reports/reviews/decisions/{decided.pk}/certificates.pdf")
    assert response.status_code == 200 and Job.objects.count() == 1
    # A script gets 202 and the job's addresses.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/reports/reviews/{decided.campaign_id}/households.pdf", HTTP_ACCEPT="application/json")
    assert response.status_code == 202 and response.json()["kind"] == "review_paper_pdf"


def test_a_paper_job_rereads_the_scope_when_it_runs(world, decided, settings, tmp_path):
    from reports import jobs
    from reports.models import Job

    settings.MEDIA_ROOT = tmp_path
    member = world.users["khoi_member_hb_k1"]
    job = Job.objects.create(user=member, kind="review_paper_pdf", params={"paper": "decision", "pk": decided.pk})
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "phạm vi" in job.message


def test_every_paper_reads_with_the_same_queries_whatever_its_size(client, world, campaign, decided, urls, monkeypatch):
    """Templates rendered to HTML (WeasyPrint left out) so that queries made while rendering count too."""
    from django.template.loader import render_to_string

    from reports import review_papers
    from reviews.models import MeetingVote

    monkeypatch.setattr(
        review_papers, "render_pdf", lambda template, context, target=None: render_to_string(template, context).encode()
    )
    client.force_login(world.users["ward_officer_hb"])

    def counts():
        found = {}
        for paper, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found[paper] = len(queries)
        return found

    before = counts()
    meeting = Meeting.objects.get(pk=urls["meeting"].split("/")[-1].removesuffix(".pdf"))
    posting = Posting.objects.get(pk=urls["posting"].split("/")[-1].removesuffix(".pdf"))
    for i in range(4):
        household = HouseholdFactory(khoi=world.hb_k1, code=f"K1-9{i}", status="poor")
        MemberFactory(household=household)
        review = Review.objects.create(
            campaign=campaign,
            household=household,
            khoi=world.hb_k1,
            from_status="poor",
            proposed_status="poor",
            state="recognised",
            decision=decided,
            posting=posting,
        )
        MeetingVote.objects.create(meeting=meeting, review=review, agreed=10, passed=True)
        Certificate.objects.create(
            ward=world.hb,
            year=2026,
            serial=20 + i,
            review=review,
            household=household,
            status="poor",
            issued_on=date(2025, 11, 20),
        )
    assert counts() == before


# --- Mẫu số 01 and 04 -----------------------------------------------------------------------------


def test_application_forms(client, world, officer, households):
    applied = march_application(world, officer, households["k2"])
    content = download(client, officer, f"/reports/reviews/applications/{applied.pk}.pdf").content
    keep(content, "application")
    fonts = pdf_fonts(content)
    assert fonts and all(f["emb"] == "yes" for f in fonts)
    text = flat_text(content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "GIẤY ĐỀ NGHỊ",
        "Xét duyệt bổ sung hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình",
        "Mẫu số 01 – Quyết định số 24/2021/QĐ-TTg",
        "Kính gửi: Ủy ban nhân dân phường Hưng Bình",
        "Họ và tên chủ hộ: Đặng Văn Khối Hai (mã hộ K2-01)",
        "Hưng Bình, ngày 16 tháng 3 năm 2026",
        "NGƯỜI ĐỀ NGHỊ",
    ):
        assert expected in text, expected
    assert "ỦY BAN NHÂN DÂN PHƯỜNG" not in text  # a citizen's paper has no issuing body
    escaped = services.review_add_application(
        by=officer,
        campaign=applied.campaign,
        form="form_04",
        applied_on=date(2026, 3, 17),
        household=households["stays"],
    )
    text = flat_text(download(client, officer, f"/reports/reviews/applications/{escaped.pk}.pdf").content)
    assert "Công nhận hộ thoát nghèo, hộ thoát cận nghèo" in text and "Mẫu số 04" in text
    assert "Hộ gia đình tôi hiện là hộ nghèo" in text and "công nhận hộ gia đình tôi thoát nghèo" in text
    # A listed household has no application: a message, not a blank form.
    periodic = services.campaign_open(by=officer, ward=world.hb, kind="periodic", year=2025)
    listed = review_of(periodic, households["up"])
    response = download(client, officer, f"/reports/reviews/applications/{listed.pk}.pdf", 409)
    assert "K1-05" in response.content.decode() and "Mẫu số 01" in response.content.decode()
    download(client, world.users["khoi_member_hb_k1"], f"/reports/reviews/applications/{applied.pk}.pdf", 404)
    download(client, world.users["ward_officer_qt"], f"/reports/reviews/applications/{applied.pk}.pdf", 404)
    download(client, world.users["upper_level"], f"/reports/reviews/applications/{applied.pk}.pdf")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Số 23, ngõ 36, đường Đinh Công Tráng", "Số 23, ngõ 36, đường Đinh Công Tráng, Khối 2, phường Hưng Bình"),
        ("Số 23, ngõ 36, khối 2", "Số 23, ngõ 36, khối 2, phường Hưng Bình"),
        ("Số 5, khoi 2, Phường Hưng Bình", "Số 5, khoi 2, Phường Hưng Bình"),
        ("Số 7, khối 20", "Số 7, khối 20, Khối 2, phường Hưng Bình"),
        ("", "Khối 2, phường Hưng Bình"),
    ],
)
def test_an_address_names_its_khoi_and_ward_once(address, expected):
    from reports.review_papers import address_line

    assert address_line(address, "Khối 2", "phường Hưng Bình") == expected


def test_the_signatures_never_stand_alone_on_the_last_page(world, campaign, officer, households):
    """Whatever the length of the minutes, the page that carries the signatures carries the text's last
    paragraph too (a signature alone on a page signs nothing: Nghị định 30 keeps them together)."""
    from reports import review_papers as papers

    review = to_verified(review_of(campaign, households["stays"]), officer=officer, survey=SURVEYS["stays"])
    meeting = services.meeting_record(
        by=officer,
        campaign=campaign,
        khoi=world.hb_k1,
        held_on=date(2025, 10, 20),
        attendees=12,
        votes=[(review, 6)],
        chair="Trần Văn Trưởng",
        secretary="Lê Thị Thư",
        notes="",
    )
    checked_two_pages = False
    # The notes grow a line at a time until the signatures would fall on page 2 by themselves.
    for lines in range(14, 40, 2):
        Meeting.objects.filter(pk=meeting.pk).update(notes="\n".join(["Ý kiến của các hộ: đồng ý."] * lines))
        content = papers.paper_get(user=officer, kind="meeting", pk=meeting.pk).render()
        pages = len(page_sizes(content))
        last = flat_text(content, first=pages, last=pages)
        assert "THƯ KÝ" in last
        assert "Biên bản được lập thành 02 bản" in last, lines
        checked_two_pages = checked_two_pages or pages == 2
    assert checked_two_pages
