"""Views of the member blueprint."""
from flask import Blueprint

bp = Blueprint("member", __name__, url_prefix="/m")
