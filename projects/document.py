"""A plan as the document it is, in reading order, rebuilt from its rows alone.

`plan_blocks` gives typed blocks (what the official PDF lays out, docs/documents.md);
`plan_text` joins them into plain text, which is what the test compares
with the signed document. The fixed headings of a ward plan (I. MỤC
ĐÍCH, YÊU CẦU …) belong to the document type, not to the data, and are always
Vietnamese whatever the interface language.
"""

from dataclasses import dataclass

from .models import Plan

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_TYPE = "KẾ HOẠCH"
RECIPIENTS_TITLE = "Nơi nhận:"

SECTION_PURPOSES = "I. MỤC ĐÍCH, YÊU CẦU"
PURPOSES = "1. Mục đích"
REQUIREMENTS = "2. Yêu cầu"
SECTION_TARGETS = "II. ĐỐI TƯỢNG, PHẠM VI THỰC HIỆN"
TARGET_GROUPS = "1. Đối tượng"
SCOPE = "2. Phạm vi thực hiện:"
SECTION_CONTENT = "III. NỘI DUNG THỰC HIỆN"
OBJECTIVE = "a) Mục tiêu:"
TARGETS_CONTENT = "b) Đối tượng và nội dung hỗ trợ:"
ASSIGNMENT = "c) Phân công thực hiện:"
LEAD = "- Bộ phận chủ trì:"
COORDINATING = "- Bộ phận phối hợp:"
SECTION_ORGANISATION = "IV. TỔ CHỨC THỰC HIỆN"


@dataclass(frozen=True)
class Block:
    """One piece of the document.

    kind: issuing_body_parent, issuing_body, national_title, motto, number,
    place_date, document_type, subject, section (I., II. …), heading (1., 2.1. …),
    label (a), b), c) with its text inline), paragraph, recipients_title,
    recipient, signer_authority, signer_title, signer_name.
    `label` blocks carry the label in `label` and what follows it in `text`.
    """

    kind: str
    text: str
    label: str = ""

    @property
    def line(self) -> str:
        return f"{self.label} {self.text}".strip() if self.label else self.text


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _labelled(label: str, text: str) -> list[Block]:
    """“a) Mục tiêu: first paragraph”, then the following paragraphs; a list of “+ …” starts on its own line."""
    paragraphs = _paragraphs(text)
    if not paragraphs or paragraphs[0].startswith(("+", "-")):
        return [Block("label", "", label=label), *(Block("paragraph", p) for p in paragraphs)]
    return [Block("label", paragraphs[0], label=label), *(Block("paragraph", p) for p in paragraphs[1:])]


def plan_blocks(plan: Plan, *, items=None, duties=None) -> list[Block]:
    """The whole document; pass `items` and `duties` already fetched to save the two queries."""
    items = list(plan.items.order_by("position")) if items is None else items
    duties = list(plan.duties.order_by("position")) if duties is None else duties
    blocks = [
        Block("issuing_body_parent", plan.issuing_body_parent),
        Block("national_title", NATIONAL_TITLE),
        Block("issuing_body", plan.issuing_body),
        Block("motto", MOTTO),
        Block("number", plan.number_line),
        Block("place_date", plan.place_date_line),
        Block("document_type", DOCUMENT_TYPE),
        *(Block("subject", line) for line in _paragraphs(plan.subject)),
        *(Block("paragraph", p) for p in _paragraphs(plan.basis)),
        Block("section", SECTION_PURPOSES),
        Block("heading", PURPOSES),
        *(Block("paragraph", p) for p in _paragraphs(plan.purposes)),
        Block("heading", REQUIREMENTS),
        *(Block("paragraph", p) for p in _paragraphs(plan.requirements)),
        Block("section", SECTION_TARGETS),
        Block("heading", TARGET_GROUPS),
        *(Block("paragraph", p) for p in _paragraphs(plan.target_groups)),
        *_labelled(SCOPE, plan.scope),
        Block("section", SECTION_CONTENT),
    ]
    group = None
    for item in items:
        if item.group_number and item.group_number != group:
            blocks.append(Block("heading", f"{item.group_number}. {item.group_heading}"))
        group = item.group_number or None
        blocks.append(Block("heading", f"{item.number}. {item.heading}"))
        blocks += _labelled(OBJECTIVE, item.objective)
        blocks += _labelled(TARGETS_CONTENT, item.targets_content)
        blocks.append(Block("label", "", label=ASSIGNMENT))
        blocks.append(Block("label", item.lead_text, label=LEAD))
        blocks.append(Block("label", item.coordinating_text, label=COORDINATING))
    blocks.append(Block("section", SECTION_ORGANISATION))
    for duty in duties:
        blocks.append(Block("heading", f"{duty.position}. {duty.heading}"))
        blocks += [Block("paragraph", p) for p in duty.paragraphs]
    blocks += [Block("paragraph", p) for p in _paragraphs(plan.closing)]
    blocks.append(Block("recipients_title", RECIPIENTS_TITLE))
    blocks += [Block("recipient", line) for line in _paragraphs(plan.recipients)]
    blocks += [Block("signer_authority", line) for line in _paragraphs(plan.signer_authority)]
    if plan.signer_title:
        blocks.append(Block("signer_title", plan.signer_title))
    if plan.signer_name:
        blocks.append(Block("signer_name", plan.signer_name))
    return blocks


def plan_text(plan: Plan, **fetched) -> str:
    return "\n".join(block.line for block in plan_blocks(plan, **fetched))
