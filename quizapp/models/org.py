"""The organisation tree: province > district > grassroots > chapter, any depth."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db


class UnitKind(enum.StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    GRASSROOTS = "grassroots"
    CHAPTER = "chapter"


class Unit(db.Model):
    """A unit of the Youth Union. `path` is the materialized path "/1/7/42/" of ids.

    "Everything under U" is `Unit.path.startswith(U.path)`: one indexed prefix
    query on SQLite and PostgreSQL (varchar_pattern_ops), never a recursion.
    """

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(512), default="")
    depth: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    __table_args__ = (
        Index("ix_unit_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name!r}>"

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or lies in its subtree."""
        return self.path.startswith(other.path)

    def subtree_filter(self):
        """SQL condition selecting this unit and every unit below it."""
        return Unit.path.startswith(self.path, autoescape=True)

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, inclusive."""
        return path_ids(self.path)

    def ancestors(self) -> list[Unit]:
        """Units from the root down to this unit's parent."""
        ids = self.ancestor_ids()[:-1]
        if not ids:
            return []
        found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
        return [found[i] for i in ids]


def path_ids(path: str) -> list[int]:
    """The unit ids a materialised path names, root first ("/1/4/9/" → [1, 4, 9])."""
    return [int(part) for part in path.strip("/").split("/") if part]


def set_unit_path(unit: Unit) -> None:
    """Compute path and depth from the parent; the unit must have an id (flush first)."""
    if unit.parent is not None:
        unit.path = f"{unit.parent.path}{unit.id}/"
        unit.depth = unit.parent.depth + 1
    else:
        unit.path = f"/{unit.id}/"
        unit.depth = 0
