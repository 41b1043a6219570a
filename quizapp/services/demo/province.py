"""A demo province from the source article: Tỉnh đoàn Sơn La, its districts, communes, chapters,
a few thousand synthetic members and one account per role. Deterministic for a given seed."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from quizapp.clock import to_local
from quizapp.extensions import db
from quizapp.models import Grant, Member, Role, Unit, UnitKind, User
from quizapp.services import accounts, org
from quizapp.services.reports.roster_counts import refresh_roster_counts
from quizapp.text import fold_vietnamese

DEMO_PASSWORD = "Demo@2024"

# District code, name, grassroots unions. "tt:" marks a town (thị trấn/phường): its chapters are
# residential groups; other communes have villages (bản). Real names of Sơn La's communes.
DISTRICTS = [
    (
        "TP",
        "Thành đoàn Sơn La",
        ["p:Chiềng Lề", "p:Tô Hiệu", "p:Quyết Thắng", "Chiềng Ngần", "Hua La"],
    ),
    (
        "MS",
        "Huyện đoàn Mai Sơn",
        ["Chiềng Dong", "Chiềng Mung", "Cò Nòi", "tt:Hát Lót", "Mường Bon", "Chiềng Ban"],
    ),
    (
        "MC",
        "Huyện đoàn Mộc Châu",
        ["tt:Nông trường Mộc Châu", "Đông Sang", "Chiềng Sơn", "Tân Lập"],
    ),
    ("TC", "Huyện đoàn Thuận Châu", ["tt:Thuận Châu", "Chiềng Pha", "Phổng Lái", "Tông Lạnh"]),
    ("SM", "Huyện đoàn Sông Mã", ["tt:Sông Mã", "Chiềng Khương", "Nà Nghịu"]),
    ("QN", "Huyện đoàn Quỳnh Nhai", ["Mường Giàng", "Chiềng Bằng", "Mường Chiên"]),
    ("ML", "Huyện đoàn Mường La", ["tt:Ít Ong", "Mường Bú", "Chiềng Lao"]),
    ("YC", "Huyện đoàn Yên Châu", ["tt:Yên Châu", "Chiềng Khoi", "Sặp Vạt"]),
    ("SC", "Huyện đoàn Sốp Cộp", ["Sốp Cộp", "Mường Lạn", "Dồm Cang"]),
    ("VH", "Huyện đoàn Vân Hồ", ["Vân Hồ", "Lóng Luông", "Chiềng Khoa"]),
    ("BY", "Huyện đoàn Bắc Yên", ["tt:Bắc Yên", "Hang Chú", "Tà Xùa"]),
    ("PY", "Huyện đoàn Phù Yên", ["tt:Phù Yên", "Quang Huy", "Gia Phù"]),
]
# Chapters hanging directly under a district committee (chi đoàn cơ sở).
DIRECT_CHAPTERS = {
    "MS": ["Chi đoàn cơ sở Trường THPT Mai Sơn", "Chi đoàn cơ sở Trung tâm Y tế huyện Mai Sơn"],
    "MC": ["Chi đoàn cơ sở Trường THPT Mộc Lỵ"],
    "TC": ["Chi đoàn cơ sở Trường THPT Thuận Châu"],
}
CHIENG_DONG_VILLAGES = ["Nà Sản", "Co Muồng", "Pá Ban", "Nà Lốc", "Huổi Hộc"]
VILLAGES = [
    "Nà Hạ",
    "Pá Sàng",
    "Huổi Lè",
    "Co Kham",
    "Phiêng Tam",
    "Bó Mạy",
    "Nà Tấu",
    "Hua Nà",
    "Tà Vải",
    "Púng Tra",
    "Nong Vai",
    "Hin Pén",
    "Pá Kìm",
    "Nà Pát",
    "Co Phương",
    "Lọng Sản",
    "Tà Lọt",
    "Bản Mòng",
]

# Weights roughly as in Sơn La: Thái about half, then Kinh, Mông, Mường, Dao, Khơ Mú, Xinh Mun, Lào.
ETHNICITIES = [
    ("Thái", 50),
    ("Kinh", 18),
    ("Mông", 17),
    ("Mường", 8),
    ("Dao", 3),
    ("Khơ Mú", 2),
    ("Xinh Mun", 1),
    ("Lào", 1),
]
_THAI_MALE = [
    "Ánh",
    "Bình",
    "Chiến",
    "Duy",
    "Đức",
    "Hải",
    "Hùng",
    "Khánh",
    "Lả",
    "Mạnh",
    "Nọi",
    "Phong",
    "Quân",
    "Sơn",
    "Tiến",
    "Thanh",
    "Thắng",
    "Tuấn",
    "Ún",
    "Xuân",
]
_THAI_FEMALE = [
    "Ánh",
    "Bun",
    "Dung",
    "Éo",
    "Hoa",
    "Hương",
    "Inh",
    "Khánh",
    "Lan",
    "Mai",
    "Ngọc",
    "Phương",
    "Pọm",
    "Quyên",
    "Thoa",
    "Thủy",
    "Trang",
    "Xuân",
    "Yến",
]
NAMES = {
    "Thái": (
        ["Lò", "Quàng", "Cầm", "Lường", "Tòng", "Vì", "Lù", "Điêu", "Bạc", "Sa", "Mè", "Hà", "Lừ"],
        ["Văn"],
        _THAI_MALE,
        ["Thị"],
        _THAI_FEMALE,
    ),
    "Kinh": (
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Phan", "Đinh"],
        ["Văn", "Minh", "Đức", "Quang", "Hữu", "Thanh"],
        [
            "An",
            "Bảo",
            "Cường",
            "Dũng",
            "Đạt",
            "Hiếu",
            "Hoàng",
            "Huy",
            "Khôi",
            "Long",
            "Nam",
            "Phúc",
            "Sơn",
            "Thành",
            "Trung",
            "Tùng",
            "Việt",
        ],
        ["Thị", "Thu", "Ngọc", "Thanh", "Phương", "Hồng"],
        [
            "Anh",
            "Chi",
            "Duyên",
            "Giang",
            "Hà",
            "Hằng",
            "Hiền",
            "Huyền",
            "Linh",
            "Loan",
            "My",
            "Nga",
            "Nhung",
            "Oanh",
            "Quỳnh",
            "Thảo",
            "Trang",
            "Vân",
            "Yến",
        ],
    ),
    "Mông": (
        ["Giàng", "Sùng", "Mùa", "Thào", "Vàng", "Lầu", "Lý", "Hờ", "Tráng", "Cứ", "Chá", "Hạng"],
        ["A"],
        [
            "Dế",
            "Páo",
            "Chứ",
            "Chinh",
            "Tủa",
            "Sềnh",
            "Lử",
            "Sáy",
            "Dình",
            "Khua",
            "Nhè",
            "Pó",
            "Tồng",
            "Vừ",
            "Xà",
            "Lùng",
        ],
        ["Thị"],
        ["Mỷ", "Sua", "Dợ", "Ca", "Dính", "Mai", "Pằng", "Say", "Xúa", "Dung", "Pà"],
    ),
    "Mường": (
        ["Đinh", "Bùi", "Hà", "Quách", "Xa", "Cao"],
        ["Văn", "Công"],
        ["Bình", "Cường", "Hải", "Kiên", "Lực", "Mạnh", "Quyết", "Thắng", "Tuấn"],
        ["Thị"],
        ["Hoa", "Hồng", "Lan", "Luyến", "Nhung", "Thơm", "Vân"],
    ),
    "Dao": (
        ["Bàn", "Triệu", "Lý", "Đặng", "Phàn"],
        ["Văn"],
        ["Tiến", "Phúc", "Quý", "Sơn", "Tài", "Chiêu", "Kiều"],
        ["Thị"],
        ["Mai", "Xuân", "Hoa", "Liên", "Sinh", "Phương"],
    ),
    "Khơ Mú": (
        ["Lò", "Quàng", "Lường", "Cà", "Vì"],
        ["Văn"],
        _THAI_MALE[:12],
        ["Thị"],
        _THAI_FEMALE[:12],
    ),
    "Xinh Mun": (
        ["Lò", "Vì", "Quàng", "Lường"],
        ["Văn"],
        _THAI_MALE[6:],
        ["Thị"],
        _THAI_FEMALE[6:],
    ),
    "Lào": (
        ["Lò", "Vi", "Lường"],
        ["Văn"],
        ["Khăm", "Phết", "Sẻng", "Bun", "Chăn"],
        ["Thị"],
        ["Bun", "Khăm", "Pheng", "Xiêng"],
    ),
}


def _code(*parts: str) -> str:
    """Unit codes from initials of the folded names: SL-MS-CD…"""
    return "-".join(parts)


def _initials(name: str) -> str:
    return "".join(w[0] for w in fold_vietnamese(name).split()).upper()


def _build_units() -> dict:
    """The tree: province, district-level committees, communes, chapters; returns named units."""
    units: dict = {"chapters": []}
    province = org.create_unit("SL", "Tỉnh đoàn Sơn La", UnitKind.PROVINCE, None)
    units["province"] = province
    agencies = org.create_unit("SL-KCQ", "Đoàn Khối các cơ quan tỉnh", UnitKind.DISTRICT, province)
    for name in (
        "Chi đoàn Sở Giáo dục và Đào tạo",
        "Chi đoàn Sở Y tế",
        "Chi đoàn Văn phòng UBND tỉnh",
    ):
        units["chapters"].append(
            org.create_unit(_code("SL-KCQ", _initials(name)[2:]), name, UnitKind.CHAPTER, agencies)
        )
    village_pool = iter(VILLAGES * 20)
    for dcode, dname, communes in DISTRICTS:
        district = org.create_unit(_code("SL", dcode), dname, UnitKind.DISTRICT, province)
        units[dcode] = district
        for raw in communes:
            prefix, _sep, commune = raw.rpartition(":")
            kind_name = {"p": "Đoàn phường", "tt": "Đoàn thị trấn"}.get(prefix, "Đoàn xã")
            ccode = _code(district.code, _initials(commune))
            grassroots = org.create_unit(
                ccode, f"{kind_name} {commune}", UnitKind.GRASSROOTS, district
            )
            units[f"{dcode}:{commune}"] = grassroots
            if commune == "Chiềng Dong":
                chapter_names = [f"Chi đoàn bản {v}" for v in CHIENG_DONG_VILLAGES]
            elif prefix:
                chapter_names = [f"Chi đoàn tổ dân phố {n}" for n in (1, 2, 3)]
            else:
                chapter_names = [f"Chi đoàn bản {next(village_pool)}" for _ in range(3)]
            chapter_names.append(f"Chi đoàn Trường THCS {commune}")
            for number, name in enumerate(chapter_names, start=1):
                units["chapters"].append(
                    org.create_unit(f"{ccode}-{number:02d}", name, UnitKind.CHAPTER, grassroots)
                )
        for number, name in enumerate(DIRECT_CHAPTERS.get(dcode, []), start=1):
            units["chapters"].append(
                org.create_unit(
                    _code(district.code, f"CS{number}"), name, UnitKind.CHAPTER, district
                )
            )
    units["mai_son"] = units["MS"]
    units["chieng_dong"] = units["MS:Chiềng Dong"]
    units["na_san"] = next(u for u in units["chapters"] if u.name == "Chi đoàn bản Nà Sản")
    return units


def _person(rng: random.Random) -> tuple[str, str, str]:
    """(full name, gender, ethnicity) drawn with Sơn La's proportions."""
    ethnicity = rng.choices([e for e, _w in ETHNICITIES], weights=[w for _e, w in ETHNICITIES])[0]
    surnames, male_mid, male, female_mid, female = NAMES[ethnicity]
    if rng.random() < 0.5:
        return f"{rng.choice(surnames)} {rng.choice(male_mid)} {rng.choice(male)}", "nam", ethnicity
    return f"{rng.choice(surnames)} {rng.choice(female_mid)} {rng.choice(female)}", "nu", ethnicity


