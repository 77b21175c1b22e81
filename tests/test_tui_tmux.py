"""End to end in a real terminal: the installed `backtrack` script in a tmux pane.

A lifter starts `backtrack` on a fresh machine account (empty HOME and XDG folders, the
database named by BACKTRACK_DB), answers the check-in with one key (and the red-flag
questions, asked the first time, with Enter: none of these), logs a set by keyboard, sees it
in the table, and quits with q. The set and the check-in are then read back with Python's
own sqlite3 module, not through backtrack. Started again, the app shows the set and does not
ask for the check-in twice. Another lifter logs a side bend session of three sets on the
left and three on the right with keys alone, and History shows both sides.

Every wait polls the pane with a deadline; nothing sleeps for a fixed time. Keys are sent
one step at a time, each after the screen shows the last one took effect: a key sent while
Textual is still moving the cursor to the next box lands in the box it is leaving.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

import pytest

COLUMNS, LINES = 100, 30
DEADLINE_SECONDS = 30.0  # a cold start on a busy 2-core CI runner stays well below this
POLL_SECONDS = 0.05
BACKTRACK = Path(sys.executable).parent / "backtrack"  # the venv that runs pytest
EXIT_LINE = re.compile(r"\[backtrack exited with (\d+)\]")
BOX = re.compile(r"▊([^▊▎]*)▎")  # a box of the set form on the pane: ▊  7    ▎
BOX_EDGE_COLOUR = re.compile(r"\x1b\[([0-9;]*)m▊")  # the colour of a box's left edge


class Pane:
    """A command in a 100x30 tmux pane, on a tmux server of our own (own socket, no user
    config), started afresh for every command."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.socket: Path | None = None
        self._servers = count()

    def run_tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert self.socket is not None
        return subprocess.run(
            ["tmux", "-S", str(self.socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )

    def tmux(self, *args: str) -> str:
        done = self.run_tmux(*args)
        assert done.returncode == 0, f"tmux {args[0]} failed: {done.stderr.strip()}"
        return done.stdout

    def start(self, command: list[str]) -> None:
        """Run `command`; when it ends, the pane says so with its exit status. A new tmux
        server now and then dies while starting on a busy machine ("server exited
        unexpectedly"): that is tmux, not the app, so it gets two more tries."""
        line = " ".join(shlex.quote(part) for part in command)
        shell = f'{line}; echo "[backtrack exited with $?]"; sleep 600'
        for _ in range(3):
            self.close()
            self.socket = self.folder / f"s{next(self._servers)}"
            done = self.run_tmux(
                "new-session", "-d", "-s", "e2e", "-x", str(COLUMNS), "-y", str(LINES), shell,
            )  # fmt: skip
            if done.returncode == 0 or "server exited unexpectedly" not in done.stderr:
                break
        assert done.returncode == 0, f"tmux new-session failed: {done.stderr.strip()}"

    def text(self) -> str:
        """The characters on the pane now."""
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, seen: Callable[[str], object], what: str) -> str:
        """Poll the pane until `seen(text)`; fail with the pane's text after the deadline."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            text = self.text()
            if seen(text):
                return text
            if EXIT_LINE.search(text):
                pytest.fail(f"the app ended before showing {what}; the pane shows:\n{text}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"never saw {what} in {DEADLINE_SECONDS:.0f} s; the pane shows:\n{text}"
                )
            time.sleep(POLL_SECONDS)

    def press(self, *keys: str) -> None:
        """Send keys by their tmux names ('Enter', 'Tab', 'q', '7')."""
        self.tmux("send-keys", "-t", "e2e", *keys)

    def focused_box(self) -> int | None:
        """Which box of the set form has the cursor (0 = reps), read from the colour of the
        boxes' edges: the focused one differs from the others. None when no box has it."""
        styled = self.tmux("capture-pane", "-p", "-e", "-t", "e2e")
        for line in styled.splitlines():
            if "▔" not in line:
                continue
            colours = BOX_EDGE_COLOUR.findall(line)
            if len(colours) < 6:
                continue
            odd = [i for i, c in enumerate(colours) if colours.count(c) == 1]
            return odd[0] if len(odd) == 1 else None
        return None

    def exit_status(self) -> int:
        """Wait for the command to end; its exit status."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not (match := EXIT_LINE.search(text := self.text())):
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not end; the pane shows:\n{text}")
            time.sleep(POLL_SECONDS)
        return int(match.group(1))

    def close(self) -> None:
        if self.socket is not None:
            subprocess.run(
                ["tmux", "-S", str(self.socket), "kill-server"], capture_output=True, check=False
            )
            self.socket = None


def form_boxes(text: str) -> list[str]:
    """What the set form's boxes show (reps, RPE, pain, load, ROM, note), or [] if hidden."""
    for line in text.splitlines():
        boxes = BOX.findall(line)
        if len(boxes) == 6 and not any("▔" in b or "▁" in b for b in boxes):
            return [box.strip() for box in boxes]
    return []


def type_in_box(pane: Pane, index: int, keys: str) -> None:
    """With the cursor in box `index`, type `keys` and wait until the box shows them."""
    pane.wait_for(lambda _: pane.focused_box() == index, f"the cursor in box {index}")
    pane.press(*keys)
    pane.wait_for(lambda t: form_boxes(t)[index : index + 1] == [keys], f"{keys!r} in box {index}")


@pytest.fixture
def fresh_account(tmp_path: Path) -> dict[str, str]:
    """The environment of a new user: empty HOME and XDG folders, BACKTRACK_DB in tmp."""
    home = tmp_path / "account"  # not the autouse fixture's home: a brand-new one
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TEXTUAL_ANIMATIONS": "none",
        "BACKTRACK_DB": str(tmp_path / "gym" / "backtrack.db"),
    }
    if "TZ" in os.environ:
        env["TZ"] = os.environ["TZ"]
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = home / name.lower()
        folder.mkdir(parents=True)
        env[name] = str(folder)
    return env


