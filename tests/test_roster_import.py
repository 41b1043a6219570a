"""Importing a roster: all or nothing, idempotent, with a report of what changes and where errors are."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    AuditEntry,
    Bank,
    BankVersion,
    Member,
    Quiz,
    Unit,
    UnitQuizCounter,
    UnitRoster,
)
from quizapp.services.reports import participation
from quizapp.services.roster import (
    RosterOptions,
    apply_roster_plan,
    import_roster,
    parse_roster,
    plan_roster_import,
)

NOW = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
TODAY = date(2024, 3, 1)
HEADER = [
    "Mã đoàn viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số điện thoại",
    "Chi đoàn",
    "Cán bộ đoàn",
]


def csv(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def plan(data: bytes, **options):
    return plan_roster_import(parse_roster("ds.csv", data), RosterOptions(**options), today=TODAY)


def run(data: bytes, **options):
    """Plan and apply; returns the report."""
    p = plan(data, **options)
    if p.ok:
        apply_roster_plan(p, None, NOW)
        db.session.commit()
    return p.report


def members() -> dict[str, Member]:
    db.session.expire_all()
    return {m.code: m for m in db.session.scalars(select(Member))}


NA_SAN = "Chi đoàn bản Nà Sản"
CO_MUONG = "Chi đoàn bản Co Muồng"
GOOD = [
    ["DV001", "Lò Văn Ánh", "05/09/2001", "Nam", "Thái", "0912345678", NA_SAN, "x"],
    ["DV002", "Giàng A Dế", "2000-01-02", "Nam", "Mông", "", NA_SAN, ""],
    ["DV003", "Cầm Thị Hoa", "12/12/1999", "Nữ", "Thái", "0987654321", CO_MUONG, "có"],
]


def test_a_file_with_three_bad_rows_imports_nothing_and_names_all_three(make):
    make.province()
    rows = GOOD + [
        ["DV004", "Hà Thị Lan", "31/02/2001", "Nữ", "Mường", "", NA_SAN, ""],
        ["DV005", "", "01/01/2001", "Nam", "Kinh", "", NA_SAN, ""],
        ["DV006", "Sùng A Páo", "01/01/2001", "Nam", "Mông", "12ab", "Chi đoàn không có", ""],
    ]
    report = run(csv(rows))
    assert not report.ok
    assert members() == {}
    assert [(e.row, e.column) for e in report.errors] == [
        (5, "Ngày sinh"),
        (6, "Họ và tên"),
        (7, "Số điện thoại"),
        (7, "Chi đoàn"),
    ]
    assert "Không có chi đoàn 'Chi đoàn không có'" in report.errors[3].message


def test_import_adds_members_with_their_fields(make):
    tree = make.province()
    report = run(csv(GOOD))
    assert (report.added, report.updated, report.moved) == (3, 0, 0)
    a = members()["DV001"]
    assert (
        a.full_name,
        a.birth_date,
        a.gender,
        a.ethnicity,
        a.phone,
        a.is_cadre,
        a.chapter_id,
    ) == ("Lò Văn Ánh", date(2001, 9, 5), "nam", "Thái", "0912345678", True, tree["na_san"].id)
    assert members()["DV003"].gender == "nu"


def test_reimporting_the_same_file_changes_nothing(make):
    make.province()
    run(csv(GOOD))
    before = {c: m.updated_at for c, m in members().items()}
    report = run(csv(GOOD))
    assert (report.added, report.updated, report.moved, report.unchanged) == (0, 0, 0, 3)
    assert report.changes == 0
    assert {c: m.updated_at for c, m in members().items()} == before


def test_reimport_reports_updated_moved_and_absent_members(make):
    tree = make.province()
    run(csv(GOOD))
    changed = [
        [
            "DV001",
            "Lò Văn Ánh",
            "05/09/2001",
            "Nam",
            "Thái",
            "0911111111",
            NA_SAN,
            "x",
        ],  # new phone
        ["DV002", "Giàng A Dế", "2000-01-02", "Nam", "Mông", "", CO_MUONG, ""],  # moved
    ]
    report = run(csv(changed))
    assert (report.updated, report.moved, report.absent, report.deactivated) == (1, 1, 1, 0)
    assert report.samples["updated"][0].detail == "Số điện thoại"
    assert report.samples["moved"][0].detail == f"{NA_SAN} → {CO_MUONG}"
    assert report.samples["absent"][0].code == "DV003"
    found = members()
    assert found["DV002"].chapter_id == tree["co_muong"].id
    assert found["DV003"].active  # absent, but kept without the explicit option


def test_absent_members_are_deactivated_only_when_asked(make):
    make.province()
    run(csv(GOOD))
    report = run(csv(GOOD[:1]), deactivate_missing=True)
    assert (report.absent, report.deactivated) == (2, 2)
    found = members()
    assert [found[c].active for c in ("DV001", "DV002", "DV003")] == [True, False, False]


def test_a_deactivated_member_in_the_file_again_is_reactivated(make):
    make.province()
    run(csv(GOOD))
    run(csv(GOOD[:2]), deactivate_missing=True)
    report = run(csv(GOOD))
    assert report.reactivated == 1
    assert members()["DV003"].active


def test_missing_column_keeps_the_value_and_blank_cell_clears_it(make):
    make.province()
    run(csv(GOOD))
    run(csv([["DV001", "Lò Văn Ánh", NA_SAN]], header=["Mã đoàn viên", "Họ và tên", "Chi đoàn"]))
    assert members()["DV001"].phone == "0912345678"
    run(
        csv(
            [["DV001", "Lò Văn Ánh", "", NA_SAN]],
            header=["Mã đoàn viên", "Họ và tên", "Số điện thoại", "Chi đoàn"],
        )
    )
    assert members()["DV001"].phone is None


def test_names_are_stored_exactly_as_written_in_nfc(make):
    make.province()
    decomposed = "Lò Văn Ánh".replace("ò", "o\u0300").replace("Á", "A\u0301")
    run(
        csv(
            [["DV001", f"  {decomposed} ", NA_SAN]],
            header=["Mã đoàn viên", "Họ và tên", "Chi đoàn"],
        )
    )
    assert members()["DV001"].full_name == "Lò Văn Ánh"


def test_split_family_and_given_name_columns_are_joined(make):
    make.province()
    run(
        csv(
            [["DV001", "Lò Văn", "Ánh", NA_SAN]],
            header=["Mã đoàn viên", "Họ và tên đệm", "Tên", "Chi đoàn"],
        )
    )
    assert members()["DV001"].full_name == "Lò Văn Ánh"


def test_custom_columns_become_attributes_merged_on_reimport(make):
    make.province()
    header = ["Mã đoàn viên", "Họ và tên", "Chi đoàn", "Tôn giáo", "Trình độ"]
    run(csv([["DV001", "Lò Văn Ánh", NA_SAN, "Không", "Đại học"]], header=header))
    assert members()["DV001"].attributes == {"Tôn giáo": "Không", "Trình độ": "Đại học"}
    report = run(csv([["DV001", "Lò Văn Ánh", NA_SAN, ""]], header=header[:4]))
    assert report.updated == 1
    assert members()["DV001"].attributes == {"Trình độ": "Đại học"}


def test_excel_cells_keep_their_types(make):
    from tests.test_roster_parse import xlsx

    tree = make.province()
    data = xlsx(
        {
            "Nà Sản": [
                [
                    "Mã đoàn viên",
                    "Họ và tên",
                    "Ngày sinh",
                    "Số điện thoại",
                    "Chi đoàn",
                    "Cán bộ đoàn",
                ],
                ["DV001", "Lò Văn Ánh", datetime(2001, 9, 5), 912345678, NA_SAN, "x"],
            ]
        }
    )
    p = plan_roster_import(parse_roster("ds.xlsx", data), RosterOptions(), today=TODAY)
    apply_roster_plan(p, None, NOW)
    a = members()["DV001"]
    assert (a.birth_date, a.phone, a.is_cadre, a.chapter_id) == (
        date(2001, 9, 5),
        "0912345678",
        True,
        tree["na_san"].id,
    )


def test_chapter_can_be_named_by_code(make):
    tree = make.province()
    run(
        csv([["DV001", "Lò Văn Ánh", "SL-MC-ML"]], header=["Mã đoàn viên", "Họ và tên", "Chi đoàn"])
    )
    assert members()["DV001"].chapter_id == tree["moc_ly"].id


def test_a_chapter_name_shared_by_two_units_asks_for_the_code(make):
    tree = make.province()
    make.unit(NA_SAN, "chapter", tree["moc_chau"], code="SL-MC-NS")
    report = run(csv(GOOD[:1]))
    assert "hãy thêm cột 'Mã chi đoàn'" in report.errors[0].message


def test_parent_columns_tell_apart_chapters_with_the_same_name(make):
    tree = make.province()
    other = make.unit(NA_SAN, "chapter", tree["moc_chau"], code="SL-MC-NS")
    header = ["Mã đoàn viên", "Họ và tên", "Huyện đoàn", "Chi đoàn"]
    run(csv([["DV001", "Lò Văn Ánh", "Huyện đoàn Mộc Châu", NA_SAN]], header=header))
    assert members()["DV001"].chapter_id == other.id


def test_duplicate_member_code_in_the_file_is_an_error_on_the_later_row(make):
    make.province()
    report = run(csv([GOOD[0], GOOD[1], GOOD[0]]))
    assert [(e.row, e.message) for e in report.errors] == [
        (4, "Mã đoàn viên 'DV001' trùng với dòng 2.")
    ]


def test_shared_phone_number_is_a_warning_not_an_error(make):
    make.province()
    rows = [GOOD[0], ["DV009", "Lò Thị Ánh", "", "Nữ", "Thái", "0912 345 678", NA_SAN, ""]]
    report = run(csv(rows))
    assert report.ok and report.added == 2
    assert "trùng với dòng 2" in report.warnings[0].message


def test_unknown_chapter_is_created_under_the_parent_columns_when_asked(make):
    tree = make.province()
    header = ["Mã đoàn viên", "Họ và tên", "Huyện đoàn", "Đoàn cơ sở", "Chi đoàn"]
    rows = [
        ["DV001", "Lò Văn Ánh", "Huyện đoàn Mai Sơn", "Đoàn xã Chiềng Mung", "Chi đoàn bản Củ"],
        ["DV002", "Cầm Thị Hoa", "Huyện đoàn Mai Sơn", "Đoàn xã Chiềng Mung", "Chi đoàn bản Củ"],
        [
            "DV003",
            "Hà Văn Nam",
            "Huyện đoàn Mai Sơn",
            "",
            "Chi đoàn cơ sở Trường THPT Chu Văn Thịnh",
        ],
    ]
    assert "Không có chi đoàn 'Chi đoàn bản Củ'" in run(csv(rows, header)).errors[0].message
    report = run(csv(rows, header), create_units=True)
    assert [(code, name) for code, name, _parent in report.units_created] == [
        ("SL-MS-01", "Đoàn xã Chiềng Mung"),
        ("SL-MS-01-01", "Chi đoàn bản Củ"),
        ("SL-MS-02", "Chi đoàn cơ sở Trường THPT Chu Văn Thịnh"),
    ]
    in_mai_son = db.session.scalars(
        select(Member.code)
        .join(Unit, Member.chapter_id == Unit.id)
        .where(tree["mai_son"].subtree_filter())
    ).all()
    assert sorted(in_mai_son) == ["DV001", "DV002", "DV003"]
    direct = db.session.scalar(select(Unit).where(Unit.code == "SL-MS-02"))
    assert direct.parent_id == tree["mai_son"].id and direct.kind == "chapter"


def test_a_whole_tree_is_created_from_an_empty_database(app):
    header = [
        "Mã đoàn viên",
        "Họ và tên",
        "Tỉnh đoàn",
        "Huyện đoàn",
        "Đoàn cơ sở",
        "Mã chi đoàn",
        "Chi đoàn",
    ]
    rows = [
        [
            "DV001",
            "Lò Văn Ánh",
            "Tỉnh đoàn Sơn La",
            "Huyện đoàn Mai Sơn",
            "Đoàn xã Chiềng Dong",
            "CD-NS",
            NA_SAN,
        ],
        [
            "DV002",
            "Cầm Thị Hoa",
            "Tỉnh đoàn Sơn La",
            "Huyện đoàn Mai Sơn",
            "Đoàn xã Chiềng Dong",
            "CD-NS",
            NA_SAN,
        ],
    ]
    report = run(csv(rows, header), create_units=True)
    assert report.ok and report.added == 2
    chapter = db.session.scalar(select(Unit).where(Unit.code == "CD-NS"))
    assert [u.name for u in chapter.ancestors()] == [
        "Tỉnh đoàn Sơn La",
        "Huyện đoàn Mai Sơn",
        "Đoàn xã Chiềng Dong",
    ]
    assert chapter.path == "/" + "/".join(str(i) for i in chapter.ancestor_ids()) + "/"


def test_scoped_import_refuses_chapters_outside_the_unit(make):
    tree = make.province()
    rows = [["DV001", "Lò Văn Ánh", NA_SAN], ["DV002", "Hà Thị Lan", "SL-MC-ML"]]
    report = run(csv(rows, ["Mã đoàn viên", "Họ và tên", "Chi đoàn"]), scope_unit=tree["mai_son"])
    assert [e.row for e in report.errors] == [3]
    assert "không thuộc đơn vị bạn được quyền nhập" in report.errors[0].message


def test_scoped_import_cannot_take_a_member_from_another_district(make):
    tree = make.province()
    make.member(tree["moc_ly"], "Hà Thị Lan", code="DV002")
    report = run(
        csv([["DV002", "Hà Thị Lan", NA_SAN]], ["Mã đoàn viên", "Họ và tên", "Chi đoàn"]),
        scope_unit=tree["mai_son"],
    )
    assert "ngoài phạm vi của bạn" in report.errors[0].message
    assert members()["DV002"].chapter_id == tree["moc_ly"].id


def test_scoped_import_deactivates_only_inside_the_unit(make):
    tree = make.province()
    make.member(tree["moc_ly"], "Hà Thị Lan", code="DV100")
    make.member(tree["co_muong"], "Cầm Thị Hoa", code="DV101")
    report = run(csv(GOOD[:1]), scope_unit=tree["mai_son"], deactivate_missing=True)
    assert report.deactivated == 1
    found = members()
    assert (found["DV100"].active, found["DV101"].active) == (True, False)


def test_file_without_chapter_column_goes_into_the_chapter_being_imported(make):
    tree = make.province()
    data = csv([["DV001", "Lò Văn Ánh"]], ["Mã đoàn viên", "Họ và tên"])
    assert "không có cột 'Chi đoàn'" in run(data, scope_unit=tree["mai_son"]).errors[0].message
    run(data, scope_unit=tree["na_san"])
    assert members()["DV001"].chapter_id == tree["na_san"].id


def test_dry_run_plan_writes_nothing(make):
    make.province()
    report = plan(csv(GOOD), create_units=True).report
    db.session.commit()
    assert report.added == 3
    assert members() == {}


def test_import_refreshes_the_report_denominators(make):
    tree = make.province()
    run(csv(GOOD))
    counts = {r.unit_id: (r.members, r.cadres) for r in db.session.scalars(select(UnitRoster))}
    assert counts[tree["province"].id] == (3, 2)
    assert counts[tree["na_san"].id] == (2, 1)


def test_renamed_member_renames_their_account(make):
    tree = make.province()
    member = make.member(tree["na_san"], "Lo Van Anh", code="DV001")
    user = make.user(member=member)
    run(csv(GOOD[:1]))
    db.session.refresh(user)
    assert user.display_name == "Lò Văn Ánh"


def _took_part(member, unit) -> Quiz:
    """A quiz of `unit` that `member` has finished once."""
    start = NOW - timedelta(days=2)
    version = BankVersion(
        bank=Bank(slug="b", title="B"), number=1, checksum="x", source_format="yaml"
    )
    quiz = Quiz(
        title="Q",
        bank_version=version,
        audience_unit=unit,
        opens_at=start,
        closes_at=start + timedelta(days=30),
        pass_mark=50,
    )
    attempt = Attempt(
        quiz=quiz,
        member=member,
        number=1,
        started_at=start,
        deadline=start + timedelta(minutes=30),
        finished_at=start + timedelta(minutes=5),
        state=AttemptState.FINISHED,
        percent=90.0,
        score=90.0,
        max_score=100,
    )
    db.session.add(attempt)
    db.session.flush()
    participation.record_start(attempt, start)
    participation.record_finish(attempt)
    db.session.commit()
    return quiz


def test_moving_a_member_who_took_part_moves_their_report_counts(make):
    tree = make.province()
    run(csv(GOOD))
    quiz = _took_part(members()["DV002"], tree["province"])
    run(csv([GOOD[0], [*GOOD[1][:6], "SL-MC-ML", ""], GOOD[2]]))
    counters = {
        r.unit_id: r.took_part
        for r in db.session.scalars(
            select(UnitQuizCounter).where(UnitQuizCounter.quiz_id == quiz.id)
        )
    }
    assert counters[tree["moc_chau"].id] == 1
    assert counters.get(tree["mai_son"].id, 0) == 0


def test_import_is_written_to_the_audit_log(make):
    make.province()
    import_roster("ds.csv", csv(GOOD), RosterOptions(), None, NOW)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster_import"))
    assert entry.target == "ds.csv" and entry.after["added"] == 3


def test_member_count_matches_rows_after_a_large_import(make):
    make.province()
    rows = [
        [f"DV{i:05d}", f"Đoàn viên {i}", "", "", "", "", NA_SAN if i % 2 else CO_MUONG, ""]
        for i in range(2500)
    ]
    report = run(csv(rows))
    assert report.added == 2500
    assert db.session.scalar(select(func.count(Member.id))) == 2500


def test_csv_phones_that_lost_their_leading_zero_are_mended_and_counted(make):
    """Issue 18 item 8: LibreOffice's CSV of a sheet whose phones were numbers (tests/fixtures/files,
    lo-roster-phones.csv) writes 912345678; the XLSX reader already restored the 0, the CSV now too."""
    from pathlib import Path

    make.province()
    data = (Path(__file__).parent / "fixtures" / "files" / "lo-roster-phones.csv").read_bytes()
    report = run(data)
    assert report.ok and report.added == 3
    phones = {m.code: m.phone for m in db.session.scalars(select(Member))}
    assert phones == {"DV-LO1": "0912345678", "DV-LO2": "0388123456", "DV-LO3": "0977000111"}
    assert [w.message for w in report.warnings] == [
        (
            "2 số điện thoại chỉ có 9 chữ số (bảng tính đã bỏ số 0 ở đầu vì lưu số điện thoại dạng số) nên đã được "
            "thêm lại số 0."
        )
    ]
