"""The papers of a household review, in the official layout (docs/documents.md, "The review's papers").

Each paper is read from the `reviews` app's data through scoped reads (a
campaign, meeting, posting, decision or review outside the user's scope does
not exist for them) and laid out as an `OfficialDocument` plus the rows of its
table. A paper whose data is not there yet (a review not refused, a meeting
without votes) raises `PaperNotReady` with a Vietnamese sentence saying what is
missing; a list that is empty is still a document, saying so.

The papers (forms of Quyết định 24/2021/QĐ-TTg and Thông tư 07/2021/TT-BLĐTBXH):
- the list of households to review (Phụ lục I of TT 07), per campaign or khối;
- a household's application (Mẫu số 01 or 04 of QĐ 24), filled in for the head to sign;
- the community meeting's minutes (Phụ lục V of TT 07), per meeting of a khối;
- the posting notice of a khối's results;
- the recognition decision (Mẫu số 02 of QĐ 24) with its four lists;
- the certificates (Mẫu số 03 of QĐ 24);
- a regular review's written refusal with its reasons.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from households.models import Khoi, Member, StatusChange
from households.rules import Status
from households.selectors import khoi_list
from households.text import fold
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role, role_of
from reviews import selectors as review_selectors
from reviews.models import (
    Campaign,
    CampaignKind,
    Certificate,
    Decision,
    Meeting,
    MeetingVote,
    Posting,
    Review,
    ReviewSource,
    ReviewState,
)

from . import layout
from .pdf import render_pdf

# Class names as the forms write them (always Vietnamese: the papers are the ward's official documents).
STATUS_NAMES = {
    Status.POOR: "Hộ nghèo",
    Status.NEAR_POOR: "Hộ cận nghèo",
    Status.AVERAGE: "Hộ có mức sống trung bình",
    Status.NOT_POOR: "Hộ không nghèo",
}
SOURCE_NAMES = {
    ReviewSource.LISTED: "Thuộc danh sách hộ nghèo, hộ cận nghèo",
    ReviewSource.FORM_01: "Giấy đề nghị (Mẫu số 01)",
    ReviewSource.FORM_04: "Giấy đề nghị thoát nghèo, thoát cận nghèo (Mẫu số 04)",
}
COMMITTEE_SIGNS = layout.ON_BEHALF + " " + layout.PEOPLES_COMMITTEE
CHAIRMAN = "CHỦ TỊCH"
VICE_CHAIRMAN = "PHÓ CHỦ TỊCH"
ARCHIVE = "- Lưu: VT, LĐTBXH."


class PaperNotReady(Exception):
    """The paper's data is not there yet: `message` says, in Vietnamese, what is missing (answered with a 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, "") if status else ""


def short_date(on: date | None) -> str:
    return f"{on:%d/%m/%Y}" if on else ""


def campaign_title(campaign: Campaign) -> str:
    """“năm 2025” for a periodic review, “tháng 3 năm 2026” for the regular reviews of a month; neither word ends
    a line apart from its number (layout.month_words)."""
    if campaign.kind == CampaignKind.REGULAR:
        return layout.month_words(campaign.year, campaign.month)
    return layout.month_words(campaign.year)


def address_line(address: str, *places: str) -> str:
    """The household's address, then its khối and ward, each left out where the address already names it
    (officers often type "…, khối 2" into the address, which the certificate then repeated as "khối 2, Khối 2")."""
    address = (address or "").strip()
    folded = fold(address)
    parts = [address] if address else []
    parts += [p for p in places if p and not re.search(rf"(?<!\w){re.escape(fold(p))}(?!\w)", folded)]
    return ", ".join(parts)


def review_kind_name(campaign: Campaign) -> str:
    return "rà soát thường xuyên" if campaign.kind == CampaignKind.REGULAR else "rà soát định kỳ"


