"""A round's results as organisers decide them and as everyone then sees them: prize counts,
the prediction answer (typed or computed from the round), the contest's rules, publishing."""

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Contest, ContestRound
from quizapp.services.contests import ranking, results, rounds
from tests.contestkit import sit
from tests.timeline import AFTER, BEFORE

QUESTION = "Có bao nhiêu người tham gia vòng thi này?"


def _round(make, roles, *, prediction=True, first=1, second=1):
    tree = roles["tree"]
    quiz = make.quiz(
        tree["mai_son"], title="Tuần 1", prediction_question=QUESTION if prediction else None
    )
    contest = rounds.create_contest("Tìm hiểu Nghị quyết", tree["mai_son"], BEFORE)
    contest_round = rounds.add_round(contest, quiz, "Tuần 1", first=first, second=second)
    chapter = tree["na_san"]
    sit(
        quiz,
        make.member(
            chapter, "Lò Văn Ánh", code="DV100001", phone="0912345678", email="anh@example.com"
        ),
        100.0,
        guess=3,
        seconds=300,
    )
    sit(quiz, make.member(chapter, "Cầm Thị Bình", code="DV100002"), 100.0, guess=9, seconds=200)
    sit(quiz, make.member(tree["co_muong"], "Quàng Văn Chiến", code="DV100003"), 50.0, seconds=30)
    db.session.commit()
    return contest_round


def _organiser(login, roles):
    return login(roles["users"]["organiser"])


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _public(contest_round):
    return f"/contests/{contest_round.contest_id}/rounds/{contest_round.position}"


def test_published_results_show_rank_name_unit_score_time_and_prize_to_anyone(
    make, roles, login, client, console
):
    contest_round = _round(make, roles, prediction=False)
    console(AFTER)
    client = _organiser(login, roles)
    reply = client.post(
        f"/org/quizzes/{contest_round.quiz_id}/ranking/publish", follow_redirects=True
    )
    assert "Đã công bố kết quả vòng thi." in reply.get_data(as_text=True)
    with client.session_transaction() as session:
        session.clear()
    page = client.get(_public(contest_round))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'Kết quả: <span lang="vi">Tìm hiểu Nghị quyết, Tuần 1</span>' in text
    rows = text.split("<tbody>")[1]
    assert rows.index("Cầm Thị Bình") < rows.index("Lò Văn Ánh") < rows.index("Quàng Văn Chiến")
    assert "Giải nhất" in rows and "Giải nhì" in rows and "Chi đoàn bản Co Muồng" in rows
    first = rows.split("</tr>")[0]
    assert 'class="num">100</td>' in first and 'class="num">200</td>' in first  # score %, seconds
    for private in ("DV100001", "0912345678", "anh@example.com"):
        assert private not in text
    assert [e.after["results_published_at"] for e in _audit("contest.publish")] == [
        AFTER.isoformat()
    ]


def test_a_round_not_published_is_not_found_by_anyone(make, roles, login, client, console):
    contest_round = _round(make, roles, prediction=False)
    console(AFTER)
    assert client.get(_public(contest_round)).status_code == 404
    assert client.get(f"/contests/{contest_round.contest_id}").status_code == 404
    assert _organiser(login, roles).get(_public(contest_round)).status_code == 404


def test_publishing_a_provisional_ranking_is_refused_with_the_reason(make, roles, login, console):
    contest_round = _round(make, roles)
    console(AFTER)
    client = _organiser(login, roles)
    text = client.post(
        f"/org/quizzes/{contest_round.quiz_id}/ranking/publish", follow_redirects=True
    ).get_data(as_text=True)
    assert "Chưa công bố được: xếp hạng còn tạm thời vì chưa có đáp án câu hỏi dự đoán." in text
    assert db.session.get(ContestRound, contest_round.id).results_published_at is None
    assert client.get(_public(contest_round)).status_code == 404 and not _audit("contest.publish")


def test_publishing_an_open_round_is_refused(make, roles, login, console):
    contest_round = _round(make, roles, prediction=False)
    text = (
        _organiser(login, roles)
        .post(f"/org/quizzes/{contest_round.quiz_id}/ranking/publish", follow_redirects=True)
        .get_data(as_text=True)
    )
    assert "Vòng thi chưa kết thúc (đóng lúc" in text
    assert db.session.get(ContestRound, contest_round.id).results_published_at is None


