"""Dashboard sessions end when they should, at once: at log-out (also for a copy of the
cookie), when the key is removed from the key file or replaced, and a changed role applies
on the next request. The API follows the key file the same way. Against the web app on the
real dev server; the key file is edited while it runs, as an operator would."""

from __future__ import annotations

import os
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from lemniscate.api.auth import KeyRing, key_digest
from lemniscate.dashboard.session import Sessions
from lemniscate.models.events import Role
from tests.support.web import BASE, Web, session_cookie, web_app

ANNA = {"key": "sessions-coordinator-key-01", "id": "anna", "role": "coordinator"}
ELS = {"key": "sessions-auditor-key-012345", "id": "els", "role": "auditor"}


def _with(cookie: str) -> dict[str, str]:
    return {"Cookie": f"lemniscate_session={cookie}", "Origin": BASE}


async def _portfolio(web: Web, cookie: str) -> int:
    response = await web.client.get("/dashboard/", headers=_with(cookie))
    return response.status_code


async def _touch_later(path: Path) -> None:
    # The ring notices a change by mtime, size and inode; a rewrite of the same size within
    # the same clock tick must not go unseen in the test either.
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))


async def test_log_out_ends_the_session_also_for_a_copied_cookie(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with web_app(dev_server, tmp_path, [ANNA]) as web:
        login = await web.log_in(ANNA["key"])
        assert login.status_code == 303
        cookie = session_cookie(login)
        assert await _portfolio(web, cookie) == 200
        out = await web.client.post("/dashboard/logout", headers=_with(cookie))
        assert out.status_code == 303
        replayed = await web.client.get("/dashboard/", headers=_with(cookie))
        assert replayed.status_code == 303
        assert replayed.headers["location"].startswith("/dashboard/login")
        # Logging in again gives a new session that works.
        assert await _portfolio(web, session_cookie(await web.log_in(ANNA["key"]))) == 200


async def test_a_removed_or_replaced_key_ends_its_sessions_at_once(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with web_app(dev_server, tmp_path, [ANNA, ELS]) as web:
        anna = session_cookie(await web.log_in(ANNA["key"]))
        els = session_cookie(await web.log_in(ELS["key"]))
        assert await _portfolio(web, anna) == 200

        web.write_keys([ELS])  # anna's key removed
        await _touch_later(web.key_file)
        assert await _portfolio(web, anna) == 303
        assert await _portfolio(web, els) == 200
        api = await web.client.get("/method", headers={"X-API-Key": ANNA["key"]})
        assert api.status_code == 401  # the API reads the same file

        web.write_keys([{**ELS, "key": "sessions-auditor-key-rotated"}])  # els's key replaced
        await _touch_later(web.key_file)
        assert await _portfolio(web, els) == 303


async def test_a_changed_role_applies_on_the_next_request(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with web_app(dev_server, tmp_path, [ANNA]) as web:
        anna = session_cookie(await web.log_in(ANNA["key"]))
        page = await web.client.get("/dashboard/", headers=_with(anna))
        assert 'id="form-start"' in page.text  # a coordinator may start coalitions
        web.write_keys([{**ANNA, "role": "auditor"}])
        await _touch_later(web.key_file)
        page = await web.client.get("/dashboard/", headers=_with(anna))
        assert page.status_code == 200
        assert 'id="form-start"' not in page.text
        assert "auditor" in page.text


def test_an_unreadable_key_file_accepts_no_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text('[{"key": "sessions-coordinator-key-01", "id": "anna", "role": "coordinator"}]')
    ring = KeyRing.load(path)
    assert ring.identify(ANNA["key"]) is not None
    path.write_text('[{"key": "sessions-coordinator-key-01", "id": "anna", "ro')  # an edit half done
    assert ring.identify(ANNA["key"]) is None


def test_session_tokens_are_signed_expire_and_name_no_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text('[{"key": "sessions-coordinator-key-01", "id": "anna", "role": "coordinator"}]')
    ring = KeyRing.load(path)
    sessions = Sessions(b"k" * 32)
    token = sessions.issue(key_digest(ANNA["key"]), now=1000.0)
    actor = sessions.actor(token, ring, now=1001.0)
    assert actor is not None and actor.role == Role.coordinator
    assert "anna" not in token and key_digest(ANNA["key"]) not in token
    body, signature = token.split(".")
    assert sessions.actor(f"{body}x.{signature}", ring, now=1001.0) is None
    assert Sessions(b"x" * 32).actor(token, ring, now=1001.0) is None
    assert sessions.actor(token, ring, now=1000.0 + 9 * 3600) is None
    assert sessions.actor("garbage", ring, now=1001.0) is None
    sessions.revoke(token, now=1002.0)
    assert sessions.actor(token, ring, now=1003.0) is None
