"""Attacks, one behaviour each: CSRF, cheating on attempts, XSS, formula injection, hostile
uploads, open redirects, cookie flags, the answer key. The access matrix is in
tests/test_access_matrix.py."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from werkzeug.routing import IntegerConverter

from quizapp import create_app
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    Member,
    PendingUpload,
    Question,
    Quiz,
    Response,
    Role,
    Unit,
)
from tests.conftest import BASE_CONFIG, TEST_PASSWORD, Factory, make_app, sign_in
from tests.quizkit import Sitting, open_quiz, right_answers

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
XSS_MARKERS = ("<script>alert", "<img src=x")  # the raw tags; escaped text keeps the words
FORMULAS = ('=HYPERLINK("http://evil.example","bấm vào")', "+1+1", "-2+3", "@SUM(A1:A2)")


def _no_raw_markup(html: str, where: str) -> None:
    for marker in XSS_MARKERS:
        assert marker not in html, f"unescaped {marker!r} in {where}"


# --- CSRF on every state-changing route -----------------------------------------------------

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _sample_url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = (
            1 if isinstance(converter, IntegerConverter) else ("csv" if name == "fmt" else "x" * 40)
        )
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def csrf_app(database_url, tmp_path):
    """The app with CSRF protection on, as in production."""
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _spy_on_views(app) -> list[str]:
    called: list[str] = []
    for endpoint, view in list(app.view_functions.items()):

        def spy(*args, _view=view, _endpoint=endpoint, **kwargs):
            called.append(_endpoint)
            return _view(*args, **kwargs)

        app.view_functions[endpoint] = spy
    return called


def test_every_state_changing_route_refuses_a_request_without_csrf_token(csrf_app):
    make = Factory()  # not the `make` fixture: it would push the default app's context
    admin = make.user("admin", grants=[(Role.ADMIN, None)])
    db.session.commit()
    called = _spy_on_views(csrf_app)
    client = csrf_app.test_client()
    sign_in(client, admin)
    checked = []
    for rule in csrf_app.url_map.iter_rules():
        for method in sorted(rule.methods & STATE_CHANGING):
            url = _sample_url(rule)
            called.clear()
            reply = client.open(url, method=method, data={"x": "1"})
            assert rule.endpoint not in called, f"{method} {rule.rule} ran without a CSRF token"
            assert reply.status_code in (400, 302), f"{method} {rule.rule}: {reply.status_code}"
            checked.append(rule.rule)
    assert len(checked) >= 20  # the check ran over the real route list


def test_autosave_without_csrf_header_is_refused_with_json(csrf_app):
    make = Factory()
    client = csrf_app.test_client()
    sit = Sitting(make, lambda user: (db.session.commit(), sign_in(client, user), client)[2])
    reply = client.post("/m/api/answers", json={"attempt": 1, "question": 1, "answer": 0, "seq": 1})
    assert reply.status_code == 400 and reply.json["error"] == "csrf"
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert sit.member is not None


def test_a_token_from_another_session_is_refused(csrf_app):
    make = Factory()
    tree = make.province()
    users = [make.user(member=make.member(tree["na_san"], f"Đoàn viên {i}")) for i in range(2)]
    open_quiz(make, tree["province"])
    db.session.commit()
    mine, theirs = csrf_app.test_client(), csrf_app.test_client()
    sign_in(mine, users[0])
    sign_in(theirs, users[1])
    page = theirs.get("/m/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    quiz_id = db.session.scalar(select(Quiz.id))
    reply = mine.post(f"/m/quizzes/{quiz_id}/start", data={"csrf_token": token})
    assert reply.status_code in (302, 400)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


# --- cheating on attempts ---------------------------------------------------------------------


def _move_deadline(attempt_id: int, seconds_from_now: int) -> None:
    when = now_utc() + timedelta(seconds=seconds_from_now)
    db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(deadline=when))
    db.session.commit()


def test_a_save_after_deadline_and_grace_is_refused_and_not_stored(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    qid, answer = attempt.items[0].question_id, right_answers(attempt)[attempt.items[0].question_id]
    _move_deadline(attempt.id, -3600)
    reply = sit.save(attempt, qid, answer, 1)
    assert reply.status_code == 409 and reply.json["error"] == "too_late"
    assert "hết giờ" in reply.json["message"]
    assert db.session.get(Response, (attempt.id, qid)) is None
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state == AttemptState.FINISHED_OVERDUE


def test_a_stale_save_never_replaces_a_newer_answer(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    item = next(i for i in attempt.items if i.question.qtype == "single")
    assert sit.save(attempt, item.question_id, 2, 5).json["kept"] is True
    stale = sit.save(attempt, item.question_id, 1, 4)
    assert stale.status_code == 200 and stale.json["kept"] is False and stale.json["seq"] == 5
    db.session.expire_all()
    assert db.session.get(Response, (attempt.id, item.question_id)).answer == 2


def test_a_save_after_submit_is_refused(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    qid = attempt.items[0].question_id
    answer = right_answers(attempt)[qid]
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    reply = sit.save(attempt, qid, answer, 1)
    assert reply.status_code == 409 and reply.json["error"] == "finished"
    assert db.session.get(Response, (attempt.id, qid)) is None


def _other_member_attempt(make, sit):
    other = make.member(sit.tree["co_muong"], "Người khác")
    make.user(member=other)
    from quizapp.services.attempts import lifecycle as attempts

    attempt = attempts.start_attempt(sit.quiz, other, now_utc())
    db.session.commit()
    return attempt


def test_submitting_another_members_attempt_is_not_found_and_changes_nothing(make, login):
    sit = Sitting(make, login)
    theirs = _other_member_attempt(make, sit)
    reply = sit.client.post(f"/m/attempts/{theirs.id}/submit")
    assert reply.status_code == 404
    db.session.expire_all()
    assert db.session.get(Attempt, theirs.id).state == AttemptState.IN_PROGRESS


def test_saving_into_another_members_attempt_is_not_found(make, login):
    sit = Sitting(make, login)
    theirs = _other_member_attempt(make, sit)
    qid = theirs.items[0].question_id
    reply = sit.save(theirs, qid, right_answers(theirs)[qid], 1)
    assert reply.status_code == 404
    assert db.session.get(Response, (theirs.id, qid)) is None


@pytest.mark.parametrize(
    "path",
    [
        "/m/attempts/{id}",
        "/m/attempts/{id}/result",
        "/m/api/attempts/{id}",
        "/m/attempts/{id}/submit",
        "/m/attempts/{id}/certificate",
    ],
)
def test_reading_another_members_attempt_is_not_found(make, login, path):
    sit = Sitting(make, login)
    theirs = _other_member_attempt(make, sit)
    assert sit.client.get(path.format(id=theirs.id)).status_code == 404


def test_a_question_outside_the_attempt_is_refused(make, login):
    sit = Sitting(make, login)
    attempt = sit.start()
    drawn = {i.question_id for i in attempt.items}
    foreign = make.bank(slug="khac").questions[0]
    db.session.commit()
    assert foreign.id not in drawn
    reply = sit.save(attempt, foreign.id, 0, 1)
    assert reply.status_code == 400 and reply.json["error"] == "bad_question"


def test_starting_again_after_the_allowed_attempts_creates_nothing(make, login):
    sit = Sitting(make, login, attempts_allowed=1)
    attempt = sit.start()
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    reply = sit.client.post(f"/m/quizzes/{sit.quiz.id}/start", follow_redirects=True)
    assert "hết số lượt" in reply.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_many_concurrent_looking_starts_still_make_one_attempt(make, login):
    sit = Sitting(make, login, attempts_allowed=1)
    for _ in range(5):
        sit.client.post(f"/m/quizzes/{sit.quiz.id}/start")
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


@pytest.mark.parametrize("window", ["not_yet", "closed", "closed_early"])
def test_starting_outside_the_window_by_direct_request_creates_nothing(make, login, window):
    now = now_utc()
    windows = {
        "not_yet": {"opens_at": now + timedelta(hours=1), "closes_at": now + timedelta(days=1)},
        "closed": {"opens_at": now - timedelta(days=2), "closes_at": now - timedelta(hours=1)},
        "closed_early": {},
    }
    sit = Sitting(make, login, **windows[window])
    if window == "closed_early":
        sit.quiz.closed_early_at = now - timedelta(minutes=1)
        db.session.commit()
    reply = sit.client.post(f"/m/quizzes/{sit.quiz.id}/start", follow_redirects=True)
    assert reply.status_code == 200
    assert "chưa mở" in reply.get_data(as_text=True) or "đã đóng" in reply.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_starting_a_quiz_of_another_unit_is_not_found(make, login):
    sit = Sitting(make, login)
    elsewhere = open_quiz(make, sit.tree["moc_chau"])
    db.session.commit()
    assert sit.client.post(f"/m/quizzes/{elsewhere.id}/start").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


# --- XSS and formula injection ----------------------------------------------------------------


def _hostile_version(slug: str = "doc-hai"):
    """A bank version whose stems, options and explanations carry the XSS payload."""
    from quizapp.models import Bank, BankVersion, Topic

    bank = Bank(slug=slug, title=XSS, created_at=now_utc())
    version = BankVersion(
        bank=bank, number=1, checksum=slug, source_format="yaml", title=XSS, imported_at=now_utc()
    )
    topic = Topic(version=version, position=0, title=XSS)
    db.session.add_all([bank, version, topic])
    specs = [
        ("single", [XSS, "Hà Nội"], {"correct": [1]}),
        ("multiple", [XSS, "Hai", "Bốn"], {"correct": [1, 2]}),
        ("short", [], {"accepted": ["Đoàn"], "ignore_diacritics": True}),
    ]
    for position, (qtype, options, answer) in enumerate(specs):
        db.session.add(
            Question(
                version=version,
                topic=topic,
                position=position,
                uid=f"x-{qtype}",
                qtype=qtype,
                stem=XSS + " **đậm** câu " + qtype,
                options=options,
                answer=answer,
                explanation=XSS,
                source=XSS,
                points=1.0,
            )
        )
    version.question_count = len(specs)
    db.session.flush()
    return version


@pytest.fixture
def hostile_world(make, roles):
    """Hostile text in a unit name, a member name, a quiz title and question text; a finished attempt."""
    tree = roles["tree"]
    unit = make.unit(XSS, "chapter", tree["chieng_dong"], code="XSS-1")
    member = make.member(unit, XSS + FORMULAS[0])
    member2 = make.member(tree["na_san"], FORMULAS[1])
    user = make.user(member=member)
    quiz = open_quiz(make, tree["province"], _hostile_version(), title=XSS)
    db.session.commit()
    from quizapp.services.attempts import lifecycle as attempts

    attempt = attempts.start_attempt(quiz, member, now_utc())
    attempts.submit_attempt(attempt, now_utc())
    db.session.commit()
    return {
        "unit": unit,
        "member": member,
        "member2": member2,
        "user": user,
        "quiz": quiz,
        "attempt": attempt,
        "roles": roles,
    }


def _pages(world):
    quiz, unit, attempt = world["quiz"], world["unit"], world["attempt"]
    tree = world["roles"]["tree"]
    return [
        f"/reports/units/{tree['province'].id}",
        f"/reports/units/{unit.id}",
        f"/reports/quizzes/{quiz.id}",
        f"/reports/quizzes/{quiz.id}/units/{tree['province'].id}",
        f"/reports/quizzes/{quiz.id}/units/{unit.id}",
        f"/reports/quizzes/{quiz.id}/units/{unit.id}/items",
        "/org/members",
        f"/org/members/{world['member'].id}",
        "/org/quizzes",
        f"/org/quizzes/{quiz.id}",
        f"/org/quizzes/{quiz.id}/preview",
        f"/org/quizzes/{quiz.id}/members/{world['member'].id}",
        f"/org/banks/versions/{quiz.bank_version_id}",
        f"/org/questions/{attempt.items[0].question_id}",
        "/org/audit",
        "/accounts/",
        f"/accounts/unit/{unit.id}/codes",
    ]


def test_hostile_names_and_question_text_are_escaped_in_staff_pages(hostile_world, login):
    client = login(hostile_world["roles"]["users"]["admin"])
    seen = 0
    for path in _pages(hostile_world):
        reply = client.get(path, follow_redirects=True)
        assert reply.status_code == 200, path
        html = reply.get_data(as_text=True)
        _no_raw_markup(html, path)
        seen += "&lt;script&gt;" in html
    assert seen >= 5  # the payload was really on the pages, escaped


def test_hostile_question_text_is_escaped_on_the_members_quiz_and_result(hostile_world, client):
    sign_in(client, hostile_world["user"])
    attempt = hostile_world["attempt"]
    for path in ("/m/", f"/m/attempts/{attempt.id}/result", "/m/history"):
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        _no_raw_markup(html, path)


def test_hostile_question_text_is_escaped_while_taking_the_quiz(make, login):
    tree = make.province()
    member = make.member(tree["na_san"], "Lò Thị Mai")
    user = make.user(member=member)
    quiz = open_quiz(make, tree["province"], _hostile_version())
    client = login(user)
    reply = client.post(f"/m/quizzes/{quiz.id}/start")
    html = client.get(reply.headers["Location"]).get_data(as_text=True)
    _no_raw_markup(html, "quiz page")
    assert "&lt;script&gt;" in html and "<strong>đậm</strong>" in html


def _csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def _xlsx_cells(data: bytes) -> list[str]:
    """Text of every cell; a formula cell (what a spreadsheet would run) comes back marked."""
    book = load_workbook(io.BytesIO(data))
    return [
        ("FORMULA:" + str(c.value)) if c.data_type == "f" else c.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]


def _runnable(cells: list[str], fmt: str) -> list[str]:
    """Cells a spreadsheet would evaluate: formula cells in XLSX, formula-looking text in CSV."""
    if fmt == "xlsx":
        return [c for c in cells if c.startswith("FORMULA:")]
    return [c for c in cells if c and c[0] in "=+-@\t\r"]


def _exports(world):
    quiz, unit = world["quiz"], world["unit"]
    tree = world["roles"]["tree"]
    paths = [
        f"/reports/units/{tree['province'].id}/export.{{fmt}}",
        f"/reports/quizzes/{quiz.id}/units/{tree['province'].id}/items.{{fmt}}",
        "/org/audit/export.{fmt}",
    ]
    for table in ("children", "members", "not_taken", "breakdowns", "trend"):
        paths.append(f"/reports/quizzes/{quiz.id}/units/{unit.id}/{table}.{{fmt}}")
        paths.append(f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}/{table}.{{fmt}}")
    return paths


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_hostile_text_as_inert_text(hostile_world, login, fmt):
    client = login(hostile_world["roles"]["users"]["admin"])
    cells = []
    for path in _exports(hostile_world):
        reply = client.get(path.format(fmt=fmt))
        assert reply.status_code == 200, path
        cells += _csv_cells(reply.data) if fmt == "csv" else _xlsx_cells(reply.data)
    assert _runnable(cells, fmt) == []
    assert any(c.startswith("'=HYPERLINK") or "'=HYPERLINK" in c for c in cells) or any(
        c.startswith("'+1+1") for c in cells
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bank_export_carries_hostile_text_as_inert_text(hostile_world, login, fmt):
    client = login(hostile_world["roles"]["users"]["admin"])
    version = _hostile_version("cong-thuc")
    db.session.add(
        Question(
            version=version,
            topic=version.topics[0],
            position=9,
            uid="x-formula",
            qtype="single",
            stem=FORMULAS[0],
            options=[FORMULAS[2], FORMULAS[3]],
            answer={"correct": [0]},
            points=1.0,
        )
    )
    db.session.commit()
    reply = client.get(f"/org/banks/versions/{version.id}/export/{fmt}")
    assert reply.status_code == 200
    cells = _csv_cells(reply.data) if fmt == "csv" else _xlsx_cells(reply.data)
    assert any(FORMULAS[0] in c for c in cells)  # the text itself is kept for re-import
    assert _runnable(cells, fmt) == []


def test_bank_csv_export_with_formula_text_reimports_unchanged(hostile_world, login):
    from quizapp.services.banks.loader import load_bank_file

    client = login(hostile_world["roles"]["users"]["admin"])
    version = _hostile_version("cong-thuc")
    db.session.add(
        Question(
            version=version,
            topic=version.topics[0],
            position=9,
            uid="x-formula",
            qtype="single",
            stem=FORMULAS[0],
            options=[FORMULAS[2], "-5"],
            answer={"correct": [0]},
            points=1.0,
        )
    )
    db.session.commit()
    data = client.get(f"/org/banks/versions/{version.id}/export/csv").data
    parsed = load_bank_file("lai.csv", data)
    question = next(q for q in parsed.questions if q.uid == "x-formula")
    assert question.stem == FORMULAS[0] and question.options == [FORMULAS[2], "-5"]


# --- hostile uploads ---------------------------------------------------------------------------


def _zip_bomb_xlsx() -> bytes:
    """A valid-looking workbook whose sheet inflates to ~1 GB of XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
            'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.'
            'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            chunk = b"<!--" + b"A" * (1 << 20) + b"-->"
            for _ in range(1024):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _legacy(text: str) -> bytes:
    """Text as old Vietnamese Windows software saves it (cp1258, with combining accents)."""
    import unicodedata

    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            out += unicodedata.normalize("NFD", ch).encode("cp1258", errors="ignore")
    return out


