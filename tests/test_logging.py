"""Every request leaves one structured log line that can be followed across tiers."""

import json
import logging

from quizapp.logging import JsonLineFormatter


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(JsonLineFormatter().format(record))


def _collect(app):
    handler = _Collect()
    logging.getLogger("quizapp").addHandler(handler)
    return handler


def test_request_is_logged_as_one_json_line_with_duration_and_status(app, client):
    handler = _collect(app)
    try:
        client.get("/healthz")
    finally:
        logging.getLogger("quizapp").removeHandler(handler)
    entries = [json.loads(line) for line in handler.lines]
    entry = next(e for e in entries if e.get("event") == "request")
    assert entry["path"] == "/healthz" and entry["status"] == 200 and entry["method"] == "GET"
    assert entry["ms"] >= 0 and entry["rid"]
    assert all("\n" not in line for line in handler.lines)


def test_request_id_from_the_proxy_is_kept_and_returned(app, client):
    handler = _collect(app)
    try:
        reply = client.get("/healthz", headers={"X-Request-ID": "nginx-abc123"})
    finally:
        logging.getLogger("quizapp").removeHandler(handler)
    assert reply.headers["X-Request-ID"] == "nginx-abc123"
    assert any(json.loads(line).get("rid") == "nginx-abc123" for line in handler.lines)


def test_hostile_request_id_is_replaced(client):
    reply = client.get("/healthz", headers={"X-Request-ID": 'x" injected=1 ' + "a" * 100})
    assert reply.headers["X-Request-ID"].isalnum()


def test_signed_in_user_id_is_in_the_log_line(app, client, roles, login):
    handler = _collect(app)
    login(roles["users"]["admin"])
    try:
        client.get("/")
    finally:
        logging.getLogger("quizapp").removeHandler(handler)
    entry = next(json.loads(line) for line in handler.lines if '"request"' in line)
    assert entry["user"] == roles["users"]["admin"].id


def test_the_development_server_logs_each_request_once(app):
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    server_lines, app_lines = _Collect(), _collect(app)
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addHandler(server_lines)
    werkzeug_log.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz") as reply:
            assert reply.status == 200
        thread.join(10)
    finally:
        server.server_close()
        werkzeug_log.removeHandler(server_lines)
        logging.getLogger("quizapp").removeHandler(app_lines)
    requests = [json.loads(line) for line in app_lines.lines if '"event": "request"' in line]
    assert [r["path"] for r in requests] == ["/healthz"]
    assert not any("/healthz" in line for line in server_lines.lines)
