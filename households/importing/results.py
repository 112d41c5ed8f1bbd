"""What an import answers: its counts, its problems, and what it would change."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportRowError:
    """One problem of the workbook: where it is (row 0: the file or sheet as a whole) and what to do."""

    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    members_created: int = 0
    members_updated: int = 0
    errors: list[ImportRowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class Errors(list):
    """Problems collected while reading, parsing and planning; each placed by sheet, row and column."""

    def add(self, sheet: str, row: int, column: str, message) -> None:
        self.append(ImportRowError(sheet, row, column, str(message)))
