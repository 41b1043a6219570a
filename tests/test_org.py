"""The organisation tree service: units with their paths, and subtrees shown with member counts."""

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Unit
from quizapp.services import org
from quizapp.services.reports.roster_counts import refresh_roster_counts


def test_created_units_are_found_by_one_subtree_query(app):
    province = org.create_unit("SL", "Tỉnh đoàn Sơn La", "province", None)
    district = org.create_unit("SL-MS", "Huyện đoàn Mai Sơn", "district", province)
    chapter = org.create_unit("SL-MS-01", "Chi đoàn cơ sở Trường THPT Mai Sơn", "chapter", district)
    other = org.create_unit("DB", "Tỉnh đoàn Điện Biên", "province", None)
    assert chapter.path == f"/{province.id}/{district.id}/{chapter.id}/" and chapter.depth == 2
    under = set(db.session.scalars(select(Unit.code).where(province.subtree_filter())))
    assert under == {"SL", "SL-MS", "SL-MS-01"} and other.code not in under


def test_unit_codes_are_unique(app):
    org.create_unit("SL", "Tỉnh đoàn Sơn La", "province", None)
    with pytest.raises(org.UnitError, match="code_taken"):
        org.create_unit("SL", "Tỉnh đoàn khác", "province", None)


def test_tree_shows_two_levels_with_counts_and_marks_deeper_units(make):
    tree = make.province()
    make.member(tree["na_san"], "Lò Văn Ánh", is_cadre=True)
    make.member(tree["moc_ly"], "Hà Thị Lan")
    refresh_roster_counts()
    (root,) = org.unit_tree([tree["province"]], levels=2)
    assert (root.members, root.cadres) == (2, 1)
    districts = {n.name: n for n in root.children}
    assert [n.name for n in districts["Huyện đoàn Mai Sơn"].children] == ["Đoàn xã Chiềng Dong"]
    commune = districts["Huyện đoàn Mai Sơn"].children[0]
    assert commune.children == [] and commune.more_below and commune.members == 1
    assert districts["Huyện đoàn Mộc Châu"].children[0].more_below is False


def test_children_are_in_vietnamese_alphabetical_order(make):
    root = make.unit("Đoàn xã Chiềng Dong", "grassroots")
    for name in ("Chi đoàn bản Ổ", "Chi đoàn bản Đán", "Chi đoàn bản Co Muồng", "Chi đoàn bản Ản"):
        make.unit(name, "chapter", root)
    assert [n.name for n in org.child_units(root)] == [
        "Chi đoàn bản Ản",
        "Chi đoàn bản Co Muồng",
        "Chi đoàn bản Đán",
        "Chi đoàn bản Ổ",
    ]
