"""The ceiling: a minimal Flask endpoint served with the same gunicorn settings as quizapp.

It reads a JSON body and answers JSON, like an answer save, but touches no database:
its throughput is what this stack (gunicorn + Flask + the HTTP client) can do on this machine.
"""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/save")
def save():
    """Echo the sequence number of a JSON body."""
    body = request.get_json(silent=True) or {}
    return jsonify(ok=True, seq=body.get("seq"))


@app.get("/healthz")
def health():
    """Readiness probe for the benchmark runner."""
    return {"status": "ok"}
