"""Finding the chapter a roster row names, and planning the units an import creates.

A chapter is found by code (column "Mã chi đoàn", or a code written in "Chi đoàn"),
else by its exact name (case and extra spaces ignored) inside the import's scope,
narrowed by the parent columns when they name existing units. Parent columns
(Tỉnh đoàn, Huyện đoàn, Đoàn cơ sở) are otherwise only used to create missing units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import or_, select

from quizapp.extensions import db
from quizapp.models import Unit, UnitKind
from quizapp.services.roster.values import CellError
from quizapp.text import fold_vietnamese, normalize_text

CHUNK = 900  # keeps IN (...) lists under every database's parameter limit


class KnownUnit(NamedTuple):
    """A unit already in the database, as the import sees it."""

    id: int
    parent_id: int | None
    code: str
    name: str
    kind: str
    path: str


@dataclass(eq=False)
class PlannedUnit:
    """A unit the import will create; `id` and `path` are filled in when it is written."""

    code: str
    name: str
    kind: str
    parent: KnownUnit | PlannedUnit | None
    id: int | None = None
    path: str = ""
    children: dict[str, PlannedUnit] = field(default_factory=dict)

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else _depth(self.parent) + 1


def _depth(unit: KnownUnit | PlannedUnit) -> int:
    if isinstance(unit, PlannedUnit):
        return unit.depth
    return unit.path.count("/") - 2


class UnitResolver:
    """Resolves (province, district, grassroots, chapter code, chapter name) to a unit, once per
    distinct combination; plans new units when allowed."""

    def __init__(self, scope: Unit | None, create_units: bool):
        self.scope = scope
        self.create_units = create_units
        self.by_id: dict[int, KnownUnit] = {}
        self.by_code: dict[str, KnownUnit] = {}
        self.by_name: dict[str, list[KnownUnit]] = {}
        self.planned: list[PlannedUnit] = []
        self._planned_roots: dict[str, PlannedUnit] = {}
        self._taken_codes: set[str] = set()
        self._cache: dict[tuple, KnownUnit | PlannedUnit | CellError] = {}
        self._load()

    def _load(self) -> None:
        stmt = select(Unit.id, Unit.parent_id, Unit.code, Unit.name, Unit.kind, Unit.path)
        if self.scope is not None:
            ancestors = self.scope.ancestor_ids()
            stmt = stmt.where(or_(self.scope.subtree_filter(), Unit.id.in_(ancestors)))
        for row in db.session.execute(stmt):
            unit = KnownUnit(*row)
            self.by_id[unit.id] = unit
            self.by_code[unit.code.casefold()] = unit
            self.by_name.setdefault(normalize_text(unit.name), []).append(unit)
            self._taken_codes.add(unit.code.casefold())

    # -- questions about units ------------------------------------------------------------
    def in_scope(self, unit: KnownUnit | PlannedUnit) -> bool:
        """True when the unit lies in the import's scope (new units: when their parent does)."""
        if self.scope is None:
            return True
        if isinstance(unit, PlannedUnit):
            return unit.parent is not None and self.in_scope(unit.parent)
        return unit.path.startswith(self.scope.path)

    def name_of(self, unit_id: int) -> str:
        """A known unit's name, for the report."""
        unit = self.by_id.get(unit_id)
        return unit.name if unit else f"#{unit_id}"

    def _scope_known(self) -> KnownUnit | None:
        return self.by_id.get(self.scope.id) if self.scope is not None else None

    # -- resolution -----------------------------------------------------------------------
    def resolve(self, parents: tuple[str, str, str], chapter_code: str, chapter_name: str):
        """The chapter for these cells (KnownUnit or PlannedUnit); raises CellError."""
        key = (parents, chapter_code, chapter_name)
        found = self._cache.get(key)
        if found is None:
            try:
                found = self._resolve(parents, chapter_code, chapter_name)
            except CellError as err:
                found = err
            self._cache[key] = found
        if isinstance(found, CellError):
            raise found
        return found

    def _resolve(self, parents, chapter_code: str, chapter_name: str):
        label = chapter_code or chapter_name
        if not label:
            raise CellError(_("Thiếu chi đoàn."))
        for value in (chapter_code, chapter_name) if chapter_code else (chapter_name,):
            unit = self._by_code(value)
            if unit is not None:
                return self._checked(unit, label)
        parent = self._resolve_parents(parents)
        if not chapter_code:
            within = parent if parent is not None else self._scope_known()
            if not isinstance(within, PlannedUnit):
                matches = self._named(chapter_name, within)
                if len(matches) > 1:
                    raise CellError(
                        _(
                            "Có %(n)d đơn vị cùng tên '%(name)s'; hãy thêm cột 'Mã chi đoàn' và ghi mã để "
                            "phân biệt.",
                            n=len(matches),
                            name=chapter_name,
                        )
                    )
                if matches:
                    return self._checked(matches[0], label)
        if self._exists_elsewhere(label):
            raise CellError(
                _("Chi đoàn '%(name)s' không thuộc đơn vị bạn được quyền nhập.", name=label)
            )
        if not self.create_units:
            raise CellError(
                _(
                    "Không có chi đoàn '%(name)s' trong hệ thống. Hãy kiểm tra tên hoặc mã chi đoàn; nếu "
                    "đây là chi đoàn mới, hãy chọn cho phép tạo đơn vị mới.",
                    name=label,
                )
            )
        return self._plan(
            UnitKind.CHAPTER, chapter_name or chapter_code, parent, code=chapter_code or None
        )

    def _resolve_parents(self, parents):
        """The deepest unit the parent columns name (planning missing ones when allowed)."""
        current: KnownUnit | PlannedUnit | None = None
        for (_field, kind), value in zip(_PARENT_KINDS, parents):
            if not value:
                continue
            if isinstance(current, PlannedUnit):
                current = self._plan(kind, value, current)
                continue
            unit = self._by_code(value)
            if unit is None:
                matches = self._named(value, current, include_ancestors=current is None)
                unit = matches[0] if len(matches) == 1 else None
                if len(matches) > 1:
                    direct = [
                        m for m in matches if current is not None and m.parent_id == current.id
                    ]
                    unit = direct[0] if len(direct) == 1 else None
                    if unit is None:
                        raise CellError(
                            _(
                                "Có %(n)d đơn vị cùng tên '%(name)s'; hãy ghi mã đơn vị thay cho tên.",
                                n=len(matches),
                                name=value,
                            )
                        )
            if unit is not None:
                current = unit
            elif self.create_units:
                current = self._plan(kind, value, current)
            else:
                return None  # the chapter may still be found by name in the whole scope
        return current

    def _by_code(self, value: str) -> KnownUnit | None:
        return self.by_code.get(value.casefold()) if value else None

    def _named(
        self, name: str, within: KnownUnit | None, include_ancestors: bool = False
    ) -> list[KnownUnit]:
        """Known units with this name in `within`'s subtree (the scope's when None)."""
        candidates = self.by_name.get(normalize_text(name), [])
        root = within if within is not None else self._scope_known()
        if root is None:
            return list(candidates)
        result = [u for u in candidates if u.path.startswith(root.path)]
        if include_ancestors:
            result += [u for u in candidates if root.path.startswith(u.path) and u.id != root.id]
        return result

    def _checked(self, unit: KnownUnit, label: str) -> KnownUnit:
        if not self.in_scope(unit):
            raise CellError(
                _("Chi đoàn '%(name)s' không thuộc đơn vị bạn được quyền nhập.", name=label)
            )
        return unit

    def _exists_elsewhere(self, code: str) -> bool:
        # Without a scope every unit is loaded already; with one, codes elsewhere must be asked for.
        if self.scope is None:
            return False
        return db.session.scalar(select(Unit.id).where(Unit.code == code)) is not None

    def _default_parent(self) -> KnownUnit | None:
        """Where a new unit without parent columns goes: the scope, else the tree's only root."""
        if self.scope is not None:
            return self._scope_known()
        roots = [u for u in self.by_id.values() if u.parent_id is None]
        return roots[0] if len(roots) == 1 else None

    # -- planning new units ---------------------------------------------------------------
    def _plan(self, kind: str, name: str, parent, code: str | None = None) -> PlannedUnit:
        if parent is None and kind == UnitKind.PROVINCE:
            if self.scope is not None:
                raise CellError(_("Không có tỉnh đoàn '%(name)s' trong hệ thống.", name=name))
        elif parent is None:
            parent = self._default_parent()
            if parent is None:
                raise CellError(
                    _(
                        "Không biết đặt đơn vị mới '%(name)s' vào đâu: hãy điền cột 'Huyện đoàn' hoặc "
                        "'Đoàn cơ sở' (tên hoặc mã đơn vị cấp trên).",
                        name=name,
                    )
                )
        siblings = parent.children if isinstance(parent, PlannedUnit) else self._planned_roots
        key = (parent.id if isinstance(parent, KnownUnit) else id(parent), normalize_text(name))
        existing = siblings.get(key)
        if existing is not None:
            return existing
        if parent is not None and not self.in_scope(parent):
            raise CellError(
                _("Không thể tạo đơn vị '%(name)s' ngoài đơn vị bạn được quyền nhập.", name=name)
            )
        if code is not None and code.casefold() in self._taken_codes:
            raise CellError(_("Mã đơn vị '%(code)s' đã được dùng cho đơn vị khác.", code=code))
        unit = PlannedUnit(
            code=code or self._new_code(parent, name), name=name, kind=kind, parent=parent
        )
        self._taken_codes.add(unit.code.casefold())
        siblings[key] = unit
        self.planned.append(unit)
        return unit

    def _new_code(self, parent, name: str) -> str:
        """Parent code + '-' + a number (SL-MS-07); a new root takes its initials (TDSL)."""
        if parent is None:
            base = "".join(w[0] for w in fold_vietnamese(name).split() if w).upper() or "DV"
            candidates = (base if n == 0 else f"{base}{n}" for n in range(10_000))
        else:
            base = parent.code
            candidates = (f"{base}-{n:02d}" for n in range(1, 1_000_000))
        for candidate in candidates:
            if candidate.casefold() not in self._taken_codes and not self._exists_elsewhere(
                candidate
            ):
                return candidate
        raise CellError(_("Không sinh được mã cho đơn vị mới '%(name)s'.", name=name))


_PARENT_KINDS = (
    ("province", UnitKind.PROVINCE),
    ("district", UnitKind.DISTRICT),
    ("grassroots", UnitKind.GRASSROOTS),
)