def leader_signer(user) -> layout.Signer:
    """The chairman signs for the committee; a vice-chairman (“Phó …” in the user's position) signs KT. CHỦ TỊCH."""
    name = user.get_full_name() if user is not None else ""
    position = (getattr(user, "position", "") or "").lower()
    if "phó" in position:
        return layout.Signer(authority=(COMMITTEE_SIGNS, f"{layout.FOR} {CHAIRMAN}", VICE_CHAIRMAN), name=name)
    return layout.Signer(authority=(COMMITTEE_SIGNS, CHAIRMAN), name=name)


def ward_signer(ward) -> layout.Signer:
    """The signer of a paper the app has no signature for yet (the posting notice): the ward's leader, as the
    decision and the refusal name theirs, when the ward has exactly one; otherwise the chairman's title over a
    dotted line for the name of whoever signs it."""
    leaders = list(User.objects.filter(role=Role.WARD_LEADER, ward=ward, is_active=True).order_by("pk")[:2])
    if len(leaders) == 1:
        return leader_signer(leaders[0])
    return layout.Signer(authority=(COMMITTEE_SIGNS, CHAIRMAN))


def standard_citation(standard) -> str:
    """The poverty standard as the decision's grounds cite it: “Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm
    2021 của Chính phủ quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025”. A part the standard lacks (its date
    not yet read from the official text) is left out; without its number, its name as before."""
    if not standard.document_number:
        return f"{standard.name} quy định chuẩn nghèo đa chiều"
    parts = [f"{standard.document_type or 'Văn bản'} số {standard.document_number}"]
    if standard.document_date:
        parts.append(layout.date_words(standard.document_date))
    if standard.document_issuer:
        parts.append(f"của {standard.document_issuer}")
    parts.append(standard.document_subject or "quy định chuẩn nghèo đa chiều")
    return " ".join(parts)


def _place(ward) -> str:
    return ward.name


# --- Scoped reads ------------------------------------------------------------------------------


def _is_khoi_member(user) -> bool:
    return role_of(user) == Role.KHOI_MEMBER


def campaign_get(*, user, pk: int) -> Campaign:
    """A campaign of a ward the user may see (Campaign.DoesNotExist otherwise: a 404)."""
    return review_selectors.campaign_list(user=user).select_related("ward", "standard").get(pk=pk)


def khoi_get(*, user, campaign: Campaign, pk: int) -> Khoi:
    """A khối of the campaign's ward that the user may see (Khoi.DoesNotExist otherwise)."""
    return khoi_list(user=user, ward_id=campaign.ward_id).get(pk=pk)


def meeting_get(*, user, pk: int) -> Meeting:
    return review_selectors.meeting_list(user=user).get(pk=pk)


def posting_get(*, user, pk: int) -> Posting:
    return review_selectors.posting_list(user=user).get(pk=pk)


def require_ward_wide(user):
    """Ward-wide papers list every khối's households: a khối member sees only their own khối's (403)."""
    if _is_khoi_member(user):
        raise PermissionDenied(
            _("This paper lists the households of every khối of the ward; download your khối's papers instead.")
        )


def decision_get(*, user, pk: int) -> Decision:
    return (
        review_selectors.decision_list(user=user)
        .select_related("campaign__standard__extended_by", "signed_by")
        .get(pk=pk)
    )


def certificate_list(*, user):
    return Certificate.objects.filter(review__in=review_selectors.review_list(user=user).values("pk")).select_related(
        "ward", "household__khoi", "review__decision__signed_by", "review__campaign__standard"
    )


def review_get(*, user, pk: int) -> Review:
    return review_selectors.review_list(user=user).select_related("campaign__standard").get(pk=pk)


# --- Rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdRow:
    number: int
    code: str
    head_name: str
    khoi: str
    address: str
    members: int
    before: str
    after: str = ""
    note: str = ""


def _with_members(reviews):
    return reviews.annotate(member_count=Count("household__members", distinct=True))


def _rows(reviews, *, after=lambda r: status_name(r.proposed_status), note=lambda r: "") -> list[HouseholdRow]:
    return [
        HouseholdRow(
            number=i,
            code=r.household.code,
            head_name=r.household.head_name,
            khoi=r.khoi.name,
            address=r.household.address,
            members=r.member_count,
            before=status_name(r.from_status) or status_name(r.household.status),
            after=after(r),
            note=note(r),
        )
        for i, r in enumerate(reviews, start=1)
    ]


