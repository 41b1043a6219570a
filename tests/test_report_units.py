"""The unit report: totals, children worst first, members with status, the gap and the reminder list."""

from datetime import timedelta

from quizapp.services.reports import page, units
from quizapp.services.reports.units import Status, target_count
from tests.reportkit import NOW, OPENS, finish, make_quiz, refresh, start, take


def _province(make):
    tree = make.province()
    m = {
        "mai": make.member(tree["na_san"], "Lò Thị Mai", phone="0912000001", is_cadre=True),
        "hung": make.member(tree["na_san"], "Cầm Văn Hùng", phone="0912000002"),
        "lan": make.member(tree["co_muong"], "Quàng Thị Lan", phone="0912000003"),
        "binh": make.member(tree["moc_ly"], "Hà Văn Bình", phone="0912000004"),
        "an": make.member(tree["moc_ly"], "Tòng Thị An"),
    }
    refresh()
    return tree, m


def test_gap_is_members_still_needed_to_reach_the_target():
    assert target_count(80.0, 5) == 4
    assert target_count(70.0, 10) == 7  # no floating-point 7.000001 → 8
    assert target_count(90.0, 1) == 1
    assert target_count(0.0, 10) == 0


def test_unit_totals_count_each_member_once_and_cadres_separately(make):
    tree, m = _province(make)
    quiz = make_quiz(tree["province"])
    take(quiz, m["mai"], OPENS + timedelta(days=1), 40.0)
    take(quiz, m["mai"], OPENS + timedelta(days=2), 90.0)
    take(quiz, m["binh"], OPENS + timedelta(days=2), 30.0)
    start(quiz, m["hung"], OPENS + timedelta(days=3))
    t = units.unit_totals(quiz, tree["province"])
    assert (t.members, t.took_part, t.cadres, t.cadres_took_part, t.passed) == (5, 2, 1, 1, 1)
    assert t.rate == 40.0
    assert t.target_count == 4 and t.gap == 2
    assert t.avg_best == 60.0


def test_children_are_listed_worst_rate_first_and_add_up_to_the_total(make):
    tree, m = _province(make)
    quiz = make_quiz(tree["province"])
    take(quiz, m["binh"], OPENS + timedelta(days=1))
    take(quiz, m["an"], OPENS + timedelta(days=1))
    take(quiz, m["mai"], OPENS + timedelta(days=1))
    rows = units.child_rows(quiz, tree["province"])
    assert [r.name for r in rows] == ["Huyện đoàn Mai Sơn", "Huyện đoàn Mộc Châu"]
    assert [r.rate for r in rows] == [100 / 3, 100.0]
    total = units.unit_totals(quiz, tree["province"])
    assert sum(r.members for r in rows) == total.members
    assert sum(r.took_part for r in rows) == total.took_part


def test_children_sort_by_any_column_both_ways(make):
    tree, m = _province(make)
    quiz = make_quiz(tree["province"])
    take(quiz, m["binh"], OPENS + timedelta(days=1))
    rows = units.child_rows(quiz, tree["province"], sort="members", descending=True)
    assert [r.members for r in rows] == [3, 2]
    rows = units.child_rows(quiz, tree["province"], sort="name")
    assert [r.name for r in rows] == ["Huyện đoàn Mai Sơn", "Huyện đoàn Mộc Châu"]


def test_chapter_lists_members_with_their_status_not_started_first(make):
    tree, m = _province(make)
    quiz = make_quiz(tree["province"])
    take(quiz, m["mai"], OPENS + timedelta(days=1), 75.0)
    rows = units.member_rows(quiz, tree["na_san"])
    assert [(r.full_name, r.status) for r in rows] == [
        ("Cầm Văn Hùng", Status.NOT_STARTED),
        ("Lò Thị Mai", Status.FINISHED),
    ]
    start(quiz, m["hung"], OPENS + timedelta(days=2))
    rows = units.member_rows(quiz, tree["na_san"])
    assert rows[0].status == Status.IN_PROGRESS and rows[0].attempts_started == 1
    assert rows[1].best_percent == 75.0