def _members(
    rng: random.Random, chapters: list[Unit], count: int, today: date, now: datetime, first: Unit
) -> None:
    """Insert `count` synthetic members in bulk: three in `first` (the demo accounts), one in
    every chapter, the rest spread unevenly."""
    weights = [rng.randint(4, 30) for _ in chapters]
    phones: set[str] = set()
    rows = []
    fixed = [first] * 3 + chapters
    for n in range(1, count + 1):
        chapter = fixed[n - 1] if n <= len(fixed) else rng.choices(chapters, weights=weights)[0]
        name, gender, ethnicity = _person(rng)
        phone = None
        while rng.random() < 0.85 and (phone is None or phone in phones):
            phone = rng.choice(["09", "03", "08", "07"]) + f"{rng.randrange(10**8):08d}"
        if phone:
            phones.add(phone)
        birth = today - timedelta(days=rng.randint(16 * 365, 35 * 365))
        rows.append(
            {
                "code": f"SL{n:06d}",
                "full_name": name,
                "birth_date": birth,
                "gender": gender,
                "ethnicity": ethnicity,
                "phone": phone,
                "email": None,
                "is_cadre": rng.random() < 0.08,
                "active": True,
                "chapter_id": chapter.id,
                "attributes": {},
                "updated_at": now,
            }
        )
    db.session.execute(insert(Member.__table__), rows)


