"""`backtrack serve` (issue 16): the command's refusals, the page (self-contained, its own
title and icon), the session cap, the origin check, the stop on Ctrl+C, and end to end in
headless Chromium driven through the DevTools protocol: log in, check in, log sets from two
tabs at once, stop the server, and find every set in the database.

The server listens on 127.0.0.1 on a free port (`--port 0`); Chromium's DevTools too. Every
wait has a deadline (benchmarks/browser.py); no test sleeps for a fixed time.
"""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from backtrack.catalog import Catalog
from backtrack.cli.web import STOP_SECONDS, allowed_origins, websocket_url
from backtrack.store import Store
from benchmarks.browser import Chromium, ServeProcess, Tab, find_chromium

PASSWORD = "Lumbar-Flexion-42"
DEADLINE = 30.0
RED_FLAGS = "Since your last session, any of these?"


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def set_password(db_path: Path, catalog: Catalog) -> None:
    store = Store.open(db_path, catalog)
    try:
        store.set_clinic_password(PASSWORD, via="command line")
    finally:
        store.close()


def sets_in(db_path: Path) -> list[tuple[str, int, int]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT exercise_id, set_number, reps FROM sets ORDER BY set_number"
        ).fetchall()
    finally:
        conn.close()


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


# -- the command's refusals ------------------------------------------------------------------


def test_without_textual_serve_it_says_how_to_install(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # as if not installed
    error = one_line_error(run("serve"))
    assert "pip install 'backtrack[serve]'" in error


def test_no_password_no_serving_beyond_this_computer(run) -> None:  # type: ignore[no-untyped-def]
    for args in (["--host", "0.0.0.0"], ["--public-url", "https://backtrack.clinic.example"]):
        error = one_line_error(run("serve", *args))
        assert "no clinic password is set" in error and "clinic-password set" in error


@pytest.mark.parametrize(
    "args",
    [
        ["--public-url", "ftp://clinic.example"],
        ["--public-url", "https://"],
        ["--public-url", "https://user@clinic.example"],
        ["--public-url", "https://clinic.example/?x=1"],
        ["--public-url", "https://clinic.example:99999"],
        ["--port", "70000"],
        ["--max-sessions", "0"],
        ["--host", "no-such-host.invalid"],
    ],
)
def test_bad_options_are_one_line_errors(run, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    one_line_error(run("serve", *args))


def test_a_port_in_use_is_a_one_line_error(run) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        error = one_line_error(run("serve", "--port", str(port)))
    assert f"cannot listen on 127.0.0.1:{port}" in error


def test_the_websocket_address_follows_the_page_not_the_listening_address() -> None:
    assert websocket_url(None, "gym-pc.local:8000") == "ws://gym-pc.local:8000/ws"
    assert websocket_url("https://clinic.example/backtrack", "x") == (
        "wss://clinic.example/backtrack/ws"
    )
    assert websocket_url("http://10.0.0.5:8000", "x") == "ws://10.0.0.5:8000/ws"
    assert allowed_origins("https://clinic.example", "127.0.0.1:8000") == {
        "https://clinic.example",
        "http://127.0.0.1:8000",
        "https://127.0.0.1:8000",
    }


# -- the server, without a browser -----------------------------------------------------------


@pytest.fixture
def serving(db_path: Path, catalog: Catalog) -> Iterator[ServeProcess]:
    """`backtrack serve` with a clinic password, on a free loopback port."""
    set_password(db_path, catalog)
    server = ServeProcess(db_path, "--max-sessions", "2")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DEADLINE)) as session:
        yield session


ASSET = re.compile(r'(?:src|href)="([^"]+)"')


async def test_the_page_is_backtracks_own_and_loads_nothing_from_elsewhere(
    serving: ServeProcess, http: aiohttp.ClientSession
) -> None:
    async with http.get(serving.url + "/") as page:
        assert page.status == 200
        html = await page.text()
        policy = page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"
    assert "<title>backtrack</title>" in html
    assert 'rel="icon" href="assets/favicon.svg"' in html
    assert "googleapis" not in html and "Textual Application" not in html
    port = serving.url.rsplit(":", 1)[1]
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in html
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assets = ASSET.findall(html)
    assert assets and not [a for a in assets if "//" in a]  # every one served from here
    for asset in [*assets, "/favicon.ico"]:
        async with http.get(f"{serving.url}/{asset.lstrip('/')}") as response:
            assert response.status == 200, asset
            body = await response.read()
            if asset.endswith(".css"):
                text = body.decode()
                assert "http:" not in text.replace("http://bellard.org", "")  # a comment
                assert "https:" not in text.replace("https://github.com/chjj", "")