def _huge_rows_csv() -> bytes:
    """More rows than the limit (lowered to 1,000 for the test; 500,000 by default)."""
    header = "Mã đoàn viên,Họ và tên,Chi đoàn\n"
    rows = "".join(f"DV{i:07d},Đoàn viên {i},Chi đoàn bản Nà Sản\n" for i in range(1_500))
    return (header + rows).encode("utf-8")


HOSTILE_ROSTERS = {
    "zip_bomb.xlsx": _zip_bomb_xlsx,
    "windows_1258.csv": lambda: _legacy(
        "Mã đoàn viên,Họ và tên,Chi đoàn\nDV1,Nguyễn Văn Ân,Nà Sản\n"
    ),
    "huge_rows.csv": _huge_rows_csv,
    "not_a_workbook.xlsx": lambda: b"PK\x03\x04" + b"\x00" * 100,
    "one_huge_cell.csv": lambda: ("Mã đoàn viên,Họ và tên\nDV1," + "Ă" * 3_000_000 + "\n").encode(
        "utf-8"
    ),
}


def _upload_roster(client, unit, name, data):
    reply = client.post(
        "/org/roster/upload",
        data={"unit": str(unit.id), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    if reply.status_code == 302:
        reply = client.get(reply.headers["Location"])
    return reply


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE_ROSTERS))
def test_hostile_roster_upload_is_refused_with_a_clear_message_and_writes_nothing(
    app, roles, login, name
):
    app.config["ROSTER_MAX_ROWS"] = 1000
    client = login(roles["users"]["organiser"])
    members_before = db.session.scalar(select(func.count()).select_from(Member))
    units_before = db.session.scalar(select(func.count()).select_from(Unit))
    reply = _upload_roster(client, roles["tree"]["province"], name, HOSTILE_ROSTERS[name]())
    assert reply.status_code in (200, 400, 413)
    html = reply.get_data(as_text=True)
    assert "nên chưa thể nhập" in html and "Lỗi" in html, html[:500]  # the refusal, with its reason
    # Nothing can be applied: there is no confirm button with a plan behind it.
    token = reply.request.path.rsplit("/", 1)[-1]
    if reply.request.path.startswith("/org/roster/upload/"):
        client.post(f"/org/roster/upload/{token}", data={"digest": "x"})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Member)) == members_before
    assert db.session.scalar(select(func.count()).select_from(Unit)) == units_before


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(roles, login, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    client = login(roles["users"]["organiser"])
    reply = _upload_roster(client, roles["tree"]["province"], "big.csv", b"a," * (1024 * 1024))
    assert reply.status_code == 413
    assert "quá lớn" in reply.get_data(as_text=True).lower() or "413" in reply.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zip_bomb.xlsx", "not_a_workbook.xlsx"])
def test_hostile_bank_upload_is_refused_and_writes_nothing(roles, login, name):
    from quizapp.models import BankVersion

    client = login(roles["users"]["organiser"])
    data = {
        "file": (io.BytesIO(HOSTILE_ROSTERS[name]()), name),
        "target": "new",
        "owner": str(roles["tree"]["province"].id),
    }
    reply = client.post(
        "/org/banks/upload", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    assert reply.status_code in (200, 400, 413)
    html = reply.get_data(as_text=True)
    assert re.search(r"(Không đọc được|quá lớn|hỏng)", html), html[:800]
    assert db.session.scalar(select(func.count()).select_from(BankVersion)) == 0


# --- redirects and cookies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        "%2F%2Fevil.example",
        "/%09/evil.example",
        " //evil.example",
    ],
)
def test_sign_in_never_redirects_off_site(client, roles, target):
    member = roles["users"]["member"]
    reply = client.post(
        "/auth/login?next=" + target, data={"login": member.login, "password": TEST_PASSWORD}
    )
    assert reply.status_code == 302
    location = reply.headers["Location"]
    assert "evil" not in location and not location.startswith("javascript")