def _order(reviews):
    return reviews.order_by("khoi__position", "khoi__name", "household__name_key", "household__code", "pk")


# --- Phụ lục I: the list of households to review ------------------------------------------------


def review_list_paper(*, user, campaign: Campaign, khoi: Khoi | None = None):
    """Phụ lục I of TT 07: the campaign's households to review, of one khối or of the ward."""
    reviews = review_selectors.review_list(user=user).filter(campaign=campaign)
    if khoi is not None:
        reviews = reviews.filter(khoi=khoi)
    reviews = _order(_with_members(reviews.select_related("household", "khoi")))
    rows = _rows(list(reviews), after=lambda r: "", note=lambda r: SOURCE_NAMES.get(r.source, ""))
    ward = campaign.ward
    where = f"{khoi.name}, {layout.ward_full_name(ward)}" if khoi else layout.ward_full_name(ward)
    document = layout.OfficialDocument(
        issuer=layout.ward_issuer(ward),
        place=_place(ward),
        on=campaign.starts_on,
        doc_type="DANH SÁCH",
        subject=(
            "Hộ gia đình cần rà soát hộ nghèo, hộ cận nghèo",
            f"{review_kind_name(campaign).capitalize()} {campaign_title(campaign)} – {where}",
        ),
        signer=layout.Signer(authority=("TM. BAN CHỈ ĐẠO RÀ SOÁT", "TRƯỞNG BAN")),
        landscape=True,
        title=f"Danh sách hộ gia đình cần rà soát {campaign_title(campaign)} – {where}",
    )
    counts = {
        "listed": sum(1 for r in reviews if r.source == ReviewSource.LISTED),
        "form_01": sum(1 for r in reviews if r.source == ReviewSource.FORM_01),
        "form_04": sum(1 for r in reviews if r.source == ReviewSource.FORM_04),
    }
    return document, {"rows": rows, "counts": counts, "members": sum(r.members for r in rows), "where": where}


def review_list_filename(campaign: Campaign, khoi: Khoi | None) -> str:
    part = f"-khoi-{khoi.pk}" if khoi else ""
    return f"danh-sach-ra-soat-{campaign.pk}{part}.pdf"


# --- Phụ lục V: the meeting's minutes -------------------------------------------------------------


@dataclass(frozen=True)
class VoteRow:
    number: int
    code: str
    head_name: str
    before: str
    proposed: str
    agreed: int
    share: str
    passed: bool


def percent(part: int, whole: int) -> str:
    """“83,3%”: one decimal with a comma, as Vietnamese documents write it."""
    if not whole:
        return "—"
    return f"{part * 100 / whole:.1f}".replace(".", ",") + "%"


# The groups of attendees as the minutes write them (reviews.rules.ATTENDANCE_GROUPS; docs/reviews.md).
ATTENDANCE_LINES = {
    "ward": "Đại diện Ban Chỉ đạo rà soát, Ủy ban nhân dân phường (kể cả công chức phụ trách giảm nghèo)",
    "khoi": "Trưởng khối, Bí thư chi bộ, Ban cán sự khối",
    "front": "Đại diện Mặt trận Tổ quốc (giám sát)",
    "organisations": "Đại diện các tổ chức đoàn thể",
    "reviewers": "Rà soát viên",
    "households": "Đại diện các hộ gia đình được rà soát",
    "others": "Đại diện các hộ gia đình khác và thành phần khác",
}