async def app_output(ws: aiohttp.ClientWebSocketResponse) -> bytes:
    """The first output of the app behind a websocket (it started)."""
    async with asyncio.timeout(DEADLINE):
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                return bytes(message.data)
    raise AssertionError("the websocket closed before the app drew anything")


async def test_past_the_cap_a_new_tab_is_told_so_and_nothing_hangs(
    serving: ServeProcess, http: aiohttp.ClientSession
) -> None:
    origin = {"Origin": serving.url}
    ws_url = serving.url.replace("http", "ws") + "/ws?width=80&height=24"
    first = await http.ws_connect(ws_url, headers=origin)
    second = await http.ws_connect(ws_url, headers=origin)
    await app_output(first)
    await app_output(second)
    assert len(serving.session_pids()) == 2
    async with http.get(serving.url + "/") as busy:
        assert busy.status == 503
        text = await busy.text()
    assert "Too many open sessions" in text and "at most 2 sessions" in text
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(ws_url, headers=origin)
    assert refused.value.status == 503
    # a tab closes: its app ends and there is room again
    pids = serving.session_pids()
    await first.close()
    end = time.monotonic() + DEADLINE
    while len(serving.session_pids()) != 1:
        assert time.monotonic() < end, "the closed tab's app never ended"
        await asyncio.sleep(0.05)
    assert sum(alive(pid) for pid in pids) == 1
    async with http.get(serving.url + "/") as page:
        assert page.status == 200
    await second.close()


