"""`quizapp import-roster`: the roster import from a terminal, with its report in Vietnamese."""

import json

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Member, Unit

HEADER = (
    "Mã đoàn viên,Họ và tên,Ngày sinh,Số điện thoại,Huyện đoàn,Đoàn cơ sở,Chi đoàn,Cán bộ đoàn\n"
)
ROWS = (
    "DV001,Lò Văn Ánh,05/09/2001,0912345678,Huyện đoàn Mai Sơn,Đoàn xã Chiềng Dong,Chi đoàn bản Nà Sản,x\n"
    "DV002,Giàng A Dế,02/01/2000,,Huyện đoàn Mai Sơn,Đoàn xã Chiềng Dong,Chi đoàn bản Co Muồng,\n"
)


def write(tmp_path, text, name="ds.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return str(path)


def count_members() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Member.id)))


def test_import_prints_what_it_did(runner, make, tmp_path):
    make.province()
    db.session.commit()
    result = runner.invoke(args=["import-roster", write(tmp_path, HEADER + ROWS)])
    assert result.exit_code == 0, result.output
    assert "Thêm mới: 2 · Cập nhật: 0 · Chuyển chi đoàn: 0" in result.output
    assert "Đã ghi danh sách vào cơ sở dữ liệu." in result.output
    assert count_members() == 2


def test_three_bad_rows_write_nothing_and_are_all_named(runner, make, tmp_path):
    make.province()
    db.session.commit()
    bad = (
        "DV003,Hà Thị Lan,31/02/2001,,,,Chi đoàn bản Nà Sản,\n"
        "DV004,,01/01/2001,,,,Chi đoàn bản Nà Sản,\n"
        "DV005,Sùng A Páo,01/01/2001,12ab,,,Chi đoàn bản Nà Sản,\n"
    )
    result = runner.invoke(args=["import-roster", write(tmp_path, HEADER + ROWS + bad)])
    assert result.exit_code == 1
    for where in (
        "Dòng 4, cột 'Ngày sinh'",
        "Dòng 5, cột 'Họ và tên'",
        "Dòng 6, cột 'Số điện thoại'",
    ):
        assert where in result.output
    assert "Không ghi gì vào cơ sở dữ liệu." in result.output
    assert count_members() == 0


def test_dry_run_reports_without_writing(runner, make, tmp_path):
    make.province()
    db.session.commit()
    result = runner.invoke(args=["import-roster", "--dry-run", write(tmp_path, HEADER + ROWS)])
    assert result.exit_code == 0
    assert "Thêm mới: 2" in result.output and "Chạy thử: chưa ghi gì" in result.output
    assert count_members() == 0


def test_unknown_chapter_needs_create_units(runner, make, tmp_path):
    make.province()
    db.session.commit()
    rows = "DV009,Cầm Thị Hoa,,,Huyện đoàn Mai Sơn,Đoàn xã Chiềng Mung,Chi đoàn bản Củ,\n"
    path = write(tmp_path, HEADER + rows)
    refused = runner.invoke(args=["import-roster", path])
    assert refused.exit_code == 1 and "Không có chi đoàn 'Chi đoàn bản Củ'" in refused.output
    created = runner.invoke(args=["import-roster", "--create-units", path])
    assert created.exit_code == 0, created.output
    assert "Đơn vị tạo mới: 2" in created.output
    assert db.session.scalar(select(Unit).where(Unit.name == "Chi đoàn bản Củ")) is not None


def test_deactivate_missing_is_explicit(runner, make, tmp_path):
    make.province()
    db.session.commit()
    runner.invoke(args=["import-roster", write(tmp_path, HEADER + ROWS)])
    first_only = write(tmp_path, HEADER + ROWS.splitlines(keepends=True)[0], "mot.csv")
    kept = runner.invoke(args=["import-roster", first_only])
    assert "Không có trong tệp: 1 (giữ nguyên" in kept.output
    locked = runner.invoke(args=["import-roster", "--deactivate-missing", first_only])
    assert "Không có trong tệp: 1 (khóa 1)" in locked.output
    db.session.expire_all()
    assert db.session.scalar(select(Member.active).where(Member.code == "DV002")) is False


def test_import_limited_to_a_unit(runner, make, tmp_path):
    make.province()
    db.session.commit()
    rows = "DV010,Hà Thị Lan,,,,,SL-MC-ML,\n"
    result = runner.invoke(
        args=["import-roster", "--unit", "SL-MS", write(tmp_path, HEADER + rows)]
    )
    assert result.exit_code == 1 and "không thuộc đơn vị bạn được quyền nhập" in result.output
    unknown = runner.invoke(args=["import-roster", "--unit", "XX", write(tmp_path, HEADER + rows)])
    assert "Không có đơn vị mã 'XX'" in unknown.output


def test_json_output_for_scripts(runner, make, tmp_path):
    make.province()
    db.session.commit()
    result = runner.invoke(args=["import-roster", "--json", write(tmp_path, HEADER + ROWS)])
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["summary"]["added"] == 2 and report["applied"] is True
    assert set(report["timings"]) == {"parse", "plan", "apply", "commit"}
