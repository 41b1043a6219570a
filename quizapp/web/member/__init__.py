"""The member blueprint: taking quizzes, results, history, certificates (and public verification)."""
from quizapp.web.member import api  # noqa: F401  (registers the JSON routes on bp)
from quizapp.web.member.views import bp

__all__ = ["bp"]
