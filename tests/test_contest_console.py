"""An organiser builds a contest in the browser: creates it, attaches quizzes as rounds, removes
a round; every refusal is said in Vietnamese next to the field, with nothing typed lost."""

from __future__ import annotations

import re

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Contest
from quizapp.services.contests import rounds
from tests.organiser_kit import audit_actions, errors_of, text_of
from tests.timeline import BEFORE, CONSOLE_NOW

NEW_CONTEST = {
    "title": "Tìm hiểu Nghị quyết Đại hội Đoàn XII",
    "use_prediction": "y",
    "use_time": "y",
}


def _value(reply, name: str) -> str | None:
    """The value an input of the page holds."""
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', text_of(reply))
    value = re.search(r'value="([^"]*)"', found.group(0)) if found else None
    return value.group(1) if value else None


def _contest(tree, title="Tìm hiểu Nghị quyết"):
    contest = rounds.create_contest(title, tree["mai_son"], BEFORE)
    db.session.commit()
    return contest


def test_organiser_creates_a_contest_from_the_contest_list(roles, login, console):
    client = login(roles["users"]["organiser"])
    listing = text_of(client.get("/org/contests"))
    assert "/org/contests/new" in listing and "quizapp contest" not in listing
    form = text_of(client.get("/org/contests/new"))
    assert "Huyện đoàn Mai Sơn (SL-MS)" in form
    audience = roles["tree"]["mai_son"]
    reply = client.post("/org/contests/new", data={**NEW_CONTEST, "audience": audience.id})
    contest = db.session.scalar(select(Contest))
    assert reply.status_code == 302 and reply.headers["Location"].endswith(
        f"/org/contests/{contest.id}"
    )
    assert (contest.title, contest.audience_unit_id) == (NEW_CONTEST["title"], audience.id)
    assert (contest.use_prediction, contest.use_time, contest.one_prize_per_contest) == (
        True,
        True,
        False,
    )
    assert contest.created_at == CONSOLE_NOW
    assert "Đã tạo cuộc thi «Tìm hiểu Nghị quyết Đại hội Đoàn XII»" in text_of(
        client.get(reply.headers["Location"])
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contest.create"))
    assert entry.unit_id == audience.id and entry.after["audience"] == "SL-MS"


def test_the_audit_page_names_the_contest_actions(roles, login, console):
    client = login(roles["users"]["organiser"])
    client.post("/org/contests/new", data={**NEW_CONTEST, "audience": roles["tree"]["mai_son"].id})
    assert "Tạo cuộc thi" in text_of(client.get("/org/audit"))


def test_a_contest_without_a_title_is_refused_and_the_rules_chosen_stay(roles, login, console):
    client = login(roles["users"]["organiser"])
    reply = client.post(
        "/org/contests/new",
        data={
            "title": "   ",
            "audience": roles["tree"]["mai_son"].id,
            "one_prize_per_contest": "y",
        },
    )
    assert reply.status_code == 400
    assert errors_of(reply) == ["Hãy nhập tên cuộc thi."]
    text = text_of(reply)
    assert (
        '<input checked id="one_prize_per_contest"' in text
        and '<input checked id="use_time"' not in text
    )
    assert f'<option selected value="{roles["tree"]["mai_son"].id}"' in text
    assert db.session.scalar(select(Contest)) is None and "contest.create" not in audit_actions()


def test_a_unit_outside_the_organisers_scope_cannot_be_the_audience(roles, login, console, outside):
    client = login(roles["users"]["organiser"])
    reply = client.post(
        "/org/contests/new", data={**NEW_CONTEST, "audience": outside["province"].id}
    )
    assert reply.status_code == 400
    assert errors_of(reply) == ["Chỉ chọn được đơn vị thuộc phạm vi của bạn."]
    assert "Tỉnh đoàn Lai Châu" not in text_of(client.get("/org/contests/new"))
    assert db.session.scalar(select(Contest)) is None


def test_a_secretary_cannot_create_a_contest(roles, login, console):
    client = login(roles["users"]["secretary"])
    assert client.get("/org/contests/new").status_code == 403
    assert (
        client.post(
            "/org/contests/new", data={**NEW_CONTEST, "audience": roles["tree"]["mai_son"].id}
        ).status_code
        == 403
    )


def test_the_round_form_offers_only_quizzes_of_the_audience_in_no_contest(
    make, roles, login, console
):
    tree = roles["tree"]
    contest = _contest(tree)
    free = make.quiz(tree["mai_son"], title="Tuần 1: Lịch sử Đoàn")
    make.quiz(tree["moc_chau"], title="Đợt của Mộc Châu")
    make.quiz(tree["province"], title="Đợt toàn tỉnh")
    taken = make.quiz(tree["mai_son"], title="Đợt đã thuộc cuộc thi khác")
    rounds.add_round(_contest(tree, "Cuộc thi khác"), taken)
    db.session.commit()
    page = login(roles["users"]["organiser"]).get(f"/org/contests/{contest.id}")
    text = text_of(page)
    assert f'<option value="{free.id}">Tuần 1: Lịch sử Đoàn (' in text
    for other in ("Đợt của Mộc Châu", "Đợt toàn tỉnh", "Đợt đã thuộc cuộc thi khác"):
        assert other not in text
    assert _value(page, "label") == "Vòng 1"


def test_organiser_adds_a_round_with_its_prizes(make, roles, login, console):
    tree = roles["tree"]
    contest = _contest(tree)
    quiz = make.quiz(tree["mai_son"], title="Tuần 1: Lịch sử Đoàn")
    make.quiz(tree["mai_son"], title="Tuần 2: Thanh niên tình nguyện")
    db.session.commit()
    client = login(roles["users"]["organiser"])
    reply = client.post(
        f"/org/contests/{contest.id}/rounds",
        data={
            "quiz": quiz.id,
            "label": "Tuần 1",
            "first": "1",
            "second": "2",
            "third": "3",
            "consolation": "5",
        },
    )
    assert reply.status_code == 302
    row = rounds.round_of(quiz)
    assert (row.contest_id, row.position, row.label) == (contest.id, 1, "Tuần 1")
    assert (row.first_prizes, row.second_prizes, row.third_prizes, row.consolation_prizes) == (
        1,
        2,
        3,
        5,
    )
    page = client.get(f"/org/contests/{contest.id}")
    assert "Đã thêm Tuần 1: «Tuần 1: Lịch sử Đoàn»." in text_of(
        page
    ) and "1 / 2 / 3 / 5" in text_of(page)
    # the next round's name counts on from the last one
    assert _value(page, "label") == "Tuần 2"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contest.add_round"))
    assert entry.after["label"] == "Tuần 1" and entry.after["first_prizes"] == 1
    assert "Thêm vòng thi" in text_of(client.get("/org/audit"))


def test_an_empty_label_becomes_the_next_round_number(make, roles, login, console):
    tree = roles["tree"]
    contest = _contest(tree)
    quiz = make.quiz(tree["mai_son"])
    db.session.commit()
    login(roles["users"]["organiser"]).post(
        f"/org/contests/{contest.id}/rounds",
        data={
            "quiz": quiz.id,
            "label": " ",
            "first": "0",
            "second": "0",
            "third": "0",
            "consolation": "0",
        },
    )
    assert rounds.round_of(quiz).label == "Vòng 1"


def test_a_quiz_already_in_a_contest_is_refused_by_name_and_the_form_is_kept(
    make, roles, login, console
):
    tree = roles["tree"]
    contest, other = _contest(tree), _contest(tree, "Hội thi Tuổi trẻ")
    quiz = make.quiz(tree["mai_son"], title="Tuần 3: Bác Hồ với thanh niên")
    rounds.add_round(other, quiz, "Tuần 1")
    db.session.commit()
    reply = login(roles["users"]["organiser"]).post(
        f"/org/contests/{contest.id}/rounds",
        data={
            "quiz": quiz.id,
            "label": "Tuần 3",
            "first": "2",
            "second": "-1",
            "third": "",
            "consolation": "4",
        },
    )
    assert reply.status_code == 400
    assert errors_of(reply) == [
        "Đợt kiểm tra «Tuần 3: Bác Hồ với thanh niên» đã là Tuần 1 của cuộc thi «Hội thi Tuổi trẻ»: "
        "mỗi đợt kiểm tra chỉ thuộc một cuộc thi.",
        "Số giải mỗi loại từ 0 đến 1000.",
        "Hãy nhập số giải ba (0 nếu không có).",
    ]
    assert [_value(reply, n) for n in ("label", "first", "second", "consolation")] == [
        "Tuần 3",
        "2",
        "-1",
        "4",
    ]
    assert (
        rounds.round_of(quiz).contest_id == other.id and "contest.add_round" not in audit_actions()
    )


def test_a_quiz_for_another_audience_is_refused(make, roles, login, console):
    tree = roles["tree"]
    contest = _contest(tree)
    quiz = make.quiz(tree["chieng_dong"], title="Đợt của Đoàn xã Chiềng Dong")
    db.session.commit()
    reply = login(roles["users"]["organiser"]).post(
        f"/org/contests/{contest.id}/rounds",
        data={
            "quiz": quiz.id,
            "label": "",
            "first": "0",
            "second": "0",
            "third": "0",
            "consolation": "0",
        },
    )
    assert reply.status_code == 400
    assert errors_of(reply) == [
        "Đợt kiểm tra «Đợt của Đoàn xã Chiềng Dong» dành cho Đoàn xã Chiềng Dong: vòng thi phải có cùng "
        "đơn vị dự thi với cuộc thi (Huyện đoàn Mai Sơn)."
    ]
    assert rounds.round_of(quiz) is None


def test_no_quiz_chosen_is_refused(roles, make, login, console):
    tree = roles["tree"]
    contest = _contest(tree)
    make.quiz(tree["mai_son"])
    db.session.commit()
    reply = login(roles["users"]["organiser"]).post(
        f"/org/contests/{contest.id}/rounds",
        data={
            "quiz": "",
            "label": "Tuần 1",
            "first": "0",
            "second": "0",
            "third": "0",
            "consolation": "0",
        },
    )
    assert reply.status_code == 400 and errors_of(reply) == [
        "Hãy chọn một đợt kiểm tra trong danh sách."
    ]


def test_without_a_usable_quiz_the_page_says_what_a_round_needs(roles, login, console):
    contest = _contest(roles["tree"])
    text = text_of(login(roles["users"]["organiser"]).get(f"/org/contests/{contest.id}"))
    assert "Chưa có đợt kiểm tra nào dùng được làm vòng thi" in text and "/org/quizzes/new" in text


def test_organiser_removes_an_unpublished_round_and_later_rounds_move_up(
    make, roles, login, console
):
    tree = roles["tree"]
    contest = _contest(tree)
    first, second = (
        make.quiz(tree["mai_son"], title="Đợt một"),
        make.quiz(tree["mai_son"], title="Đợt hai"),
    )
    row = rounds.add_round(contest, first, "Tuần 1")
    rounds.add_round(contest, second, "Tuần 2")
    db.session.commit()
    client = login(roles["users"]["organiser"])
    reply = client.post(f"/org/contests/{contest.id}/rounds/{row.id}/remove")
    assert reply.status_code == 302
    assert rounds.round_of(first) is None and rounds.round_of(second).position == 1
    assert "Đã gỡ Tuần 1 khỏi cuộc thi; đợt kiểm tra «Đợt một» vẫn giữ nguyên." in text_of(
        client.get(f"/org/contests/{contest.id}")
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contest.remove_round"))
    assert entry.before["quiz"] == f"{first.id}: Đợt một" and entry.after is None
    assert "Gỡ vòng thi khỏi cuộc thi" in text_of(client.get("/org/audit"))


def test_a_round_with_published_results_is_not_removed(make, roles, login, console):
    tree = roles["tree"]
    contest = _contest(tree)
    quiz = make.quiz(tree["mai_son"])
    row = rounds.add_round(contest, quiz, "Tuần 1")
    row.results_published_at = BEFORE
    db.session.commit()
    client = login(roles["users"]["organiser"])
    page = text_of(client.get(f"/org/contests/{contest.id}"))
    assert f"/rounds/{row.id}/remove" not in page
    client.post(f"/org/contests/{contest.id}/rounds/{row.id}/remove")
    assert "Vòng «Tuần 1» đã công bố kết quả: hãy thôi công bố trước khi gỡ vòng này." in text_of(
        client.get(f"/org/contests/{contest.id}")
    )
    assert rounds.round_of(quiz) is not None and "contest.remove_round" not in audit_actions()


def test_an_organiser_of_another_province_cannot_touch_the_contest(
    make, roles, login, console, outside
):
    tree = roles["tree"]
    contest = _contest(tree)
    quiz = make.quiz(tree["mai_son"])
    row = rounds.add_round(contest, quiz)
    spare = make.quiz(tree["mai_son"])
    db.session.commit()
    client = login(outside["organiser"])
    assert client.get(f"/org/contests/{contest.id}").status_code in (403, 404)
    assert client.post(
        f"/org/contests/{contest.id}/rounds",
        data={"quiz": spare.id, "first": "0", "second": "0", "third": "0", "consolation": "0"},
    ).status_code in (403, 404)
    assert client.post(f"/org/contests/{contest.id}/rounds/{row.id}/remove").status_code in (
        403,
        404,
    )
    assert rounds.round_of(quiz) is not None and rounds.round_of(spare) is None


def test_the_organisers_own_quiz_of_another_contest_cannot_be_removed_through_this_one(
    make, roles, login, console
):
    tree = roles["tree"]
    contest, other = _contest(tree), _contest(tree, "Cuộc thi khác")
    row = rounds.add_round(other, make.quiz(tree["mai_son"]))
    db.session.commit()
    reply = login(roles["users"]["organiser"]).post(
        f"/org/contests/{contest.id}/rounds/{row.id}/remove"
    )
    assert reply.status_code == 404 and db.session.get(type(row), row.id) is not None


def test_a_quiz_outside_the_organisers_scope_is_not_attached(make, roles, login, console, outside):
    contest = _contest(roles["tree"])
    foreign = make.quiz(outside["province"], title="Đợt của Lai Châu")
    db.session.commit()
    reply = login(roles["users"]["organiser"]).post(
        f"/org/contests/{contest.id}/rounds",
        data={"quiz": foreign.id, "first": "0", "second": "0", "third": "0", "consolation": "0"},
    )
    assert reply.status_code == 400 and errors_of(reply) == [
        "Hãy chọn một đợt kiểm tra trong danh sách."
    ]
    assert "Đợt của Lai Châu" not in text_of(reply) and rounds.round_of(foreign) is None


def test_a_published_later_round_keeps_its_number_when_an_earlier_one_is_removed(
    make, roles, login, console
):
    tree = roles["tree"]
    contest = _contest(tree)
    first, second = make.quiz(tree["mai_son"]), make.quiz(tree["mai_son"])
    row = rounds.add_round(contest, first, "Tuần 1")
    rounds.add_round(contest, second, "Tuần 2").results_published_at = BEFORE
    db.session.commit()
    login(roles["users"]["organiser"]).post(f"/org/contests/{contest.id}/rounds/{row.id}/remove")
    assert rounds.round_of(first) is None and rounds.round_of(second).position == 2
