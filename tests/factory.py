"""The factory behind the `make` fixture: units, members, users, banks and quizzes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from quizapp.extensions import db
from quizapp.models import Grant, Member, Unit, User, set_unit_path
from quizapp.services.accounts import hash_password
from quizapp.services.quizzes import settings as quizzes
from tests import timeline

TEST_PASSWORD = "matkhau-123"


def quiz_settings(**overrides) -> quizzes.QuizSettings:
    """Quiz settings with the timeline's window, a 30-minute limit, no shuffling and two
    attempts; any field may be overridden."""
    values = {
        "title": "Tìm hiểu Nghị quyết Đại hội Đoàn XII",
        "opens_at": timeline.OPENS,
        "closes_at": timeline.CLOSES,
        "time_limit_seconds": int(timeline.LIMIT.total_seconds()),
        "shuffle_questions": False,
        "shuffle_options": False,
        "attempts_allowed": 2,
    }
    values.update(overrides)
    return quizzes.QuizSettings(**values)


class Factory:
    """Builds units, members, users, banks and quizzes with few words; every object is flushed."""

    def __init__(self):
        self._n = itertools.count(1)

    def unit(
        self, name: str, kind: str = "chapter", parent: Unit | None = None, code: str | None = None
    ) -> Unit:
        unit = Unit(name=name, kind=kind, parent=parent, code=code or f"U{next(self._n):05d}")
        db.session.add(unit)
        db.session.flush()
        set_unit_path(unit)
        db.session.flush()
        return unit

    def member(
        self, chapter: Unit, name: str = "Nguyễn Văn An", code: str | None = None, **fields
    ) -> Member:
        member = Member(
            code=code or f"DV{next(self._n):06d}", full_name=name, chapter=chapter, **fields
        )
        db.session.add(member)
        db.session.flush()
        return member

    def user(
        self,
        login: str | None = None,
        *,
        member: Member | None = None,
        grants: list[tuple[str, Unit | None]] = (),
        password: str = TEST_PASSWORD,
    ) -> User:
        login = login or (member.code if member else f"user{next(self._n)}")
        user = User(
            login=login,
            display_name=member.full_name if member else login,
            member=member,
            password_hash=hash_password(password),
            created_at=datetime.now(UTC),
        )
        db.session.add(user)
        db.session.flush()
        for role, unit in grants:
            db.session.add(Grant(user=user, role=role, unit=unit))
        db.session.flush()
        return user

    def province(self):
        """A small province: two districts, grassroots unions, chapters, members."""
        p = self.unit("Tỉnh đoàn Sơn La", "province", code="SL")
        d1 = self.unit("Huyện đoàn Mai Sơn", "district", p, code="SL-MS")
        d2 = self.unit("Huyện đoàn Mộc Châu", "district", p, code="SL-MC")
        g1 = self.unit("Đoàn xã Chiềng Dong", "grassroots", d1, code="SL-MS-CD")
        c1 = self.unit("Chi đoàn bản Nà Sản", "chapter", g1, code="SL-MS-CD-NS")
        c2 = self.unit("Chi đoàn bản Co Muồng", "chapter", g1, code="SL-MS-CD-CM")
        c3 = self.unit("Chi đoàn cơ sở Trường THPT Mộc Lỵ", "chapter", d2, code="SL-MC-ML")
        return {
            "province": p,
            "mai_son": d1,
            "moc_chau": d2,
            "chieng_dong": g1,
            "na_san": c1,
            "co_muong": c2,
            "moc_ly": c3,
        }

    def bank(
        self,
        slug: str = "nq12",
        topics: tuple[str, ...] = ("Chủ đề A", "Chủ đề B"),
        multiple_scoring: str = "all_or_nothing",
        keys: dict | None = None,
        edits: dict | None = None,
    ):
        """A BankVersion (the next number of bank `slug`) with one question of every type per
        topic, built from models directly. Question uids are "<t>-<type>" (t = topic index),
        stable across versions; `keys` overrides answers by uid (to model a corrected key),
        `edits` any other fields by uid (versions are immutable once flushed).
        Explanations and sources contain "BÍ MẬT" so tests can search pages for leaks."""
        from quizapp.models import Bank, BankVersion, Question, Topic

        bank = db.session.scalar(db.select(Bank).where(Bank.slug == slug))
        if bank is None:
            bank = Bank(slug=slug, title=f"Bộ câu hỏi {slug}", created_at=datetime.now(UTC))
            db.session.add(bank)
            db.session.flush()
        number = len(bank.versions) + 1
        version = BankVersion(
            bank=bank,
            number=number,
            checksum=f"{slug}-{number}",
            source_format="yaml",
            title=bank.title,
            multiple_scoring=multiple_scoring,
            imported_at=datetime.now(UTC),
        )
        db.session.add(version)
        specs = [
            (
                "single",
                "Thủ đô của Việt Nam là thành phố nào?",
                ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ"],
                {"correct": [0]},
            ),
            ("multiple", "Chọn **các** số chẵn.", ["Hai", "Ba", "Bốn", "Năm"], {"correct": [0, 2]}),
            (
                "true_false",
                "Đại hội Đoàn lần thứ XII họp năm 2022.",
                ["Đúng", "Sai"],
                {"correct": [0]},
            ),
            (
                "short",
                "Tổ chức nào là đội dự bị tin cậy của Đảng?",
                [],
                {
                    "accepted": ["Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Đoàn TNCS Hồ Chí Minh"],
                    "ignore_diacritics": True,
                },
            ),
            ("numeric", "Nhiệm kỳ Đại hội XII kéo dài mấy năm?", [], {"value": 5, "tolerance": 0}),
        ]
        position = 0
        for t_index, title in enumerate(topics):
            topic = Topic(version=version, position=t_index, title=title)
            db.session.add(topic)
            for qtype, stem, options, answer in specs:
                uid = f"{t_index}-{qtype}"
                fields = {
                    "version": version,
                    "topic": topic,
                    "position": position,
                    "uid": uid,
                    "qtype": qtype,
                    "stem": f"{stem} ({title})",
                    "options": list(options),
                    "answer": (keys or {}).get(uid, answer),
                    "explanation": f"Giải thích BÍ MẬT {uid}",
                    "source": f"Nguồn BÍ MẬT {uid}",
                    "option_feedback": [f"Phản hồi BÍ MẬT {uid}"] * len(options),
                    "points": 1.0,
                }
                fields.update((edits or {}).get(uid, {}))
                db.session.add(Question(**fields))
                position += 1
        version.question_count = position
        db.session.flush()
        return version

    def quiz(self, audience: Unit, version=None, **settings):
        """A quiz over `version` (or a new bank) for the `audience` subtree, created through the
        service like an organiser's; open from timeline.OPENS to timeline.CLOSES with a 30-minute
        limit and two attempts unless `settings` (QuizSettings fields) say otherwise."""
        quiz = quizzes.create_quiz(
            version or self.bank(), audience, quiz_settings(**settings), None, timeline.BEFORE
        )
        db.session.flush()
        return quiz
