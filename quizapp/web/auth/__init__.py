"""Sign-in, activation, password change."""

from quizapp.web.auth.views import bp

__all__ = ["bp"]