async def test_another_sites_page_cannot_open_a_session(
    serving: ServeProcess, http: aiohttp.ClientSession
) -> None:
    ws_url = serving.url.replace("http", "ws") + "/ws"
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(ws_url, headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403
    assert serving.session_pids() == []


async def test_ctrl_c_stops_it_and_every_app_within_5_s(
    serving: ServeProcess, http: aiohttp.ClientSession
) -> None:
    ws_url = serving.url.replace("http", "ws") + "/ws"
    sockets = [await http.ws_connect(ws_url, headers={"Origin": serving.url}) for _ in range(2)]
    for ws in sockets:
        await app_output(ws)
    pids = serving.session_pids()
    assert len(pids) == 2
    took = serving.stop()
    assert took < STOP_SECONDS, took
    assert serving.process is not None and serving.process.returncode == 0
    assert not [pid for pid in pids if alive(pid)]
    assert "stopped" in "".join(serving.output)
    for ws in sockets:
        await ws.close()


# -- end to end in headless Chromium ---------------------------------------------------------


@pytest.fixture
async def chromium(tmp_path: Path) -> AsyncIterator[Chromium]:
    if find_chromium() is None:
        pytest.fail("headless Chromium is needed for the browser test: run scripts/test")
    browser = Chromium(tmp_path / "chromium-profile")
    await browser.start()
    yield browser
    await browser.stop()


async def log_in(tab: Tab) -> None:
    await tab.wait_for(lambda t: "clinic login" in t, "the clinic login")
    assert "Jefferson curl" not in tab.screen.text()  # nothing of the log before it
    await tab.focus()
    await tab.type(PASSWORD)
    await tab.press("Enter")
    screen = await tab.wait_for(
        lambda t: "Back pain right now?" in t or "Log set" in t, "the session after the login"
    )
    if "Back pain right now?" in screen:  # the day's first start: the check-in
        await tab.press("2")
        screen = await tab.wait_for(
            lambda t: (
                "Back pain right now?" not in t
                and (RED_FLAGS in t or "Back pain 2/10 recorded" in t)
            ),
            "the check-in saved",
        )
        if RED_FLAGS in screen:  # the first check-in goes on to the red-flag questions
            await tab.press("Enter")  # none of these
    await tab.wait_for(
        lambda t: "Log set" in t and "Back pain right now?" not in t and RED_FLAGS not in t,
        "today's page",
    )


FORM = re.compile(r"Log set (\d+) of Jefferson curl")


async def log_a_set(tab: Tab, reps: str, db_path: Path) -> None:
    """Press keys on Today: Enter to the form, the reps, Enter to log; the set is in the
    database and the form moves on to the next set."""
    await tab.focus()
    screen = await tab.wait_for(FORM.search, "the set form")
    number = int(FORM.search(screen)[1])  # type: ignore[index]
    before = len(sets_in(db_path))
    if "Leave form" not in screen:
        await tab.press("Enter")
        await tab.wait_for(lambda t: "Leave form" in t, "the cursor in the set form")
    await tab.press(reps)
    await tab.wait_for(lambda t: f"▊ {reps} " in t, f"{reps} in the reps box")
    await tab.press("Enter")
    end = time.monotonic() + DEADLINE
    while len(sets_in(db_path)) == before:
        assert time.monotonic() < end, "no set in the database; the screen:\n" + tab.screen.text()
        await asyncio.sleep(0.05)
    await tab.wait_for(
        lambda t: (found := FORM.search(t)) is not None and int(found[1]) > number,
        "the form moved on to the next set",
    )


async def test_in_a_browser_log_in_log_sets_from_two_tabs_and_stop(
    chromium: Chromium, db_path: Path, catalog: Catalog, tmp_path: Path
) -> None:
    set_password(db_path, catalog)
    server = ServeProcess(db_path)
    url = server.start()
    try:
        first = await chromium.new_tab(url + "/")
        await log_in(first)
        second = await chromium.new_tab(url + "/")
        await log_in(second)
        await log_a_set(first, "7", db_path)
        await log_a_set(second, "6", db_path)  # the database numbers it after the first's
        await log_a_set(first, "8", db_path)
        assert sets_in(db_path) == [
            ("jefferson-curl", 1, 7),
            ("jefferson-curl", 2, 6),
            ("jefferson-curl", 3, 8),
        ]
        await first.screenshot(tmp_path / "today.png")
        for tab in (first, second):
            hosts = {re.sub(r"^\w+://([^/]+).*", r"\1", r) for r in tab.requests}
            assert hosts == {url.split("//")[1]}, tab.requests  # nothing from elsewhere
            refused = [line for line in tab.console if "Refused" in line or "404" in line]
            assert not refused, refused
        pids = server.session_pids()
        assert len(pids) == 2
    finally:
        took = server.stop()
    assert took < STOP_SECONDS, took
    assert not [pid for pid in pids if alive(pid)]
    assert len(sets_in(db_path)) == 3
    for tab in (first, second):
        await tab.wait_for(lambda _, tab=tab: tab.closed_by_server, "the session's end")
        assert await tab.evaluate("document.body.classList.contains('-closed')")


def test_the_serve_benchmark_runs_and_prints_its_figures() -> None:
    """benchmarks/serve.py (memory per open session, page load to Today) at one session."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.serve", "--sessions", "1"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"memory per open session: [\d.]+ MiB PSS", done.stdout), done.stdout
    assert re.search(r"page load to Today: median \d+ ms", done.stdout), done.stdout
    assert re.search(r"page load to the login \d+ ms, Enter to Today \d+ ms", done.stdout)


def test_defaults_in_the_help(run) -> None:  # type: ignore[no-untyped-def]
    shown = " ".join(run("serve", "--help").output.split())
    for default in ("default: 127.0.0.1", "default: 8000", "default: 8"):
        assert default in shown, default


async def test_a_public_url_is_what_the_page_uses_and_every_session_needs_the_password(
    db_path: Path, catalog: Catalog, http: aiohttp.ClientSession
) -> None:
    """Behind a proxy (--public-url), the page's websocket address is the public one, the
    proxy's origin is accepted, and each session's app requires the clinic password (it
    would let nobody in if the password were gone); served on loopback alone, it asks the
    password only when one is set."""
    set_password(db_path, catalog)
    public = "https://backtrack.clinic.example/gym"
    server = ServeProcess(db_path, "--public-url", public)
    url = server.start()
    try:
        assert "at https://backtrack.clinic.example/gym" in "".join(server.output)
        async with http.get(url + "/") as page:
            html = await page.text()
        assert 'data-session-websocket-url="wss://backtrack.clinic.example/gym/ws"' in html
        ws = await http.ws_connect(
            url.replace("http", "ws") + "/ws",
            headers={"Origin": "https://backtrack.clinic.example"},
        )
        await app_output(ws)
        (pid,) = server.session_pids()
        argv = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
        assert argv[argv.index("--clinic-login") + 1] == "required"
        assert argv[argv.index("--db") + 1] == str(db_path)
        await ws.close()
    finally:
        server.stop()