def meeting_paper(meeting: Meeting):
    """Phụ lục V of TT 07: “Biên bản kết quả họp dân để thống nhất kết quả rà soát”."""
    votes = list(
        MeetingVote.objects.filter(meeting=meeting)
        .select_related("review__household")
        .order_by("review__household__name_key", "review__household__code", "pk")
    )
    rows = [
        VoteRow(
            number=i,
            code=v.review.household.code,
            head_name=v.review.household.head_name,
            before=status_name(v.review.from_status),
            proposed=status_name(v.review.proposed_status) or "Chưa xác định",
            agreed=v.agreed,
            share=percent(v.agreed, meeting.attendees),
            passed=v.passed,
        )
        for i, v in enumerate(votes, start=1)
    ]
    campaign, ward = meeting.campaign, meeting.campaign.ward
    document = layout.OfficialDocument(
        issuer=layout.ward_issuer(ward),
        place=_place(ward),
        on=meeting.held_on,
        doc_type="BIÊN BẢN",
        subject=(
            "Kết quả họp dân để thống nhất kết quả rà soát hộ nghèo, hộ cận nghèo",
            f"{meeting.khoi.name} – {review_kind_name(campaign).capitalize()} {campaign_title(campaign)}",
        ),
        title=f"Biên bản họp dân {meeting.khoi.name} {short_date(meeting.held_on)}",
    )
    context = {
        "meeting": meeting,
        "campaign_text": f"{review_kind_name(campaign)} {campaign_title(campaign)}",
        "ward_text": layout.ward_full_name(ward),
        "held_on": short_date(meeting.held_on),
        "represented_share": percent(meeting.households_represented, meeting.households_listed),
        "attendance": [(ATTENDANCE_LINES[group], n) for group, n in (meeting.attendance() or {}).items()],
        "rows": rows,
        "passed": sum(1 for r in rows if r.passed),
        "failed": sum(1 for r in rows if not r.passed),
    }
    return document, context


def meeting_filename(meeting: Meeting) -> str:
    return f"bien-ban-hop-dan-{meeting.pk}-{meeting.held_on:%Y-%m-%d}.pdf"


# --- The posting notice -----------------------------------------------------------------------------


def posting_paper(posting: Posting):
    """The notice that posts a khối's agreed results at the khối hall and the ward office."""
    reviews = _order(_with_members(Review.objects.filter(posting=posting).select_related("household", "khoi")))
    rows = _rows(list(reviews))
    campaign, ward = posting.campaign, posting.campaign.ward
    document = layout.OfficialDocument(
        issuer=layout.ward_issuer(ward),
        place=_place(ward),
        on=posting.starts_on,
        doc_type="THÔNG BÁO",
        symbol="TB-UBND",
        subject=(
            "Niêm yết công khai kết quả rà soát hộ nghèo, hộ cận nghèo",
            f"{posting.khoi.name} – {review_kind_name(campaign).capitalize()} {campaign_title(campaign)}",
        ),
        signer=ward_signer(ward),
        recipients=(f"- Ban cán sự {posting.khoi.name};", "- Niêm yết tại nhà văn hóa khối và trụ sở UBND;", ARCHIVE),
        title=f"Thông báo niêm yết {posting.khoi.name} {short_date(posting.starts_on)}",
    )
    context = {
        "posting": posting,
        "ward_text": layout.ward_full_name(ward),
        "campaign_text": f"{review_kind_name(campaign)} {campaign_title(campaign)}",
        "starts_on": short_date(posting.starts_on),
        "ends_on": short_date(posting.ends_on),
        "rows": rows,
    }
    return document, context


def posting_filename(posting: Posting) -> str:
    return f"thong-bao-niem-yet-{posting.pk}-{posting.starts_on:%Y-%m-%d}.pdf"


# --- Mẫu số 02: the recognition decision -------------------------------------------------------------


@dataclass
class DecisionList:
    title: str
    label: str
    rows: list[HouseholdRow] = field(default_factory=list)

    @property
    def members(self) -> int:
        return sum(r.members for r in self.rows)


