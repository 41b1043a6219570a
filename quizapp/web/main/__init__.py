"""The main blueprint: home page per role, language switch, health check."""

from quizapp.web.main.views import bp

__all__ = ["bp"]
