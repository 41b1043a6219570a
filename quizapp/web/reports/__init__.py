"""The reports blueprint."""

from quizapp.web.reports.views import bp

# Each module adds its routes to `bp` when imported.
from quizapp.web.reports import contests, reminders  # noqa: F401  isort: skip

__all__ = ["bp"]