def decision_lists(decision: Decision) -> list[DecisionList]:
    """The four lists of Mẫu số 02: poor, near-poor, escaped poverty, escaped near-poverty.

    The class before is the one the decision changed (its status change), else
    the household kept its class. A poor household that becomes near-poor is in
    the near-poor list and in the escaped-poverty list; a household that stays
    above the near-poor line is in none.
    """
    reviews = list(_order(_with_members(decision.reviews.select_related("household", "khoi"))))
    before = dict(
        StatusChange.objects.filter(
            decision_number=decision.number, household__in=[r.household_id for r in reviews]
        ).values_list("household_id", "from_status")
    )

    def was(review):
        return before.get(review.household_id, review.proposed_status)

    def pick(test):
        chosen = [r for r in reviews if test(was(r), r.proposed_status)]
        return [
            HouseholdRow(
                number=i,
                code=r.household.code,
                head_name=r.household.head_name,
                khoi=r.khoi.name,
                address=r.household.address,
                members=r.member_count,
                before=status_name(was(r)),
                after=status_name(r.proposed_status),
            )
            for i, r in enumerate(chosen, start=1)
        ]

    above = (Status.AVERAGE, Status.NOT_POOR)
    return [
        DecisionList("DANH SÁCH HỘ NGHÈO", "Hộ nghèo", pick(lambda old, new: new == Status.POOR)),
        DecisionList("DANH SÁCH HỘ CẬN NGHÈO", "Hộ cận nghèo", pick(lambda old, new: new == Status.NEAR_POOR)),
        DecisionList(
            "DANH SÁCH HỘ THOÁT NGHÈO",
            "Hộ thoát nghèo",
            pick(lambda old, new: old == Status.POOR and new != Status.POOR),
        ),
        DecisionList(
            "DANH SÁCH HỘ THOÁT CẬN NGHÈO",
            "Hộ thoát cận nghèo",
            pick(lambda old, new: old == Status.NEAR_POOR and new in above),
        ),
    ]


def decision_paper(decision: Decision):
    """Mẫu số 02 of QĐ 24: the chairman's decision recognising the four lists, attached to it."""
    campaign, ward = decision.campaign, decision.ward
    if not decision.reviews.exists():
        raise PaperNotReady(
            _("Decision %(number)s recognises no household: there is no list to attach to it.")
            % {"number": decision.number}
        )
    lists = decision_lists(decision)
    period = f"{review_kind_name(campaign)} {campaign_title(campaign)}"
    document = layout.OfficialDocument(
        issuer=layout.ward_issuer(ward),
        place=_place(ward),
        on=decision.signed_on,
        doc_type="QUYẾT ĐỊNH",
        subject=(
            # One phrase over two lines: the second goes on in lower case.
            "Về việc công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo",
            f"qua {period} trên địa bàn {layout.ward_full_name(ward)}",
        ),
        number=decision.number,
        signer=leader_signer(decision.signed_by),
        recipients=("- Như Điều 3;", "- Cấp trên (để báo cáo);", ARCHIVE),
        title=f"Quyết định {decision.number}",
    )
    context = {
        "decision": decision,
        "lists": lists,
        "ward_text": layout.ward_full_name(ward),
        "ward_upper": f"{layout.PEOPLES_COMMITTEE} {layout.ward_full_name(ward).upper()}",
        # The standard of the status year, and the later text that extended it to that year (ND 351/2025 for
        # ND 07/2021 in 2026): each document as the standard's data holds it, a date left out where not known.
        "standard_citations": [standard_citation(s) for s in campaign.standard.cited_documents(campaign.status_year)],
        "period": period,
        "status_year": campaign.status_year,
        "signed_on": short_date(decision.signed_on),
    }
    return document, context


def decision_filename(decision: Decision) -> str:
    """“quyet-dinh-215-qd-ubnd.pdf”: ASCII, so every browser and script keeps the name."""
    number = re.sub(r"[^a-z0-9]+", "-", fold(decision.number)).strip("-")
    return f"quyet-dinh-{number}.pdf"


# --- Mẫu số 03: the certificates -----------------------------------------------------------------------


@dataclass(frozen=True)
class CertificatePaper:
    doc: layout.OfficialDocument
    certificate: Certificate
    status: str
    members: list
    years: list[int]
    grid: dict  # status → list of "x" or "" per year
    decision_text: str
    address: str


