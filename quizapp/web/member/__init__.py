"""The member blueprint."""
from quizapp.web.member.views import bp

__all__ = ["bp"]
