"""The organiser console: banks, quizzes, roster, people and the audit log in the browser."""

from quizapp.web.organiser.views import bp

# Each module adds its routes to `bp` when imported.
from quizapp.web.organiser import (  # noqa: F401  isort: skip
    audit_log,
    bank_upload,
    banks,
    contests,
    members,
    people,
    quiz_members,
    quiz_regrade,
    quiz_reminder,
    quizzes,
    rankings,
    round_results,
    roster_import,
)

__all__ = ["bp"]