def class_on_new_year(history: list[tuple[date, str]], year: int) -> str:
    """The class a household held on 1 January of `year` (its status changes in date order): the class the
    review of the autumn before set for the year; "" before its first registration."""
    held = ""
    for effective_on, status in history:
        if effective_on > date(year, 1, 1):
            break
        held = status
    return held


def certificate_years(certificate: Certificate, held: dict, history: list[tuple[date, str]]) -> dict[int, str]:
    """The household's class in each year of the grid of Mẫu số 03: the certificate of that year where the ward
    issued one; for the years up to the certificate's own, else the class its history gives on 1 January (a
    household on the lists before the app, or before this standard, has its earlier years marked too); the
    years after it stay blank for the yearly confirmation until a later certificate."""
    standard = certificate.review.campaign.standard
    years = list(range(standard.year_from, standard.year_to + 1))
    if certificate.year not in years:
        years.append(certificate.year)
    classes = {}
    for year in years:
        if (certificate.household_id, year) in held:
            classes[year] = held[(certificate.household_id, year)]
        elif year <= certificate.year:
            classes[year] = class_on_new_year(history, year)
        else:
            classes[year] = ""
    return classes


def certificate_papers(certificates) -> list[CertificatePaper]:
    """Mẫu số 03: one page per certificate, with the members and the yearly grid of the household's class."""
    certificates = list(
        certificates.prefetch_related(
            Prefetch("household__members", queryset=Member.objects.order_by("position", "pk"), to_attr="ordered")
        ).order_by("year", "serial")
    )
    if not certificates:
        return []
    households = {c.household_id for c in certificates}
    held = {}
    for household_id, year, status in Certificate.objects.filter(household__in=households).values_list(
        "household_id", "year", "status"
    ):
        held[(household_id, year)] = status
    histories: dict[int, list[tuple[date, str]]] = {}
    for household_id, effective_on, status in (
        StatusChange.objects.filter(household__in=households)
        .order_by("household_id", "effective_on", "pk")
        .values_list("household_id", "effective_on", "to_status")
    ):
        histories.setdefault(household_id, []).append((effective_on, status))
    papers = []
    for certificate in certificates:
        review = certificate.review
        classes = certificate_years(certificate, held, histories.get(certificate.household_id, []))
        years = list(classes)
        grid = {
            status: ["x" if classes[y] == status else "" for y in years] for status in (Status.POOR, Status.NEAR_POOR)
        }
        decision = review.decision
        ward = certificate.ward
        doc = layout.OfficialDocument(
            issuer=layout.ward_issuer(ward),
            place=_place(ward),
            on=certificate.issued_on,
            doc_type="GIẤY CHỨNG NHẬN",
            subject=("HỘ NGHÈO, HỘ CẬN NGHÈO",),
            number=certificate.number,
            signer=leader_signer(decision.signed_by if decision else None),
            title=f"Giấy chứng nhận {certificate.number}",
        )
        papers.append(
            CertificatePaper(
                doc=doc,
                certificate=certificate,
                status=status_name(certificate.status),
                members=certificate.household.ordered,
                years=years,
                grid={status_name(s): marks for s, marks in grid.items()},
                # "ngày" never ends a line apart from its date (layout.on_day), as the printed form reads.
                decision_text=(
                    f"Quyết định số {decision.number} {layout.on_day(decision.signed_on)}" if decision else ""
                ),
                address=address_line(certificate.household.address, certificate.household.khoi.name),
            )
        )
    return papers


# --- A regular review's written refusal ------------------------------------------------------------------


