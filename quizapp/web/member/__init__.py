"""The member blueprint: taking quizzes, results, history, certificates (and public verification)."""

from quizapp.web.member import api, offline  # noqa: F401  (register their routes on bp)
from quizapp.web.member.views import bp

__all__ = ["bp"]
