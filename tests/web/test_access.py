"""Who may see and do what: sign-in, roles, tenancy, CSRF and the protective headers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import (
    EDITOR,
    PASSWORD,
    ROTHERHAM_RUN,
    ROTHERHAM_SCENARIO,
    csrf,
    make_app,
)


def test_anonymous_users_are_sent_to_sign_in_and_the_api_answers_401(
    clients: dict[str, TestClient],
) -> None:
    anonymous = clients["anonymous"]
    for path in ("/", f"/scenarios/{ROTHERHAM_SCENARIO}", f"/runs/{ROTHERHAM_RUN}/shortlist"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/sign-in?next={path}"
    assert anonymous.get("/api/v1/scenarios").status_code == 401


def test_a_form_posted_without_its_csrf_token_is_refused(clients: dict[str, TestClient]) -> None:
    editor = clients["editor"]
    response = editor.post(f"/scenarios/{ROTHERHAM_SCENARIO}/runs", data={})
    assert response.status_code == 400
    assert "security token" in response.text
    wrong = editor.post(f"/scenarios/{ROTHERHAM_SCENARIO}/runs", data={"csrf_token": "forged"})
    assert wrong.status_code == 400
    fresh = TestClient(editor.app)
    signin = fresh.post("/sign-in", data={"email": EDITOR, "password": PASSWORD})
    assert signin.status_code == 400


def test_a_viewer_reaches_no_editing_page_and_no_write_api(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    assert viewer.get(f"/scenarios/{ROTHERHAM_SCENARIO}").status_code == 200
    for path in (
        f"/scenarios/{ROTHERHAM_SCENARIO}/rows/1",
        f"/scenarios/{ROTHERHAM_SCENARIO}/rows/new/service",
        f"/scenarios/{ROTHERHAM_SCENARIO}/settings",
        "/scenarios/import",
        "/admin/users",
    ):
        assert viewer.get(path).status_code == 403, path
    token = csrf(viewer, "/")
    assert (
        viewer.post(f"/scenarios/{ROTHERHAM_SCENARIO}/runs", data={"csrf_token": token}).status_code
        == 403
    )
    rows = viewer.get(f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/rows?kind=service").json()
    put = viewer.put(
        f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/rows/{rows[0]['id']}",
        json={"version": rows[0]["version"], "data": rows[0]["data"]},
    )
    assert put.status_code == 403
    assert viewer.post(f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/runs").status_code == 403


def test_a_user_of_another_authority_cannot_read_this_ones_scenario(
    clients: dict[str, TestClient],
) -> None:
    other = clients["other"]
    names = [s["name"] for s in other.get("/api/v1/scenarios").json()]
    assert names == ["Exampleton"]
    for path in (
        f"/scenarios/{ROTHERHAM_SCENARIO}",
        f"/runs/{ROTHERHAM_RUN}",
        f"/runs/{ROTHERHAM_RUN}/shortlist",
        f"/runs/{ROTHERHAM_RUN}/download/json",
    ):
        assert other.get(path).status_code == 404, path
    for path in (
        f"/api/v1/scenarios/{ROTHERHAM_SCENARIO}/rows",
        f"/api/v1/runs/{ROTHERHAM_RUN}",
        f"/api/v1/runs/{ROTHERHAM_RUN}/opportunities",
    ):
        assert other.get(path).status_code == 404, path
    assert "Rotherham" not in other.get("/").text


def test_pages_carry_security_headers_with_no_inline_script(clients: dict[str, TestClient]) -> None:
    response = clients["editor"].get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in response.headers
    assert "<script>" not in response.text  # every script is a file
    cookie = clients["editor"].cookies
    assert "shareplan_session" in cookie


def test_behind_tls_the_session_cookie_is_secure_and_hsts_is_sent(workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app: FastAPI = make_app(workspace, tmp_path, secure_cookies=True, behind_tls=True)
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/sign-in")
        assert response.headers["strict-transport-security"].startswith("max-age=")
        set_cookie = response.headers["set-cookie"].lower()
        assert "secure" in set_cookie and "httponly" in set_cookie and "samesite=lax" in set_cookie


def test_sign_in_is_rate_limited(app: FastAPI) -> None:
    with TestClient(app) as client:
        for _ in range(5):
            wrong = client.post(
                "/sign-in",
                data={"email": EDITOR, "password": "not the password", "csrf_token": csrf(client)},
            )
            assert wrong.status_code == 400
            assert "There is a problem" in wrong.text
        right = client.post(
            "/sign-in", data={"email": EDITOR, "password": PASSWORD, "csrf_token": csrf(client)}
        )
        assert right.status_code == 429


def test_an_upload_over_the_limit_is_refused(workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import sign_in

    app = make_app(workspace, tmp_path, max_upload_bytes=50_000)
    with TestClient(app) as client:
        sign_in(client, EDITOR)
        response = client.post(
            "/scenarios/import",
            data={"csrf_token": csrf(client, "/scenarios/import")},
            files={"scenario_file": ("big.xlsx", b"x" * 60_000)},
        )
        assert response.status_code == 413


def test_health_reports_the_database_and_the_queue(clients: dict[str, TestClient]) -> None:
    body = clients["anonymous"].get("/healthz").json()
    assert body["database"] == "ok" and body["database_kind"] == "sqlite"
    assert body["queue"] == "ok"


def test_pages_use_the_generic_header_and_local_assets_without_the_gov_uk_font(
    clients: dict[str, TestClient],
) -> None:
    from pathlib import Path

    html = clients["editor"].get("/").text
    assert 'class="govuk-generic-header' in html and "govuk-header__crown" not in html
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]
    css = clients["anonymous"].get("/static/build/app.css")
    assert css.status_code == 200
    assert "GDS Transport" not in css.text and "font-family:arial,sans-serif" in css.text
    assert clients["anonymous"].get("/static/build/govuk-frontend.min.js").status_code == 200
    assert clients["anonymous"].get("/static/build/htmx.min.js").status_code == 200
    assert (
        Path(__file__).parents[2].joinpath("src/shareplan/web/frontend/package-lock.json").exists()
    )


def test_serve_demo_prints_the_address_and_a_user_for_each_role(
    template_db,
    tmp_path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import shutil

    import uvicorn
    from typer.testing import CliRunner

    from shareplan.cli import app as cli

    target = tmp_path / "demo.db"
    shutil.copy(template_db, target)  # already appraised: the command only resets the passwords
    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.update(kw))
    result = CliRunner().invoke(
        cli, ["serve", "--demo", "--port", "8123", "--database-url", f"sqlite:///{target}"]
    )
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    for role in ("viewer", "editor", "admin"):
        assert f"{role}@demo.shareplan.example" in result.output
    assert served == {
        "host": "127.0.0.1",
        "port": 8123,
        "proxy_headers": False,
        "log_level": "warning",
    }