def refusal_paper(review: Review):
    """The ward's written answer refusing a regular review, with its reasons."""
    if review.state != ReviewState.REFUSED or not review.refusal_reason.strip():
        raise PaperNotReady(
            _(
                "Household %(code)s's review has not been refused in writing (it is “%(state)s”): the refusal "
                "letter exists once the ward leader refuses the review with its reasons."
            )
            % {"code": review.household.code, "state": review.get_state_display()}
        )
    ward, household = review.campaign.ward, review.household
    refused_by = review.events.filter(action="refuse").select_related("by").order_by("-at").first()
    document = layout.OfficialDocument(
        issuer=layout.ward_issuer(ward),
        place=_place(ward),
        on=review.closed_on,
        doc_type="THÔNG BÁO",
        subject=("Về việc trả lời đề nghị rà soát hộ nghèo, hộ cận nghèo",),
        symbol="TB-UBND",
        signer=leader_signer(refused_by.by if refused_by else None),
        recipients=(f"- Hộ {household.head_name};", f"- Ban cán sự {review.khoi.name};", ARCHIVE),
        title=f"Thông báo trả lời đề nghị rà soát – {household.head_name}",
    )
    form = (
        "đề nghị công nhận hộ thoát nghèo, hộ thoát cận nghèo (Mẫu số 04)"
        if review.source == ReviewSource.FORM_04
        else "đề nghị xét duyệt bổ sung hộ nghèo, hộ cận nghèo (Mẫu số 01)"
    )
    context = {
        "review": review,
        "household": household,
        "ward_text": layout.ward_full_name(ward),
        "form": form,
        "applied_on": short_date(review.applied_on),
        "reasons": [line.strip() for line in review.refusal_reason.splitlines() if line.strip()],
        "address": address_line(household.address, review.khoi.name),
    }
    return document, context


def refusal_filename(review: Review) -> str:
    return f"thong-bao-tu-choi-{review.pk}.pdf"


# --- Mẫu số 01 and 04: a household's application ---------------------------------------------------------


def application_paper(review: Review):
    """The household's written request, filled in from the application the ward recorded, for the head to sign.

    Mẫu số 01 asks to be reviewed (added to the poor or near-poor list); Mẫu số 04 asks a poor or near-poor
    household to be recognised as escaped. The ID number is left blank for the hand that signs: a paper that
    leaves the office carries no ID number from the registry (docs/personal-data.md).
    """
    if review.source not in (ReviewSource.FORM_01, ReviewSource.FORM_04):
        raise PaperNotReady(
            _(
                "Household %(code)s is on the list because of its class, not by an application: there is no "
                "request form (Mẫu số 01 or 04) to print."
            )
            % {"code": review.household.code}
        )
    ward, household = review.campaign.ward, review.household
    escaped = review.source == ReviewSource.FORM_04
    document = layout.OfficialDocument(
        issuer=(),
        place=_place(ward),
        on=review.applied_on,
        doc_type="GIẤY ĐỀ NGHỊ",
        subject=(
            ("Công nhận hộ thoát nghèo, hộ thoát cận nghèo",)
            if escaped
            else ("Xét duyệt bổ sung hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình",)
        ),
        signer=layout.Signer(authority=("NGƯỜI ĐỀ NGHỊ",), name=household.head_name),
        title=f"Giấy đề nghị – {household.head_name}",
    )
    context = {
        "review": review,
        "household": household,
        "form_number": "04" if escaped else "01",
        "escaped": escaped,
        "ward_text": layout.ward_full_name(ward),
        "current": status_name(review.from_status or household.status).lower(),
        "address": address_line(household.address, review.khoi.name, layout.ward_full_name(ward)),
    }
    return document, context


def application_filename(review: Review) -> str:
    return f"giay-de-nghi-{review.pk}.pdf"


# --- Rendering --------------------------------------------------------------------------------------------


def render_paper(template: str, document, context: dict, target=None):
    return render_pdf(f"reports/reviews/{template}", {"doc": document, **context}, target)


def render_certificates(papers: list[CertificatePaper], target=None):
    first = papers[0]
    context = {"doc": first.doc, "papers": papers, "ward_name": layout.ward_full_name(first.certificate.ward)}
    return render_pdf("reports/reviews/certificates.html", context, target)


# --- One entry point for the views and the job runner -------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """A paper asked for: its file name, its size (rows or pages: what makes it long) and how to render it."""

    filename: str
    size: int
    render: Callable  # render(target=None) -> bytes | None; may raise PaperNotReady


PAPER_KINDS = (
    "list",
    "results",
    "application",
    "meeting",
    "posting",
    "decision",
    "decision_certificates",
    "certificate",
    "refusal",
)


