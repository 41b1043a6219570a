"""The organiser blueprint."""
from quizapp.web.organiser.views import bp

__all__ = ["bp"]
