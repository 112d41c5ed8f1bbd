"""What an import answers: its counts, its problems, and what it would change."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from .limits import MAX_ERRORS


@dataclass(frozen=True)
class ImportRowError:
    """One problem of the workbook: where it is (row 0: the file or sheet as a whole) and what to do."""

    sheet: str
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class HouseholdAdded:
    code: str
    head_name: str
    khoi: str
    status: str  # the status's label


@dataclass(frozen=True)
class StatusChanged:
    code: str
    head_name: str
    from_status: str
    to_status: str
    effective_on: date


@dataclass(frozen=True)
class MemberAdded:
    code: str
    full_name: str
    birth_date: date | None


@dataclass(frozen=True)
class Kept:
    """A household the import wrote and someone saved afterwards: not taken back when the import failed,
    so that their save stays (docs/workbook.md, "Writing in batches")."""

    code: str
    head_name: str
    added: bool  # the import added it (else it changed it)

    def message(self) -> str:
        names = {"code": self.code, "head": self.head_name}
        if self.added:
            return (
                _(
                    "Household %(code)s (head: %(head)s) was added by the import and edited afterwards, so it was "
                    "kept and not taken back; check it."
                )
                % names
            )
        return (
            _(
                "Household %(code)s (head: %(head)s) was edited after it was imported, so it was not taken back; "
                "check it."
            )
            % names
        )


@dataclass
class ImportPreview:
    """What a workbook without problems changes, shown before it is written."""

    households_added: list[HouseholdAdded] = field(default_factory=list)
    status_changes: list[StatusChanged] = field(default_factory=list)
    members_added: list[MemberAdded] = field(default_factory=list)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    members_created: int = 0
    members_updated: int = 0
    errors: list[ImportRowError] = field(default_factory=list)
    preview: ImportPreview | None = None
    # A failed import taken back except these households, saved by others after it wrote them.
    kept: list[Kept] = field(default_factory=list)
    # Stopped while writing (runs.TakenBack) and its undo could not finish (state `stuck`): households it wrote
    # stay in the registry, so its errors are not problems of the file.
    stuck: bool = False
    # Stopped while writing (the registry changed under it, or runs.TakenBack) and taken back, or being taken back:
    # its one error says what became of what it wrote, not a problem of the file.
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class Errors(list):
    """Problems collected while reading, parsing and planning; each placed by sheet, row and column.

    At most MAX_ERRORS are kept (limits.py): a file wrong in every row gets the first ones and a count of the
    rest, not an answer as large as the file.
    """

    dropped = 0

    def add(self, sheet: str, row: int, column: str, message) -> None:
        if self.dropped or len(self) >= MAX_ERRORS:
            self.dropped += 1
            summary = ImportRowError(
                "",
                0,
                "",
                _(
                    "Only the first %(shown)s problems are listed; %(more)s more were found. "
                    "Fix these, then check the file again."
                )
                % {"shown": MAX_ERRORS, "more": self.dropped},
            )
            if self.dropped == 1:
                self.append(summary)
            else:
                self[-1] = summary
            return
        self.append(ImportRowError(sheet, row, column, str(message)))
