"""A campaign's results (docs/documents.md, "The campaign's results"): per khối and in total, then per household.

Counts per khối: households listed, surveyed (a survey started: every state
but "listed", as the campaign's board counts), proposed poor / near-poor / not
poor (average-living and not poor together), recognised by decision per class,
returned for survey, refused. Then each household with its class before the
review, the proposed class, score B, the class the decision recognised and the
decision's number. The PDF (official layout, landscape) and the workbook start
from the same `CampaignResults`, read in a fixed number of queries.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from households.models import Khoi
from households.rules import Status
from households.selectors import ward_khois
from households.text import fold
from hungbinh.workbooks import append_row, text
from reviews import selectors as review_selectors
from reviews.models import Campaign, ReviewState

from . import layout
from .pdf import render_pdf
from .review_papers import ARCHIVE, campaign_title, review_kind_name, status_name, ward_signer
from .tables import HeaderCell, ReportTable, TableRow, write_sheet

SURVEYED = set(review_selectors.REACHED["surveyed"])
NOT_POOR = (Status.AVERAGE, Status.NOT_POOR)
# The count columns, in order (the workbook and the PDF share them).
COUNT_KEYS = (
    "listed",
    "surveyed",
    "proposed_poor",
    "proposed_near_poor",
    "proposed_not_poor",
    "recognised_poor",
    "recognised_near_poor",
    "recognised_not_poor",
    "returned",
    "refused",
)


def _class_key(status: str) -> str:
    if status == Status.POOR:
        return "poor"
    if status == Status.NEAR_POOR:
        return "near_poor"
    if status in NOT_POOR:
        return "not_poor"
    return ""


def count_review(counts: dict, state: str, proposed_status: str) -> None:
    """Add one review to `counts` (a dict over COUNT_KEYS)."""
    counts["listed"] += 1
    if state in SURVEYED:
        counts["surveyed"] += 1
    key = _class_key(proposed_status)
    if key:
        counts[f"proposed_{key}"] += 1
        if state == ReviewState.RECOGNISED:
            counts[f"recognised_{key}"] += 1
    if state == ReviewState.RETURNED:
        counts["returned"] += 1
    if state == ReviewState.REFUSED:
        counts["refused"] += 1


@dataclass(frozen=True)
class ResultRow:
    number: int
    khoi: str
    code: str
    head_name: str
    before: str
    proposed: str
    score_b: int | None
    decided: str
    decision_number: str


@dataclass
class CampaignResults:
    campaign: Campaign
    document: layout.OfficialDocument
    where: str
    khois: list[tuple[str, dict]]  # (khối name, counts)
    total: dict
    rows: list[ResultRow]
    khoi: Khoi | None = None  # one khối's results, or the ward's

    def filename(self, extension: str) -> str:
        return results_filename(self.campaign, self.khoi, extension)

    @property
    def table(self) -> ReportTable:
        header_rows = [
            [
                HeaderCell("STT", rowspan=2),
                HeaderCell("Khối", rowspan=2),
                HeaderCell("Số hộ trong danh sách rà soát", rowspan=2),
                HeaderCell("Số hộ đã rà soát", rowspan=2),
                HeaderCell("Đề xuất", colspan=3),
                HeaderCell("Được công nhận theo quyết định", colspan=3),
                HeaderCell("Trả lại để rà soát lại", rowspan=2),
                HeaderCell("Từ chối bằng văn bản", rowspan=2),
            ],
            [HeaderCell(t) for t in ("Hộ nghèo", "Hộ cận nghèo", "Hộ không nghèo") * 2],
        ]
        rows = [
            TableRow(str(i), name, [counts[k] for k in COUNT_KEYS]) for i, (name, counts) in enumerate(self.khois, 1)
        ]
        rows.append(TableRow("", "Tổng cộng", [self.total[k] for k in COUNT_KEYS], is_total=True))
        return ReportTable(
            key="tong-hop",
            title=f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO {campaign_title(self.campaign).upper()}",
            subtitle=self.where,
            header_rows=header_rows,
            column_numbers=["A", "B", *(str(n) for n in range(1, len(COUNT_KEYS) + 1))],
            rows=rows,
            notes=["Hộ không nghèo: gồm hộ có mức sống trung bình và hộ không nghèo."],
        )


def results_filename(campaign: Campaign, khoi: Khoi | None, extension: str) -> str:
    """`ket-qua-ra-soat-dot-7.pdf`, or one khối's `ket-qua-ra-soat-dot-7-khoi-2.pdf` (ASCII, the khối's name)."""
    part = f"-{slugify(fold(khoi.name))}" if khoi else ""
    return f"ket-qua-ra-soat-dot-{campaign.pk}{part}.{extension}"


def campaign_results(*, user, campaign: Campaign, khoi: Khoi | None = None) -> CampaignResults:
    """The campaign's results in the user's scope, the ward's or one khối's: one query for the khối, one for
    the reviews (and the ward's settings for the addressee)."""
    khois = ward_khois(user=user, ward_id=campaign.ward_id)
    if khoi is not None:
        khois = [k for k in khois if k.pk == khoi.pk]
    reviews = list(
        review_selectors.review_list(user=user)
        .filter(campaign=campaign, khoi__in=[k.pk for k in khois])
        .select_related("household", "khoi", "decision")
        .order_by("khoi__position", "khoi__name", "household__name_key", "household__code", "pk")
    )
    per_khoi = {k.pk: dict.fromkeys(COUNT_KEYS, 0) for k in khois}
    total = dict.fromkeys(COUNT_KEYS, 0)
    rows = []
    for i, r in enumerate(reviews, start=1):
        count_review(per_khoi[r.khoi_id], r.state, r.proposed_status)
        count_review(total, r.state, r.proposed_status)
        recognised = r.state == ReviewState.RECOGNISED
        rows.append(
            ResultRow(
                number=i,
                khoi=r.khoi.name,
                code=r.household.code,
                head_name=r.household.head_name,
                before=status_name(r.from_status) or status_name(r.household.status),
                proposed=status_name(r.proposed_status),
                score_b=r.score_b if r.state in SURVEYED else None,
                decided=status_name(r.proposed_status) if recognised else "",
                decision_number=r.decision.number if recognised and r.decision else "",
            )
        )
    ward = campaign.ward
    place = layout.ward_full_name(ward) if khoi is None else f"{khoi.name}, {layout.ward_full_name(ward)}"
    where = f"{review_kind_name(campaign).capitalize()} {campaign_title(campaign)} – {place}"
    document = layout.OfficialDocument(
        issuer=layout.ward_issuer(ward),
        place=ward.name,
        on=timezone.localdate(),
        doc_type="BÁO CÁO",
        symbol="BC-UBND",  # numbered by hand when it is signed, like the progress report
        subject=("Kết quả rà soát hộ nghèo, hộ cận nghèo", where),
        signer=ward_signer(ward),  # signed by hand: the ward's leader, or dots for the name
        recipients=(f"- {review_selectors.settings_for(ward.pk).upper_level_addressee};", ARCHIVE),
        landscape=True,
        title=f"Kết quả rà soát hộ nghèo, hộ cận nghèo {campaign_title(campaign)} – {place}",
    )
    return CampaignResults(
        campaign=campaign,
        document=document,
        where=where,
        khois=[(k.name, per_khoi[k.pk]) for k in khois],
        total=total,
        rows=rows,
        khoi=khoi,
    )


def render_campaign_results_pdf(results: CampaignResults, target=None):
    return render_pdf("reports/reviews/campaign_results.html", {"doc": results.document, "results": results}, target)


LIST_COLUMNS = (
    "STT",
    "Khối",
    "Mã hộ",
    "Họ và tên chủ hộ",
    "Phân loại trước rà soát",
    "Đề xuất",
    "Điểm B",
    "Được công nhận",
    "Số quyết định",
)
EMPTY = "Chưa có hộ gia đình nào trong danh sách rà soát của đợt này."


def write_campaign_results_xlsx(results: CampaignResults, output) -> None:
    """Two sheets: the counts (as the PDF's table) and the households; every text cell a string."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    heading = [*results.document.issuer]
    summary = workbook.create_sheet("Tong hop")
    write_sheet(summary, results.table, heading)
    if not results.rows:
        summary.cell(row=summary.max_row + 2, column=1, value=EMPTY).font = Font(italic=True)
    sheet = workbook.create_sheet("Danh sach ho")
    append_row(sheet, [f"DANH SÁCH HỘ GIA ĐÌNH – {results.where}"])
    append_row(sheet, list(LIST_COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in results.rows:
        append_row(
            sheet,
            [
                row.number,
                row.khoi,
                row.code,
                row.head_name,
                row.before,
                row.proposed,
                row.score_b,
                row.decided,
                row.decision_number,
            ],
        )
    if not results.rows:
        append_row(sheet, [EMPTY])
    for letter, width in zip("ABCDEFGHI", (6, 14, 12, 28, 24, 24, 8, 24, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    for line in summary.iter_rows():  # write_sheet's labels (khối names) as strings, never formulas
        for cell in line:
            if isinstance(cell.value, str):
                cell.value = text(cell.value)
                cell.data_type = "s"
    workbook.save(output)