def test_not_yet_taken_part_filter_and_reminder_list(make):
    tree, m = _province(make)
    quiz = make_quiz(tree["province"])
    take(quiz, m["binh"], OPENS + timedelta(days=1))
    start(quiz, m["an"], OPENS + timedelta(days=1))
    report = page.unit_report(quiz, tree["moc_ly"], NOW, only_not_taken=True)
    assert [r.full_name for r in report.members] == ["Tòng Thị An"]
    assert report.not_taken == [("Tòng Thị An", "")]
    assert report.all_members_count == 2


def test_members_sort_by_given_name_as_vietnamese_lists_do(make):
    tree = make.province()
    for name in ("Nguyễn Văn Bình", "Trần Thị An", "Lê Văn Đức", "Phạm Thị Dung"):
        make.member(tree["na_san"], name)
    refresh()
    quiz = make_quiz(tree["province"])
    rows = units.member_rows(quiz, tree["na_san"], sort="name")
    assert [r.full_name for r in rows] == [
        "Trần Thị An",
        "Nguyễn Văn Bình",
        "Phạm Thị Dung",
        "Lê Văn Đức",
    ]


def test_quiz_for_one_district_counts_only_that_district_at_the_province(make):
    tree, m = _province(make)
    quiz = make_quiz(tree["moc_chau"])
    take(quiz, m["binh"], OPENS + timedelta(days=1))
    total = units.unit_totals(quiz, tree["province"])
    assert (total.members, total.took_part) == (2, 1)
    rows = units.child_rows(quiz, tree["province"])
    assert [(r.name, r.members, r.took_part) for r in rows] == [("Huyện đoàn Mộc Châu", 2, 1)]
    assert not units.concerns(quiz, tree["mai_son"])


def test_members_attached_to_a_unit_with_child_units_get_their_own_row(make):
    tree, m = _province(make)
    direct = make.member(tree["chieng_dong"], "Điêu Văn Tâm")
    refresh()
    quiz = make_quiz(tree["province"])
    take(quiz, direct, OPENS + timedelta(days=1))
    take(quiz, m["lan"], OPENS + timedelta(days=1))
    rows = units.child_rows(quiz, tree["chieng_dong"])
    direct_rows = [r for r in rows if r.direct]
    assert len(direct_rows) == 1 and (direct_rows[0].members, direct_rows[0].took_part) == (1, 1)
    total = units.unit_totals(quiz, tree["chieng_dong"])
    assert sum(r.members for r in rows) == total.members == 4
    assert sum(r.took_part for r in rows) == total.took_part == 2
    assert [r.full_name for r in units.member_rows(quiz, tree["chieng_dong"])] == ["Điêu Văn Tâm"]


def test_inactive_members_are_not_in_the_denominator_or_the_list(make):
    tree, _ = _province(make)
    make.member(tree["na_san"], "Người Đã Chuyển", active=False)
    refresh()
    quiz = make_quiz(tree["province"])
    assert units.unit_totals(quiz, tree["na_san"]).members == 2
    assert len(units.member_rows(quiz, tree["na_san"])) == 2


def test_last_activity_is_the_latest_finish_in_the_unit(make):
    tree, m = _province(make)
    quiz = make_quiz(tree["province"])
    take(quiz, m["mai"], OPENS + timedelta(days=1))
    late = finish(start(quiz, m["binh"], OPENS + timedelta(days=4)), 50.0, minutes=20)
    rows = {r.name: r for r in units.child_rows(quiz, tree["province"])}
    assert rows["Huyện đoàn Mộc Châu"].last_activity_at == late.finished_at
    assert units.unit_totals(quiz, tree["province"]).last_activity_at == late.finished_at
