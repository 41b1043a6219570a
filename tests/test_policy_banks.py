"""Who sees and who manages a question bank: owner unit's subtree manages, units below use, others see nothing."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Bank, Role

AT = datetime(2025, 3, 4, 3, 0, tzinfo=UTC)


@pytest.fixture
def banks(roles, make):
    """A national bank, one of the province, one of each district and one of another province."""
    tree = roles["tree"]
    other = make.unit("Tỉnh đoàn Lai Châu", "province", code="LC")
    owners = {
        "national": None,
        "province": tree["province"],
        "mai_son": tree["mai_son"],
        "moc_chau": tree["moc_chau"],
        "other_province": other,
    }
    found = {}
    for key, owner in owners.items():
        found[key] = Bank(
            slug=key, title=key, owner_unit_id=owner.id if owner else None, created_at=AT
        )
        db.session.add(found[key])
    users = {
        **roles["users"],
        "mai_son_organiser": make.user(
            "bantuyengiao.maison", grants=[(Role.ORGANISER, tree["mai_son"])]
        ),
    }
    db.session.commit()
    return found, users


def _seen(user, banks) -> set[str]:
    return {key for key, bank in banks.items() if policy.can_see_bank(user, bank)}


def _managed(user, banks) -> set[str]:
    return {key for key, bank in banks.items() if policy.can_manage_bank(user, bank)}


def test_province_organiser_sees_national_and_own_province_banks(banks):
    found, users = banks
    assert _seen(users["organiser"], found) == {"national", "province", "mai_son", "moc_chau"}


def test_province_organiser_manages_the_banks_of_its_subtree_but_not_the_national_one(banks):
    found, users = banks
    assert _managed(users["organiser"], found) == {"province", "mai_son", "moc_chau"}


def test_district_organiser_uses_the_province_bank_but_not_a_sister_districts(banks):
    found, users = banks
    assert _seen(users["mai_son_organiser"], found) == {"national", "province", "mai_son"}


def test_district_organiser_manages_only_its_own_districts_bank(banks):
    found, users = banks
    assert _managed(users["mai_son_organiser"], found) == {"mai_son"}


def test_admin_sees_and_manages_every_bank(banks):
    found, users = banks
    assert _seen(users["admin"], found) == _managed(users["admin"], found) == set(found)


@pytest.mark.parametrize("role", ["secretary", "district_secretary", "member"])
def test_users_without_bank_rights_see_no_bank_not_even_a_national_one(banks, role):
    found, users = banks
    assert _seen(users[role], found) == set()
    assert _managed(users[role], found) == set()


def test_anonymous_sees_no_bank(banks):
    found, _users = banks
    assert _seen(None, found) == set()
    assert db.session.scalars(select(Bank).where(policy.bank_filter(None))).all() == []


@pytest.mark.parametrize("role", ["admin", "organiser", "mai_son_organiser", "secretary", "member"])
def test_the_sql_filter_lists_exactly_the_banks_the_user_may_see(banks, role):
    found, users = banks
    listed = set(db.session.scalars(select(Bank.slug).where(policy.bank_filter(users[role]))))
    assert listed == _seen(users[role], found)
