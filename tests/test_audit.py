"""Audit entries are kept with who, what, where, before and after, and listed per subtree."""

from datetime import UTC, datetime

from quizapp.services import audit

NOW = datetime(2024, 2, 1, 2, 0, tzinfo=UTC)


def test_entries_are_listed_for_the_unit_subtree_only(roles):
    tree, users = roles["tree"], roles["users"]
    audit.record(
        users["organiser"],
        "member.move",
        tree["na_san"],
        NOW,
        target="DV1",
        before={"chapter": "A", "born": datetime(2000, 1, 1).date()},
        after={"chapter": "B"},
    )
    audit.record(users["organiser"], "quiz.close", tree["moc_ly"], NOW, target="quiz 1")
    listed = audit.entries_for_unit(tree["mai_son"])
    assert [e.action for e in listed] == ["member.move"]
    assert listed[0].before == {"chapter": "A", "born": "2000-01-01"}
    assert {e.action for e in audit.entries_for_unit(tree["province"])} == {
        "member.move",
        "quiz.close",
    }
