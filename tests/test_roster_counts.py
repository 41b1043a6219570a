"""Report denominators count active members of each subtree."""

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import UnitRoster
from quizapp.services.reports.roster_counts import refresh_roster_counts


def test_denominators_roll_up_the_tree_and_skip_inactive_members(make):
    tree = make.province()
    make.member(tree["na_san"], "Lò Văn Ánh", is_cadre=True)
    make.member(tree["na_san"], "Quàng Thị Hoa")
    make.member(tree["co_muong"], "Tòng Văn Bình", active=False)
    make.member(tree["moc_ly"], "Hà Thị Lan")
    refresh_roster_counts()
    counts = {r.unit_id: (r.members, r.cadres) for r in db.session.scalars(select(UnitRoster))}
    assert counts[tree["province"].id] == (3, 1)
    assert counts[tree["chieng_dong"].id] == (2, 1)
    assert counts[tree["na_san"].id] == (2, 1)
    assert tree["co_muong"].id not in counts
    assert counts[tree["moc_chau"].id] == (1, 0)