@pytest.fixture
def pane(fresh_account: dict[str, str]) -> Iterator[Pane]:
    """A terminal; its tmux sockets live in a short folder (socket paths have a length limit
    that pytest's tmp paths can pass)."""
    assert shutil.which("tmux"), "tmux is missing: scripts/test installs it"
    folder = Path(tempfile.mkdtemp(prefix="bt-tmux-"))
    terminal = Pane(folder, fresh_account)
    try:
        yield terminal
    finally:
        terminal.close()
        shutil.rmtree(folder, ignore_errors=True)


def read_db(path: Path, query: str) -> list[tuple]:
    """Rows of `query`, read with Python's sqlite3 on a read-only connection of its own."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


SET_QUERY = (
    "SELECT s.exercise_id, s.set_number, s.reps, s.load, s.unit, s.rpe, s.pain, a.name "
    "FROM sets s JOIN athletes a ON a.id = s.athlete_id"
)
LOGGED = ("jefferson-curl", 1, 7, 12.5, "kg", 8.0, 2, "me")
# The set in today's table: set, reps, load, ROM (the plan's level 1), RPE, pain, time.
ROW = re.compile(r"│ 1 +7 +12\.5 kg +1 +8 +2/10 +\d\d:\d\d ")


def test_check_in_log_a_set_quit_and_find_it_in_the_database(
    pane: Pane, fresh_account: dict[str, str]
) -> None:
    db = Path(fresh_account["BACKTRACK_DB"])
    assert BACKTRACK.exists(), f"the console script is not installed at {BACKTRACK}"
    pane.start([str(BACKTRACK)])

    pane.wait_for(lambda t: "Back pain right now?" in t, "the check-in question")
    pane.press("3")
    pane.wait_for(lambda t: "None of these (Enter)" in t, "the red-flag questions (first time)")
    pane.press("Enter")
    pane.wait_for(
        lambda t: "Back pain right now?" not in t and "Log set 1 of Jefferson curl" in t,
        "today's page after the check-in",
    )
    pane.wait_for(lambda t: "Back pain 3/10 recorded" in t, "the check-in saved")
    assert read_db(db, "SELECT pain FROM checkins") == [(3,)]

    pane.press("Enter")  # the cursor goes to the reps box; Tab moves to the next box
    type_in_box(pane, 0, "7")
    pane.press("Tab")
    type_in_box(pane, 1, "8")
    pane.press("Tab")
    type_in_box(pane, 2, "2")
    pane.press("Tab")
    type_in_box(pane, 3, "12.5")
    pane.press("Enter")

    pane.wait_for(lambda t: ROW.search(t) and "1 of 3 sets" in t, "the set in today's table")
    pane.wait_for(lambda t: "rest 1:" in t, "the rest countdown in the top bar")
    # Committed while the app still runs: another connection already sees it.
    assert read_db(db, SET_QUERY) == [LOGGED]

    pane.press("q")
    assert pane.exit_status() == 0
    assert read_db(db, SET_QUERY) == [LOGGED]
    assert read_db(db, "SELECT pain FROM checkins") == [(3,)]

    # Started again: the set is still there, and today's check-in is not asked twice.
    pane.start([str(BACKTRACK)])
    screen = pane.wait_for(
        lambda t: "Log set 2 of Jefferson curl" in t and ROW.search(t),
        "today's page again, with the set",
    )
    assert "Back pain right now?" not in screen
    pane.press("q")
    assert pane.exit_status() == 0


SIDE_SETS = (("L", 1, "8", "1"), ("R", 1, "8", "2"), ("L", 2, "7", "1"))
SIDE_SETS += (("R", 2, "8", "3"), ("L", 3, "8", "2"), ("R", 3, "6", "3"))


def side_row(side: str, number: int, reps: str, pain: str) -> re.Pattern[str]:
    """A side bend set in today's table: 'L 1  8  4 kg  1  7  1/10  hh:mm'."""
    return re.compile(rf"│ {side} {number} +{reps} +4 kg +1 +7 +{pain}/10 +\d\d:\d\d ")


