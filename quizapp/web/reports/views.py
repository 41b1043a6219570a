"""Views of the reports blueprint."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