def test_unpublishing_takes_the_page_down_and_is_audited(make, roles, login, console):
    contest_round = _round(make, roles, prediction=False)
    console(AFTER)
    client = _organiser(login, roles)
    client.post(f"/org/quizzes/{contest_round.quiz_id}/ranking/publish")
    assert client.get(_public(contest_round)).status_code == 200
    text = client.post(
        f"/org/quizzes/{contest_round.quiz_id}/ranking/unpublish", follow_redirects=True
    ).get_data(as_text=True)
    assert "Đã thôi công bố kết quả vòng thi." in text and "Công bố kết quả</button>" in text
    assert client.get(_public(contest_round)).status_code == 404
    assert _audit("contest.unpublish")[0].before == {"results_published_at": AFTER.isoformat()}


def test_the_prediction_answer_waits_for_the_round_to_close(make, roles, login, console):
    contest_round = _round(make, roles)
    client = _organiser(login, roles)
    page = client.get(f"/org/quizzes/{contest_round.quiz_id}/ranking").get_data(as_text=True)
    assert "Đáp án chỉ biết khi vòng thi kết thúc" in page and "Số người tham gia" not in page
    reply = client.post(
        f"/org/quizzes/{contest_round.quiz_id}/ranking/prediction",
        data={"source": "manual", "answer": "3"},
    )
    assert reply.status_code == 400
    assert "Vòng thi chưa kết thúc (đóng lúc" in reply.get_data(as_text=True)
    assert contest_round.quiz.prediction_answer is None


