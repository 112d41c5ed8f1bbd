"""Import of a ward's household lists from Excel (docs/workbook.md).

All or nothing: the whole workbook is read and checked first, every problem is
reported with its sheet, row and column, and only a workbook without a single
problem is written, in bulk and in short batches taken back if one fails, with
its history (who, when) kept exactly as a change through the services would keep it.

- `workbook`: the format (sheets, columns, the words of its cells), shared with
  the export (`households.exporting`) and the template, so an export imports
  back unchanged;
- `reading`: opening the file, finding each sheet's header and rows;
- `cells` and `parsing`: cells to values and rows to typed rows, every bad cell
  placed;
- `planning`: what the rows change in the registry;
- `writing`: the bulk write, batch by batch;
- `runs`: each writing as an import run, whose batches record how to take them
  back, so that a run whose process died is taken back later;
- `service`: `household_import`, which runs them in order.
"""

from .results import ImportResult, ImportRowError
from .service import household_import
from .workbook import (
    COL_ADDRESS,
    COL_BIRTH,
    COL_CODE,
    COL_DECISION,
    COL_DISABLED,
    COL_ESCAPED_UNTIL,
    COL_ETHNIC,
    COL_ETHNICITY,
    COL_GENDER,
    COL_HEAD,
    COL_ID,
    COL_KHOI,
    COL_MERIT,
    COL_NAME,
    COL_NO,
    COL_RECOGNISED,
    COL_RELATION,
    COL_STATUS,
    COL_VERSION,
    ESCAPED_LABEL,
    GENDER_LABELS,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    STATUS_LABELS,
    YES,
    status_label,
)

__all__ = [
    "COL_ADDRESS",
    "COL_BIRTH",
    "COL_CODE",
    "COL_DECISION",
    "COL_DISABLED",
    "COL_ESCAPED_UNTIL",
    "COL_ETHNIC",
    "COL_ETHNICITY",
    "COL_GENDER",
    "COL_HEAD",
    "COL_ID",
    "COL_KHOI",
    "COL_MERIT",
    "COL_NAME",
    "COL_NO",
    "COL_RECOGNISED",
    "COL_RELATION",
    "COL_STATUS",
    "COL_VERSION",
    "ESCAPED_LABEL",
    "GENDER_LABELS",
    "HOUSEHOLD_COLUMNS",
    "HOUSEHOLD_SHEET",
    "MEMBER_COLUMNS",
    "MEMBER_SHEET",
    "STATUS_LABELS",
    "YES",
    "ImportResult",
    "ImportRowError",
    "household_import",
    "status_label",
]
