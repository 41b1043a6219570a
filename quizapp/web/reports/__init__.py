"""The reports blueprint."""
from quizapp.web.reports.views import bp

__all__ = ["bp"]
