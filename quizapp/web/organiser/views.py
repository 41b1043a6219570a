"""Views of the organiser blueprint."""
from flask import Blueprint

bp = Blueprint("organiser", __name__, url_prefix="/org")
