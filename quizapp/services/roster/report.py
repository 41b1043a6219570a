"""What a roster import found and did: issues with their location, counts and samples of changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from quizapp.models import Unit

# A report keeps every count but only this many examples per kind of change, and this
# many errors: enough to fix a file, small enough for a page and for 300,000 rows.
SAMPLE_LIMIT = 200
ERROR_LIMIT = 500


@dataclass(frozen=True)
class RosterIssue:
    """An error or warning: where (sheet, row, column as written in the file) and what to do."""

    row: int | None
    column: str | None
    message: str
    sheet: str | None = None

    def location(self) -> str:
        """'Trang tính "DS", dòng 5, cột "Ngày sinh"' — the parts that are known."""
        parts = []
        if self.sheet:
            parts.append(_("trang tính '%(sheet)s'", sheet=self.sheet))
        if self.row is not None:
            parts.append(_("dòng %(row)d", row=self.row))
        if self.column:
            parts.append(_("cột '%(column)s'", column=self.column))
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class RosterChange:
    """One member added, updated, moved or absent, for the report's examples."""

    row: int | None
    code: str
    full_name: str
    detail: str = ""


@dataclass(frozen=True)
class RosterOptions:
    """How to import: create missing units, deactivate members absent from the file, and the
    unit the import is limited to (an organiser's unit; None for the whole tree)."""

    create_units: bool = False
    deactivate_missing: bool = False
    scope_unit: Unit | None = None


@dataclass
class RosterReport:
    """Counts and examples of what the import does (or did, once `applied`)."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    moved: int = 0
    reactivated: int = 0
    unchanged: int = 0
    absent: int = 0
    deactivated: int = 0
    units_created: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (code, name, parent name)
    samples: dict[str, list[RosterChange]] = field(
        default_factory=lambda: {"added": [], "updated": [], "moved": [], "absent": []}
    )
    errors: list[RosterIssue] = field(default_factory=list)
    error_count: int = 0
    warnings: list[RosterIssue] = field(default_factory=list)
    warning_count: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        """True when there is no error, so the import may be applied."""
        return self.error_count == 0

    @property
    def changes(self) -> int:
        """Members whose roster row the import writes."""
        return self.added + self.updated + self.moved + self.deactivated

    def error(self, issue: RosterIssue) -> None:
        """Record an error (every one is counted; the first ERROR_LIMIT are kept)."""
        self.error_count += 1
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(issue)

    def warning(self, issue: RosterIssue) -> None:
        """Record a warning (counted; the first ERROR_LIMIT are kept)."""
        self.warning_count += 1
        if len(self.warnings) < ERROR_LIMIT:
            self.warnings.append(issue)

    def sample(self, kind: str, change: RosterChange) -> None:
        """Keep an example of a change of this kind."""
        bucket = self.samples[kind]
        if len(bucket) < SAMPLE_LIMIT:
            bucket.append(change)

    def summary(self) -> dict:
        """Counts as plain data (for the audit log, JSON and the CLI)."""
        return {
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "moved": self.moved,
            "reactivated": self.reactivated,
            "unchanged": self.unchanged,
            "absent": self.absent,
            "deactivated": self.deactivated,
            "units_created": len(self.units_created),
            "errors": self.error_count,
            "warnings": self.warning_count,
        }