def test_language_switch_never_redirects_off_site(client):
    reply = client.post("/lang/en", data={"next": "https://evil.example/"})
    assert reply.status_code == 302 and "evil" not in reply.headers["Location"]


def test_production_session_and_remember_cookies_are_secure_httponly_samesite(app, roles):
    login_name = roles["users"]["member"].login
    db.session.commit()  # SQLite: the production app's requests need the write lock
    prod = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PRODUCTION": True,
        }
    )
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_SECURE"]
    reply = prod.test_client().post(
        "/auth/login",
        base_url="https://localhost",
        data={"login": login_name, "password": TEST_PASSWORD, "remember": "y"},
    )
    assert reply.status_code == 302
    cookies = reply.headers.getlist("Set-Cookie")
    assert len(cookies) >= 2, cookies  # the session and the remember-me cookie
    for cookie in cookies:
        lowered = cookie.lower()
        assert "; secure" in lowered and "; httponly" in lowered and "samesite=lax" in lowered, (
            cookie
        )
    with prod.app_context():
        db.session.remove()
        db.engine.dispose()


def test_pages_forbid_framing_and_inline_scripts(client):
    reply = client.get("/auth/login")
    assert reply.headers["X-Frame-Options"] == "DENY"
    csp = reply.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp
        and "frame-ancestors 'none'" in csp
    )