def _staff(login: str, name: str, role: str, unit: Unit | None, now: datetime) -> User:
    user = accounts.create_staff_user(login, name, DEMO_PASSWORD, now)
    db.session.flush()
    db.session.add(Grant(user=user, role=role, unit=unit, granted_at=now))
    return user


def build_demo(now: datetime, members: int = 3000, seed: int = 1) -> dict:
    """Create the demo province, members and accounts; returns units, users and credentials."""
    rng = random.Random(seed)
    units = _build_units()
    na_san = units["na_san"]
    _members(
        rng,
        units["chapters"],
        max(members, len(units["chapters"]) + 3),
        to_local(now).date(),
        now,
        na_san,
    )
    in_na_san = list(
        db.session.scalars(
            select(Member).where(Member.chapter_id == na_san.id).order_by(Member.code)
        )
    )
    secretary_member, member, newcomer = in_na_san[0], in_na_san[1], in_na_san[2]
    secretary_member.is_cadre = True
    users = {
        "admin": _staff("admin", "Quản trị hệ thống", Role.ADMIN, None, now),
        "organiser": _staff(
            "bantuyengiao", "Ban Tuyên giáo Tỉnh đoàn", Role.ORGANISER, units["province"], now
        ),
        "secretary": _staff(
            "bithu.tinhdoan", "Bí thư Tỉnh đoàn Sơn La", Role.SECRETARY, units["province"], now
        ),
        "district_secretary": _staff(
            "bithu.maison", "Bí thư Huyện đoàn Mai Sơn", Role.SECRETARY, units["mai_son"], now
        ),
    }
    chapter_secretary = accounts.ensure_member_user(secretary_member, now)
    accounts.set_password(chapter_secretary, DEMO_PASSWORD)
    db.session.add(Grant(user=chapter_secretary, role=Role.SECRETARY, unit=na_san, granted_at=now))
    users["chapter_secretary"] = chapter_secretary
    users["member"] = accounts.ensure_member_user(member, now)
    accounts.set_password(users["member"], DEMO_PASSWORD)
    newcomer_user = accounts.ensure_member_user(newcomer, now)
    slip = accounts.issue_activation_code(newcomer_user, users["admin"], now)
    db.session.flush()
    refresh_roster_counts()
    credentials = [
        ("Quản trị hệ thống", "admin", DEMO_PASSWORD),
        ("Ban tổ chức (Tỉnh đoàn Sơn La)", "bantuyengiao", DEMO_PASSWORD),
        ("Bí thư Tỉnh đoàn Sơn La", "bithu.tinhdoan", DEMO_PASSWORD),
        ("Bí thư Huyện đoàn Mai Sơn", "bithu.maison", DEMO_PASSWORD),
        (
            f"Bí thư {na_san.name} ({chapter_secretary.display_name})",
            chapter_secretary.login,
            DEMO_PASSWORD,
        ),
        (f"Đoàn viên {na_san.name} ({member.full_name})", member.code, DEMO_PASSWORD),
    ]
    return {
        "units": units,
        "users": users,
        "credentials": credentials,
        "activation": (newcomer.code, slip.code),
        "members": db.session.scalar(select(db.func.count(Member.id))),
        "unit_count": db.session.scalar(select(db.func.count(Unit.id))),
    }


