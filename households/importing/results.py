"""What an import answers: its counts, its problems, and what it would change."""

from dataclasses import dataclass, field
from datetime import date


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

    @property
    def ok(self) -> bool:
        return not self.errors


class Errors(list):
    """Problems collected while reading, parsing and planning; each placed by sheet, row and column."""

    def add(self, sheet: str, row: int, column: str, message) -> None:
        self.append(ImportRowError(sheet, row, column, str(message)))
