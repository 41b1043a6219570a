"""Member accounts for secretaries and organisers: activation codes, printable slips, password resets."""

from quizapp.web.accounts.views import bp

__all__ = ["bp"]
