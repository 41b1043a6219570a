"""The trend: cumulative rate per day, the pace of the last 7 days and the projection to the target."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from quizapp.extensions import db
from quizapp.services.reports import page
from quizapp.services.reports.trend import TrendStatus, trend
from tests.reportkit import CLOSES, NOW, OPENS, make_quiz, refresh, take


@pytest.fixture
def chapter(make):
    """Ten members in one chapter of a small province."""
    tree = make.province()
    people = [make.member(tree["na_san"], f"Đoàn viên {i}") for i in range(10)]
    refresh()
    return tree, people


def _day(n):
    """The n-th day of the quiz, at 09:00 local time."""
    return OPENS + timedelta(days=n, hours=1)


def test_cumulative_rate_per_day_starts_on_the_opening_day(chapter):
    tree, people = chapter
    quiz = make_quiz(tree["province"])
    take(quiz, people[0], _day(0))
    take(quiz, people[1], _day(2))
    take(quiz, people[2], _day(2))
    t = trend(quiz, tree["na_san"], NOW)
    assert t.days[0] == date(2025, 3, 3) and t.days[-1] == date(2025, 3, 12)
    assert t.cumulative[:4] == [1, 1, 3, 3] and t.cumulative[-1] == 3
    assert t.rates[-1] == 30.0


def test_days_are_vietnam_days(chapter):
    tree, people = chapter
    quiz = make_quiz(tree["province"])
    take(
        quiz, people[0], OPENS + timedelta(hours=16, minutes=50)
    )  # 00:50 on 4 March in Hà Nội (finish +10 min)
    t = trend(quiz, tree["na_san"], NOW)
    assert t.cumulative[:2] == [0, 1]


def test_projection_gives_the_day_the_target_will_be_reached_at_the_recent_pace(chapter):
    tree, people = chapter
    quiz = make_quiz(tree["province"], target_rate=80.0, target_date=date(2025, 3, 24))
    for i, day in enumerate((3, 4, 5, 6, 7, 8, 9)):  # 7 people in the last 7 days: one a day
        take(quiz, people[i], _day(day))
    t = trend(quiz, tree["na_san"], NOW)
    assert (t.window_days, t.window_new, t.pace) == (7, 7, 1.0)
    assert t.gap == 1
    assert t.projected_date == date(2025, 3, 13)
    assert t.status == TrendStatus.ON_TRACK


def test_a_slow_unit_is_told_how_many_members_a_day_it_still_needs(chapter):
    tree, people = chapter
    quiz = make_quiz(tree["province"], target_rate=90.0, target_date=date(2025, 3, 14))
    take(quiz, people[0], _day(0))  # before the pace window: only the opening day
    take(quiz, people[1], _day(8))
    t = trend(quiz, tree["na_san"], NOW)
    assert t.gap == 7 and t.pace == pytest.approx(1 / 7)
    assert t.projected_date == date(2025, 3, 12) + timedelta(days=49)
    assert t.status == TrendStatus.BEHIND
    assert t.days_left == 3 and t.needed_per_day == 3  # 12, 13, 14 March


def test_nobody_in_the_last_seven_days_means_stalled(chapter):
    tree, people = chapter
    quiz = make_quiz(tree["province"])
    take(quiz, people[0], _day(0))
    t = trend(quiz, tree["na_san"], NOW)
    assert t.status == TrendStatus.STALLED and t.projected_date is None
    assert t.needed_per_day == 1  # 7 still needed over 13 days


def test_reached_target_reports_the_day_it_was_reached(chapter):
    tree, people = chapter
    quiz = make_quiz(tree["province"], target_rate=50.0)
    for i in range(5):
        take(quiz, people[i], _day(i))
    t = trend(quiz, tree["na_san"], NOW)
    assert t.status == TrendStatus.REACHED and t.reached_on == date(2025, 3, 7)


def test_after_closing_a_missed_target_is_final(chapter):
    tree, people = chapter
    quiz = make_quiz(tree["province"])
    take(quiz, people[0], _day(1))
    t = trend(quiz, tree["na_san"], CLOSES + timedelta(days=3))
    assert t.status == TrendStatus.CLOSED_MISSED
    assert t.days[-1] == date(2025, 3, 31)  # the window closes at 08:00 on 31 March


def test_before_opening_there_is_no_series(chapter):
    tree, _ = chapter
    quiz = make_quiz(tree["province"])
    t = trend(quiz, tree["na_san"], OPENS - timedelta(days=2))
    assert t.days == [] and t.status == TrendStatus.NOT_OPEN


def test_each_child_unit_gets_its_own_small_trend_line(make):
    tree = make.province()
    a = make.member(tree["na_san"], "A")
    make.member(tree["na_san"], "B")
    c = make.member(tree["moc_ly"], "C")
    refresh()
    quiz = make_quiz(tree["province"])
    take(quiz, a, _day(1))
    take(quiz, c, _day(5))
    report = page.unit_report(quiz, tree["province"], NOW)
    spark = {row.name: row.spark for row in report.children}
    assert spark["Huyện đoàn Mai Sơn"][:3] == [0.0, 50.0, 50.0]
    assert spark["Huyện đoàn Mộc Châu"][4:6] == [0.0, 100.0]


def _count_queries(fn) -> int:
    statements = []

    def before(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def test_the_unit_page_reads_a_fixed_number_of_rows_whatever_the_tree_size(make):
    small, big = make.province(), None
    root = make.unit("Tỉnh đoàn lớn", "province", code="BIG")
    for d in range(4):
        district = make.unit(f"Huyện {d}", "district", root, code=f"BIG-{d}")
        for c in range(5):
            chapter = make.unit(f"Chi đoàn {d}-{c}", "chapter", district, code=f"BIG-{d}-{c}")
            for m in range(3):
                make.member(chapter, f"Người {d}-{c}-{m}")
    big = root
    make.member(small["na_san"], "Một người")
    refresh()
    quiz_small, quiz_big = make_quiz(small["province"], slug="s"), make_quiz(big, slug="b")
    db.session.flush()
    queries_small = _count_queries(lambda: page.unit_report(quiz_small, small["province"], NOW))
    queries_big = _count_queries(lambda: page.unit_report(quiz_big, big, NOW))
    assert queries_big == queries_small
    assert queries_big <= 12
