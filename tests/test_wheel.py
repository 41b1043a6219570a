"""The built wheel, installed in a fresh virtual environment outside the clone, migrates a new
database and serves every page: templates, migrations, static files and compiled catalogues
travel inside the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-cua-banh-xe"

# Run by the installed package's python, from a folder outside the clone.
VISIT = textwrap.dedent("""
    import re, sys
    from datetime import UTC, datetime

    import quizapp
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import Member, Unit, User, set_unit_path
    from quizapp.services.accounts import hash_password

    assert "site-packages" in quizapp.__file__, quizapp.__file__
    app = create_app()
    with app.app_context():  # a member to visit the member pages (the admin may not)
        unit = Unit(name="Chi đoàn bản Nà Sản", kind="chapter", code="NS")
        db.session.add(unit)
        db.session.flush()
        set_unit_path(unit)
        member = Member(code="DV001", full_name="Lò Thị Mai", chapter=unit)
        db.session.add(User(login="DV001", display_name=member.full_name, member=member,
                            password_hash=hash_password(sys.argv[1]), created_at=datetime.now(UTC)))
        db.session.commit()

    def signed_in(login):
        client = app.test_client()
        token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/auth/login").text).group(1)
        reply = client.post("/auth/login", data={"login": login, "password": sys.argv[1], "csrf_token": token})
        assert reply.status_code == 302, reply.text
        return client

    admin, member = signed_in("admin"), signed_in("DV001")
    pages = sorted((r.rule, r.endpoint) for r in app.url_map.iter_rules()
                   if "GET" in r.methods and not r.arguments and "logout" not in r.endpoint)
    for url, endpoint in pages:
        reply = (member if endpoint.startswith("member.") else admin).get(url)
        print(reply.status_code, url)
        assert reply.status_code in (200, 302), (url, reply.status_code)
    home = admin.get("/")
    css = re.search(r'href="(/static/[^"]+[.]css)', home.text).group(1)
    assert admin.get(css).status_code == 200, css
    assert "Đăng xuất" in home.text                    # Vietnamese by default
    assert "Sign out" in admin.get("/?lang=en").text   # English from the compiled catalogue
    print("pages:", len(pages))
""")


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=480, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_the_wheel_installed_outside_the_clone_migrates_and_serves_every_page(tmp_path_factory):
    outside = tmp_path_factory.mktemp("wheel")  # under the system temp folder, not the clone
    assert ROOT not in outside.parents
    dist, venv, source = outside / "dist", outside / "venv", outside / "source"
    # Built from a copy: setuptools' build/ folder in the clone could carry deleted files along.
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            "artifacts",
            "*.mo",
            "instance",
        ),
    )
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(source)]
    )
    wheel = next(dist.glob("quizapp-*.whl"))
    _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZAPP_", "FLASK_"))}
    env.update(
        QUIZAPP_DATABASE_URL=f"sqlite:///{outside / 'quizapp.sqlite'}",
        QUIZAPP_SECRET_KEY="wheel-test",
        PYTHONDONTWRITEBYTECODE="1",
    )
    quizapp = str(venv / "bin" / "quizapp")
    _run([quizapp, "db", "upgrade"], cwd=outside, env=env)
    _run(
        [quizapp, "create-admin", "admin"],
        cwd=outside,
        env={**env, "QUIZAPP_ADMIN_PASSWORD": PASSWORD},
    )
    _run(
        [quizapp, "bank", "import", str(ROOT / "question_banks" / "examples" / "vi-du.yaml")],
        cwd=outside,
        env=env,
    )
    visited = _run([str(venv / "bin" / "python"), "-c", VISIT, PASSWORD], cwd=outside, env=env)
    lines = visited.splitlines()
    assert "200 /" in lines and "200 /m/" in lines and "200 /org/" in lines, visited