def test_the_prediction_answer_computed_as_the_number_of_participants(make, roles, login, console):
    contest_round = _round(make, roles)
    console(AFTER)
    client = _organiser(login, roles)
    page = client.get(f"/org/quizzes/{contest_round.quiz_id}/ranking").get_data(as_text=True)
    assert (
        "Số người tham gia: 3</button>" in page
        and "Số người trả lời đúng tất cả: 2</button>" in page
    )
    text = client.post(
        f"/org/quizzes/{contest_round.quiz_id}/ranking/prediction",
        data={"source": "participants", "answer": "rác"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Đã lưu đáp án câu hỏi dự đoán: 3." in text and "tạm thời" not in text
    # the guess 3 is exact: Lò Văn Ánh now ranks above Cầm Thị Bình despite the longer time
    rows = text.split("<tbody>")[-1]
    assert rows.index("Lò Văn Ánh") < rows.index("Cầm Thị Bình")
    entry = _audit("contest.prediction_answer")[0]
    assert entry.before == {"prediction_answer": None}
    assert entry.after == {"prediction_answer": 3, "source": "participants"}
    audit_page = client.get("/org/audit").get_data(as_text=True)
    assert "Cách có đáp án" in audit_page and "Số người tham gia" in audit_page
    assert "participants" not in audit_page


def test_the_prediction_answer_computed_as_the_number_answering_every_question(
    make, roles, login, console
):
    contest_round = _round(make, roles)
    console(AFTER)
    _organiser(login, roles).post(
        f"/org/quizzes/{contest_round.quiz_id}/ranking/prediction", data={"source": "perfect"}
    )
    assert db.session.get(ContestRound, contest_round.id).quiz.prediction_answer == 2


def test_the_prediction_answer_typed_by_the_organiser(make, roles, login, console):
    contest_round = _round(make, roles)
    console(AFTER)
    client = _organiser(login, roles)
    url = f"/org/quizzes/{contest_round.quiz_id}/ranking/prediction"
    for typed, error in (
        ("", "Hãy nhập đáp án là một số nguyên, ví dụ 1250."),
        ("ba", "Hãy nhập một số nguyên, ví dụ 30."),
        ("-5", "Đáp án là số nguyên từ 0 đến"),
    ):
        reply = client.post(url, data={"source": "manual", "answer": typed})
        assert reply.status_code == 400 and error in reply.get_data(as_text=True), typed
    client.post(url, data={"source": "manual", "answer": "9"})
    assert db.session.get(ContestRound, contest_round.id).quiz.prediction_answer == 9


def test_computed_answers_match_a_count_of_the_ranking(make, roles, console):
    contest_round = _round(make, roles)
    quiz, contest = contest_round.quiz, contest_round.contest
    rows = ranking.ranking(quiz, contest).rows
    assert results.participants(quiz) == len(rows) == 3
    assert results.perfect_scores(quiz) == sum(1 for r in rows if r.percent >= 100) == 2


def test_prize_counts_are_saved_audited_and_checked(make, roles, login, console):
    contest_round = _round(make, roles)
    client = _organiser(login, roles)
    url = f"/org/quizzes/{contest_round.quiz_id}/ranking/prizes"
    reply = client.post(url, data={"first": "1", "second": "-1", "third": "hai", "consolation": ""})
    text = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Số giải mỗi loại từ 0 đến 1000." in text and "Hãy nhập một số nguyên, ví dụ 30." in text
    assert "Hãy nhập số giải khuyến khích (0 nếu không có)." in text
    reply = client.post(
        url,
        data={"first": "1", "second": "2", "third": "3", "consolation": "10"},
        follow_redirects=True,
    )
    assert "Đã lưu số giải của vòng thi." in reply.get_data(as_text=True)
    saved = db.session.get(ContestRound, contest_round.id)
    assert (
        saved.first_prizes,
        saved.second_prizes,
        saved.third_prizes,
        saved.consolation_prizes,
    ) == (1, 2, 3, 10)
    entry = _audit("contest.prizes")[0]
    assert entry.before["second_prizes"] == 1 and entry.after["consolation_prizes"] == 10


def test_a_quiz_outside_any_contest_has_no_prizes_to_set(make, roles, login, console):
    quiz = make.quiz(roles["tree"]["mai_son"])
    db.session.commit()
    client = _organiser(login, roles)
    assert (
        client.post(f"/org/quizzes/{quiz.id}/ranking/prizes", data={"first": "1"}).status_code
        == 404
    )
    assert client.post(f"/org/quizzes/{quiz.id}/ranking/publish").status_code == 404


def test_the_contest_rules_are_edited_in_the_console_and_audited(make, roles, login, console):
    contest_round = _round(make, roles)
    client = _organiser(login, roles)
    listing = client.get("/org/contests").get_data(as_text=True)
    assert (
        f"/org/contests/{contest_round.contest_id}" in listing and "Tìm hiểu Nghị quyết" in listing
    )
    page = client.get(f"/org/contests/{contest_round.contest_id}").get_data(as_text=True)
    assert "Tuần 1" in page and f"/org/quizzes/{contest_round.quiz_id}/ranking" in page
    reply = client.post(
        f"/org/contests/{contest_round.contest_id}",
        data={"use_time": "y", "one_prize_per_contest": "y"},
        follow_redirects=True,
    )
    assert "Đã lưu quy tắc xếp hạng của cuộc thi." in reply.get_data(as_text=True)
    contest = db.session.get(Contest, contest_round.contest_id)
    assert (contest.use_prediction, contest.use_time, contest.one_prize_per_contest) == (
        False,
        True,
        True,
    )
    entry = _audit("contest.rules")[0]
    assert entry.before["use_prediction"] is True and entry.after["use_prediction"] is False
    # without the prediction rule, the ranking is no longer waiting for its answer
    ranked = client.get(f"/org/quizzes/{contest_round.quiz_id}/ranking").get_data(as_text=True)
    assert "Xếp hạng tạm thời" not in ranked


def test_organisers_see_only_the_contests_of_their_units(make, roles, login, outside, console):
    _round(make, roles)
    other = rounds.create_contest("Cuộc thi Lai Châu", outside["province"], BEFORE)
    db.session.commit()
    client = login(outside["organiser"])
    assert "Cuộc thi Lai Châu" in client.get("/org/contests").get_data(as_text=True)
    assert "Tìm hiểu Nghị quyết" not in client.get("/org/contests").get_data(as_text=True)
    mine = db.session.scalar(select(Contest.id).where(Contest.title == "Tìm hiểu Nghị quyết"))
    assert client.get(f"/org/contests/{mine}").status_code == 403
    assert client.get(f"/org/contests/{other.id}").status_code == 200


def test_the_home_page_and_the_contest_page_link_to_published_results(
    make, roles, login, client, console
):
    contest_round = _round(make, roles, prediction=False)
    assert "/contests/" not in client.get("/").get_data(as_text=True)
    console(AFTER)
    _organiser(login, roles).post(f"/org/quizzes/{contest_round.quiz_id}/ranking/publish")
    with client.session_transaction() as session:
        session.clear()
    assert _public(contest_round) in client.get("/").get_data(as_text=True)
    contest_page = client.get(f"/contests/{contest_round.contest_id}").get_data(as_text=True)
    assert _public(contest_round) in contest_page
    member = login(roles["users"]["member"]).get("/").get_data(as_text=True)
    assert _public(contest_round) in member


def test_the_rounds_quiz_card_links_its_published_ranking(make, roles, login, console):
    contest_round = _round(make, roles, prediction=False)
    member = login(roles["users"]["member"])
    console(AFTER)
    card = member.get("/m/").get_data(as_text=True)
    assert "Tuần 1" in card and "Bảng xếp hạng vòng thi" not in card
    _organiser(login, roles).post(f"/org/quizzes/{contest_round.quiz_id}/ranking/publish")
    member = login(roles["users"]["member"])
    card = (
        member.get("/m/")
        .get_data(as_text=True)
        .split('<h3 lang="vi">Tuần 1</h3>')[1]
        .split("</article>")[0]
    )
    assert f'href="{_public(contest_round)}">Bảng xếp hạng vòng thi</a>' in card
