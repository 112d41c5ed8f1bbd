"""The ward's plan as the official document (KẾ HOẠCH), from the program's data (docs/documents.md).

The program app gives the plan in reading order (`projects.document.plan_blocks`);
here the blocks are laid out in the common layout: the heading parts go to the
`OfficialDocument`, the body blocks to the template, the recipients and the
signer to the closing blocks. Only an issued (or superseded) plan is an
official document; a draft gets a message instead.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from projects.document import plan_blocks
from projects.models import Plan, PlanState

from . import layout
from .pdf import render_pdf

HEADING_KINDS = frozenset(
    {
        "issuing_body_parent",
        "issuing_body",
        "national_title",
        "motto",
        "number",
        "place_date",
        "document_type",
        "subject",
    }
)
CLOSING_KINDS = frozenset({"recipients_title", "recipient", "signer_authority", "signer_title", "signer_name"})


class PlanNotIssued(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BodyBlock:
    kind: str  # section, heading, label, paragraph
    text: str
    label: str = ""


def plan_get(*, user, pk) -> Plan:
    """A plan the user may see, as its page shows it (projects/selectors.py: a unit member sees its unit's
    ward's plans, where its duties are written); another ward's plan does not exist for them."""
    from projects.selectors import plan_get as program_plan_get

    return program_plan_get(user=user, pk=pk)


def plan_document(plan: Plan) -> tuple[layout.OfficialDocument, list[BodyBlock]]:
    if plan.state == PlanState.DRAFT:
        raise PlanNotIssued(
            _(
                "This plan is still a draft: the official document exists once the plan is issued with its number "
                "and date. Issue the plan first."
            )
        )
    blocks = plan_blocks(plan)
    body = [BodyBlock(b.kind, b.text, b.label) for b in blocks if b.kind not in HEADING_KINDS | CLOSING_KINDS]
    authority = tuple(b.text for b in blocks if b.kind in ("signer_authority", "signer_title"))
    name = next((b.text for b in blocks if b.kind == "signer_name"), "")
    document = layout.OfficialDocument(
        issuer=(plan.issuing_body_parent, plan.issuing_body),
        place=plan.place,
        on=plan.dated_on,
        doc_type="KẾ HOẠCH",
        subject=tuple(b.text for b in blocks if b.kind == "subject"),
        number=plan.number,
        symbol=plan.symbol,
        signer=layout.Signer(authority=authority, name=name) if authority or name else None,
        recipients=tuple(b.text for b in blocks if b.kind == "recipient"),
    )
    return document, body


def plan_filename(plan: Plan) -> str:
    number = plan.number.replace("/", "-") if plan.number else f"v{plan.version}"
    return f"ke-hoach-{plan.year}-{number}.pdf".lower()


def render_plan_pdf(plan: Plan, target=None):
    document, body = plan_document(plan)
    return render_pdf("reports/plan.html", {"doc": document, "blocks": body}, target)