# --- the answer key ------------------------------------------------------------------------------

KEY_MARKERS = ("BÍ MẬT", '"correct"', '"accepted"', "Đoàn Thanh niên Cộng sản Hồ Chí Minh")


@pytest.mark.parametrize("policy", ["after_close", "score_only"])
def test_the_key_stays_hidden_after_submit_when_the_review_policy_says_so(make, login, policy):
    sit = Sitting(make, login, review_policy=policy)
    attempt = sit.start()
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    bodies = [
        sit.client.get(p, follow_redirects=True).get_data(as_text=True)
        for p in (
            f"/m/attempts/{attempt.id}/result",
            f"/m/api/attempts/{attempt.id}",
            "/m/history",
            "/m/",
        )
    ]
    for body in bodies:
        for marker in KEY_MARKERS:
            assert marker not in body


def test_every_member_get_route_hides_the_key_while_the_attempt_is_open(make, login, app):
    sit = Sitting(make, login, review_policy="explanations")
    attempt = sit.start()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("member.") or "GET" not in rule.methods:
            continue
        values = {"attempt_id": attempt.id} if "attempt_id" in rule.arguments else {}
        if set(rule.arguments) - set(values):
            continue
        body = sit.client.get(rule.build(values)[1], follow_redirects=True).get_data(as_text=True)
        for marker in KEY_MARKERS:
            assert marker not in body, f"{marker!r} in {rule.rule}"
