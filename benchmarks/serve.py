"""`backtrack serve` (issue 16): memory per open browser session, and time from page load to
Today, in headless Chromium.

    python -m benchmarks.serve               # 6 tabs at once
    python -m benchmarks.serve --sessions 2  # quicker

A fresh database with one athlete checked in today (so a session opens straight on Today),
served on 127.0.0.1 without a password; the tabs are opened one after another and each
stays open. For each tab: from the navigation to the page's load event, to the app's first
output, and to Today's drills on the screen. Once every tab shows Today, the memory of each
session's app process (PSS: its share of pages shared with other processes; and RSS), and of
the server itself. Then the same page with a clinic password set: time to the login screen,
and from the password's Enter to Today.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.browser import Chromium, ServeProcess, find_chromium
from benchmarks.generate import backtrack_command, quiet_env

PASSWORD = "Benchmark-Password-1"
TODAY = "Log set 1 of Jefferson curl"


def kib(pid: int, field: str, file: str = "status") -> int:
    """A `field` (VmRSS, Pss ...) of /proc/PID/`file` in KiB (0 when gone)."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found += tree(int(child))
    return found


def prepare(folder: Path, env: dict[str, str], *, password: bool) -> Path:
    db = folder / ("locked.db" if password else "open.db")
    command = backtrack_command()
    subprocess.run(
        [*command, "checkin", "--pain", "1", "--db", str(db)],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    if password:
        subprocess.run(
            [*command, "clinic-password", "set", "--db", str(db)],
            input=PASSWORD + "\n",
            text=True,
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
        )
    return db


@dataclass
class Opened:
    """What `sessions` tabs at once cost (KiB and seconds)."""

    pss: list[int]
    rss: list[int]
    server_rss: int
    load: list[float]
    first: list[float]
    today: list[float]
    stop: float


async def open_sessions(folder: Path, env: dict[str, str], sessions: int) -> Opened:
    db = prepare(folder, env, password=False)
    server = ServeProcess(db, "--max-sessions", str(sessions), env=env)
    url = server.start()
    browser = Chromium(folder / "profile-open")
    await browser.start()
    loads: list[float] = []
    firsts: list[float] = []
    todays: list[float] = []
    try:
        for _ in range(sessions):
            started = time.monotonic()
            tab = await browser.new_tab(url + "/")
            while not tab.frames:
                if time.monotonic() - started > 60:
                    raise RuntimeError("the app never drew anything")
                await asyncio.sleep(0.005)
            firsts.append(time.monotonic() - started)
            await tab.wait_for(lambda t: TODAY in t, "Today", 60)
            todays.append(time.monotonic() - started)
            if tab.loaded_at is not None:
                loads.append(tab.loaded_at - started)
        pids = server.session_pids()
        assert server.process is not None
        apps = [sum(kib(p, "Pss", "smaps_rollup") for p in tree(pid)) for pid in pids]
        rss = [sum(kib(p, "VmRSS") for p in tree(pid)) for pid in pids]
        server_rss = kib(server.process.pid, "VmRSS")
    finally:
        await browser.stop()
        stop = server.stop()
    return Opened(apps, rss, server_rss, loads, firsts, todays, stop)


async def with_login(folder: Path, env: dict[str, str]) -> tuple[float, float]:
    db = prepare(folder, env, password=True)
    server = ServeProcess(db, env=env)
    url = server.start()
    browser = Chromium(folder / "profile-locked")
    await browser.start()
    try:
        started = time.monotonic()
        tab = await browser.new_tab(url + "/")
        await tab.wait_for(lambda t: "clinic login" in t, "the login", 60)
        to_login = time.monotonic() - started
        await tab.focus()
        await tab.type(PASSWORD)
        entered = time.monotonic()
        await tab.press("Enter")
        await tab.wait_for(lambda t: TODAY in t, "Today after the login", 60)
        to_today = time.monotonic() - entered
    finally:
        await browser.stop()
        server.stop()
    return to_login, to_today


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.serve", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sessions", type=int, default=6, help="tabs open at once")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        parser.error("needs chromium on PATH (scripts/test installs it)")
    with tempfile.TemporaryDirectory(prefix="backtrack-serve-bench-") as name:
        folder = Path(name)
        (folder / "home").mkdir()
        env = quiet_env(folder / "home")
        opened = asyncio.run(open_sessions(folder, env, args.sessions))
        to_login, to_today = asyncio.run(with_login(folder, env))
    pss = [v / 1024 for v in opened.pss]
    rss = [v / 1024 for v in opened.rss]
    today = opened.today
    print(f"backtrack serve, {len(pss)} browser sessions open at once (headless Chromium)")
    print(
        f"memory per open session: {statistics.median(pss):.1f} MiB PSS "
        f"(RSS {statistics.median(rss):.1f} MiB; PSS {min(pss):.1f}-{max(pss):.1f} MiB); "
        f"the server itself: {opened.server_rss / 1024:.1f} MiB RSS"
    )
    print(
        f"page load to Today: median {ms(statistics.median(today))} "
        f"(first tab {ms(today[0])}, slowest {ms(max(today))}); "
        f"page load event {ms(statistics.median(opened.load))}, "
        f"app's first output {ms(statistics.median(opened.first))}"
    )
    print(
        f"with a clinic password: page load to the login {ms(to_login)}, "
        f"Enter to Today {ms(to_today)}"
    )
    print(f"Ctrl+C with every session open: stopped in {ms(opened.stop)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