def _template_paper(template, build, filename, size, *args) -> Paper:
    def render(target=None):
        document, context = build(*args)
        return render_paper(template, document, context, target)

    return Paper(filename=filename, size=size, render=render)


def _certificates_paper(certificates, filename: str, empty_message: str) -> Paper:
    def render(target=None):
        found = certificate_papers(certificates)
        if not found:
            raise PaperNotReady(empty_message)
        return render_certificates(found, target)

    return Paper(filename=filename, size=certificates.count(), render=render)


def paper_get(*, user, kind: str, pk: int | None = None, khoi_id: int | None = None) -> Paper:
    """The paper `kind` of object `pk` (for "list": the campaign, and `khoi_id` for one khối's list).

    ObjectDoesNotExist when the object is outside the user's scope (a 404), PermissionDenied when a khối
    member asks for a ward-wide paper (a 403), PaperNotReady when its data is not there (a 409).
    """
    if kind == "list":
        campaign = campaign_get(user=user, pk=pk)
        khoi = None
        if khoi_id is None:
            require_ward_wide(user)
        else:
            khoi = khoi_get(user=user, campaign=campaign, pk=khoi_id)
        rows = review_selectors.review_list(user=user).filter(campaign=campaign)
        if khoi is not None:
            rows = rows.filter(khoi=khoi)

        def build():
            return review_list_paper(user=user, campaign=campaign, khoi=khoi)

        return _template_paper(
            "household_list.html", build, review_list_filename(campaign, khoi), rows.order_by().count()
        )
    if kind == "results":
        from .campaign_results import campaign_results, render_campaign_results_pdf, results_filename

        campaign = campaign_get(user=user, pk=pk)
        khoi = None
        if khoi_id is None:
            require_ward_wide(user)
        else:
            khoi = khoi_get(user=user, campaign=campaign, pk=khoi_id)

        def render_results(target=None):
            return render_campaign_results_pdf(campaign_results(user=user, campaign=campaign, khoi=khoi), target)

        rows = review_selectors.review_list(user=user).filter(campaign=campaign)
        if khoi is not None:
            rows = rows.filter(khoi=khoi)
        filename = results_filename(campaign, khoi, "pdf")
        return Paper(filename=filename, size=rows.order_by().count(), render=render_results)
    if kind == "meeting":
        meeting = meeting_get(user=user, pk=pk)
        size = meeting.votes.count()
        return _template_paper("meeting.html", meeting_paper, meeting_filename(meeting), size, meeting)
    if kind == "posting":
        posting = posting_get(user=user, pk=pk)
        size = posting.reviews.count()
        return _template_paper("posting.html", posting_paper, posting_filename(posting), size, posting)
    if kind == "decision":
        decision = decision_get(user=user, pk=pk)
        require_ward_wide(user)
        size = decision.reviews.count()
        return _template_paper("decision.html", decision_paper, decision_filename(decision), size, decision)
    if kind == "decision_certificates":
        decision = decision_get(user=user, pk=pk)
        message = _(
            "Decision %(number)s issued no certificate you may see: certificates are issued to the poor and "
            "near-poor households it recognises."
        ) % {"number": decision.number}
        certificates = certificate_list(user=user).filter(review__decision=decision)
        return _certificates_paper(certificates, decision_filename(decision).replace("quyet-dinh", "gcn"), message)
    if kind == "certificate":
        certificate = certificate_list(user=user).get(pk=pk)
        certificates = certificate_list(user=user).filter(pk=certificate.pk)
        return _certificates_paper(certificates, f"gcn-{certificate.year}-{certificate.serial}.pdf", "")
    if kind == "application":
        review = review_get(user=user, pk=pk)
        return _template_paper("application.html", application_paper, application_filename(review), 1, review)
    if kind == "refusal":
        review = review_get(user=user, pk=pk)
        return _template_paper("refusal.html", refusal_paper, refusal_filename(review), 1, review)
    raise Review.DoesNotExist(kind)