def test_a_side_bend_session_of_three_left_and_three_right_then_history(
    pane: Pane, fresh_account: dict[str, str]
) -> None:
    """The side bend as a new user logs it: the form starts on the left and after each set
    offers the other side (alternating), with keys alone; History then shows both sides."""
    db = Path(fresh_account["BACKTRACK_DB"])
    pane.start([str(BACKTRACK)])
    pane.wait_for(lambda t: "Back pain right now?" in t, "the check-in question")
    pane.press("2")
    pane.wait_for(lambda t: "None of these (Enter)" in t, "the red-flag questions")
    pane.press("Enter")
    pane.wait_for(lambda t: "Log set 1 of Jefferson curl" in t, "today's page")
    pane.press("Right")  # the next drill: the side bend
    pane.wait_for(
        lambda t: "Log set L 1 of Half-kneeling side bend" in t and "LEFT side" in t,
        "the side bend's form on the left",
    )
    for index, (side, number, reps, pain) in enumerate(SIDE_SETS):
        pane.press("Enter")
        type_in_box(pane, 0, reps)
        pane.press("Tab")
        type_in_box(pane, 1, "7")
        pane.press("Tab")
        type_in_box(pane, 2, pain)
        pane.press("Enter")
        done = SIDE_SETS[: index + 1]
        pane.wait_for(
            lambda t, done=done: all(side_row(*each).search(t) for each in done),
            f"set {side} {number} in today's table",
        )
        if index < len(SIDE_SETS) - 1:
            after, then = SIDE_SETS[index + 1][:2]
            word = {"L": "LEFT", "R": "RIGHT"}[after]
            pane.wait_for(
                lambda t, after=after, then=then, word=word: (
                    f"Log set {after} {then} of Half-kneeling side bend" in t
                    and f"{word} side" in t
                ),
                f"the form on {word}",
            )
    pane.wait_for(lambda t: "L ●●● R ●●●  ✓ 6 of 6" in t, "both sides done on the card")
    assert read_db(db, "SELECT side, set_number, reps, pain FROM sets ORDER BY id") == [
        (side, number, int(reps), int(pain)) for side, number, reps, pain in SIDE_SETS
    ]

    pane.press("h")
    screen = pane.wait_for(
        lambda t: "L 8/7/8 R 8/8/6" in t and "L 2 R 3" in t, "both sides in History"
    )
    assert "last L 2 · R 3" in screen  # the pain chart's two rows, told apart
    pane.press("q")
    assert pane.exit_status() == 0
