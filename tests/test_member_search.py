"""Member search: one LIKE on a folded key in SQL, kept up to date by every way members are written."""

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert, select

from quizapp.extensions import db
from quizapp.models import Member
from quizapp.models.people import member_search_key
from quizapp.services.roster import RosterOptions, import_roster
from quizapp.services.roster import members as member_service
from quizapp.text import fold_vietnamese

NOW = datetime(2025, 3, 4, 3, 0, tzinfo=UTC)


def _key(member: Member) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Member.search_key).where(Member.id == member.id))


def _names(found) -> list[str]:
    return [m.full_name for m in found]


@given(st.text())
def test_the_key_folds_a_name_exactly_like_fold_vietnamese(name):
    assert member_search_key(name, "", "").split("\t")[0] == fold_vietnamese(name)


def test_a_new_member_gets_a_key_with_folded_name_code_and_phone_digits(app, make):
    member = make.member(
        make.unit("Chi đoàn bản Nà Sản"), "Đặng Thị Hương", code="DV-01", phone="0912 345 678"
    )
    assert _key(member) == "dang thi huong\tdv-01\t#0912345678"


def test_editing_the_name_or_phone_refreshes_the_key(app, make):
    member = make.member(make.unit("Chi đoàn bản Nà Sản"), "Lò Thị Mai", code="DV-01")
    member_service.update_member(
        member, {"full_name": "Lò Thị Mải", "phone": "0977000111"}, None, NOW
    )
    assert _key(member) == "lo thi mai\tdv-01\t#0977000111"


def test_a_core_bulk_insert_gets_the_key_from_the_column_default(app, make):
    chapter = make.unit("Chi đoàn bản Nà Sản")
    db.session.execute(
        insert(Member.__table__),
        [
            {
                "code": f"DV{i}",
                "full_name": f"Quàng Văn Sơn {i}",
                "chapter_id": chapter.id,
                "phone": None,
            }
            for i in range(3)
        ],
    )
    keys = db.session.scalars(select(Member.search_key).order_by(Member.code)).all()
    assert keys == [f"quang van son {i}\tdv{i}\t#" for i in range(3)]


def test_a_roster_import_keys_new_members_and_rekeys_renamed_ones(app, make):
    unit = make.unit("Chi đoàn bản Nà Sản", code="NS")
    header = "Mã đoàn viên,Họ và tên,Số điện thoại,Chi đoàn\n"
    import_roster(
        "ds.csv",
        (header + "DV001,Lò Văn Ánh,0912345678,NS\n").encode(),
        RosterOptions(scope_unit=unit),
        None,
        NOW,
    )
    assert db.session.scalar(select(Member.search_key)) == "lo van anh\tdv001\t#0912345678"
    import_roster(
        "ds.csv",
        (header + "DV001,Lò Văn Ánh Dương,0988000111,NS\n").encode(),
        RosterOptions(scope_unit=unit),
        None,
        NOW,
    )
    assert db.session.scalar(select(Member.search_key)) == "lo van anh duong\tdv001\t#0988000111"


def test_search_matches_name_without_diacritics_code_and_phone_digits(app, make):
    chapter = make.unit("Chi đoàn bản Nà Sản")
    make.member(chapter, "Đặng Văn Hùng", code="DV-HUNG", phone="0912 345 678")
    make.member(chapter, "Lò Thị Mai", code="DV-MAI")
    assert _names(member_service.search_members(chapter, "ĐẶNG van hung", False, 50)) == [
        "Đặng Văn Hùng"
    ]
    assert _names(member_service.search_members(chapter, "dv-mai", False, 50)) == ["Lò Thị Mai"]
    assert _names(member_service.search_members(chapter, "345-678", False, 50)) == ["Đặng Văn Hùng"]


def test_two_digits_do_not_search_phones(app, make):
    chapter = make.unit("Chi đoàn bản Nà Sản")
    make.member(chapter, "Đặng Văn Hùng", code="DV-HUNG", phone="0912345678")
    assert member_service.search_members(chapter, "09", False, 50) == []


def test_percent_and_underscore_are_searched_literally(app, make):
    chapter = make.unit("Chi đoàn bản Nà Sản")
    make.member(chapter, "Lò Thị Mai", code="DV_01")
    make.member(chapter, "Lò Thị Lan", code="DVX01")
    assert _names(member_service.search_members(chapter, "dv_01", False, 50)) == ["Lò Thị Mai"]
    assert member_service.search_members(chapter, "%", False, 50) == []


def test_search_stays_in_the_subtree_and_skips_inactive_members_unless_asked(app, make):
    province = make.unit("Tỉnh đoàn Sơn La", "province")
    chapter = make.unit("Chi đoàn bản Nà Sản", "chapter", province)
    elsewhere = make.unit("Chi đoàn bản Sì Thâu Chải")
    make.member(elsewhere, "Giàng Thị Súa")
    make.member(chapter, "Giàng Thị Sua", active=False)
    assert member_service.search_members(province, "giang thi sua", False, 50) == []
    assert _names(member_service.search_members(province, "giang thi sua", True, 50)) == [
        "Giàng Thị Sua"
    ]


def test_search_results_come_in_pages_ordered_by_unit_and_name(app, make):
    chapter = make.unit("Chi đoàn bản Nà Sản")
    for i in range(60):
        make.member(chapter, f"Nguyễn Văn {i:02d}", birth_date=date(2000, 1, 1))
    first = member_service.search_members(chapter, "nguyen", False, 50)
    second = member_service.search_members(chapter, "nguyen", False, 50, offset=50)
    assert _names(first + second) == [f"Nguyễn Văn {i:02d}" for i in range(60)]
    assert len(second) == 10
