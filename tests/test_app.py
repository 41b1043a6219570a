"""The application starts, speaks Vietnamese by default and shows its error pages."""

from quizapp.web.safe import safe_next


def test_landing_page_is_vietnamese(client):
    page = client.get("/").get_data(as_text=True)
    assert "Đăng nhập" in page
    assert 'lang="vi"' in page


def test_language_switch_to_english(client):
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Sign in" in page


def test_unknown_page_is_a_vietnamese_404(client):
    reply = client.get("/khong-co-trang-nay")
    assert reply.status_code == 404
    assert "Không tìm thấy trang" in reply.get_data(as_text=True)


def test_health_endpoint_reports_database(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.json == {"status": "ok"}


def test_safe_next_refuses_other_sites():
    assert safe_next("/m/quiz/1") == "/m/quiz/1"
    for bad in (
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "\t//x",
    ):
        assert safe_next(bad) is None