def existing_credentials() -> list[tuple[str, str, str]]:
    """The demo logins found in an existing database (the demo was loaded earlier)."""
    found = []
    for login, label in (
        ("admin", "Quản trị hệ thống"),
        ("bantuyengiao", "Ban tổ chức (Tỉnh đoàn Sơn La)"),
        ("bithu.tinhdoan", "Bí thư Tỉnh đoàn Sơn La"),
        ("bithu.maison", "Bí thư Huyện đoàn Mai Sơn"),
    ):
        if db.session.scalar(select(User.id).where(User.login == login)) is not None:
            found.append((label, login, DEMO_PASSWORD))
    na_san = db.session.scalar(select(Unit).where(Unit.code == "SL-MS-CD-01"))
    if na_san is not None:
        users = db.session.scalars(
            select(User)
            .join(Member, User.member_id == Member.id)
            .where(Member.chapter_id == na_san.id, User.password_hash.is_not(None))
            .order_by(Member.code)
            .limit(2)
        ).all()
        for user, role in zip(users, ("Bí thư", "Đoàn viên")):
            found.append((f"{role} {na_san.name} ({user.display_name})", user.login, DEMO_PASSWORD))
    return found


def database_is_empty() -> bool:
    """True when there is no unit yet (the demo is loaded only then with --if-empty)."""
    return db.session.scalar(select(Unit.id).limit(1)) is None
