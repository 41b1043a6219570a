"""Contest results for everyone, signed in or not: only rounds the organiser has published."""

from quizapp.web.results.views import bp

__all__ = ["bp"]
