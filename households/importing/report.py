"""The report of an import run as a job (docs/workbook.md, "Large files"): an Excel workbook.

A large workbook is checked or imported by the job runner (reports/job_kinds.py)
instead of in the request; its result, which the import page shows for a small
file, comes back as this report: what was done and the counts, every problem with
its sheet, row and column, and what the file adds or changes.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font

from hungbinh.workbooks import append_row, text_cell

from .results import ImportResult

BOLD = Font(bold=True)


def import_summary(result: ImportResult, *, dry_run: bool) -> str:
    """One sentence saying what happened to the file, for the job's page and the report's first sheet."""
    counts = {
        "created": result.created,
        "updated": result.updated,
        "members_created": result.members_created,
        "members_updated": result.members_updated,
    }
    if result.kept:
        return _(
            "The import was not finished and was taken back, except %(count)s households edited after they were "
            "imported, which keep those edits: %(households)s. Check them; the report lists them."
        ) % {
            "count": len(result.kept),
            "households": "; ".join(
                _("%(code)s (head: %(head)s)") % {"code": h.code, "head": h.head_name} for h in result.kept
            ),
        }
    if result.stuck:
        return _(
            "The import was stopped before it finished, and what it had written could not be taken back: some of "
            "its households are still in the registry as the file wrote them. Check them or ask the administrator; "
            "the report names them."
        )
    if result.stopped:  # its message says what became of what it wrote and what to do
        return result.errors[0].message
    if result.errors:
        count = len(result.errors)
        return ngettext(
            "Nothing was written: the file has %(count)s problem, listed in the report.",
            "Nothing was written: the file has %(count)s problems, listed in the report.",
            count,
        ) % {"count": count}
    if dry_run:
        return (
            _(
                "No problems found; nothing was written. Importing the file adds %(created)s households and "
                "updates %(updated)s; adds %(members_created)s members and updates %(members_updated)s."
            )
            % counts
        )
    return (
        _(
            "Import finished: %(created)s households added and %(updated)s updated; "
            "%(members_created)s members added and %(members_updated)s updated."
        )
        % counts
    )


def _heading(sheet, values) -> None:
    sheet.append([text_cell(sheet, str(value), font=BOLD) for value in values])


def write_import_report(result: ImportResult, *, output, file_name: str, ward_name: str, dry_run: bool) -> None:
    """Write the report of `result` (of the file `file_name` for the ward `ward_name`) into `output`."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Result"))
    _heading(summary, [_("Import of %(name)s into %(ward)s") % {"name": file_name, "ward": ward_name}])
    append_row(summary, [import_summary(result, dry_run=dry_run)])
    append_row(summary, [])
    for label, value in (
        (_("Checked only") if dry_run else _("Imported"), _("yes")),
        (_("Households added"), result.created),
        (_("Households updated"), result.updated),
        (_("Members added"), result.members_created),
        (_("Members updated"), result.members_updated),
        (_("Problems"), len(result.errors)),
    ):
        append_row(summary, [str(label), value])

    if result.errors:
        problems = workbook.create_sheet(_("Problems"))
        _heading(problems, [_("Sheet"), _("Row"), _("Column"), _("Problem")])
        for error in result.errors:
            append_row(problems, [error.sheet, error.row or "", error.column, error.message])

    preview = result.preview
    if preview is not None:
        if preview.households_added:
            sheet = workbook.create_sheet(_("Households added"))
            _heading(sheet, [_("Code"), _("Head of household"), _("Khối"), _("Status")])
            for row in preview.households_added:
                append_row(sheet, [row.code, row.head_name, row.khoi, row.status])
        if preview.status_changes:
            sheet = workbook.create_sheet(_("Status changes"))
            _heading(
                sheet, [_("Code"), _("Head of household"), _("Current status"), _("New status"), _("Effective on")]
            )
            for row in preview.status_changes:
                append_row(
                    sheet,
                    [row.code, row.head_name, row.from_status, row.to_status, row.effective_on.strftime("%d/%m/%Y")],
                )
        if preview.members_added:
            sheet = workbook.create_sheet(_("Members added"))
            _heading(sheet, [_("Code"), _("Full name"), _("Date of birth")])
            for row in preview.members_added:
                birth = row.birth_date.strftime("%d/%m/%Y") if row.birth_date else ""
                append_row(sheet, [row.code, row.full_name, birth])
    workbook.save(output)
