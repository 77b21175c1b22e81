"""A real terminal for the benchmarks: a private tmux server, polled through capture-pane."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping
from itertools import count

POLL_SECONDS = 0.005
COLUMNS, LINES = 120, 40


class TerminalTimeout(Exception):
    """The pane never showed what was waited for."""


class Tmux:
    """One tmux server of our own (its own socket, no user config), one pane at a time."""

    _ids = count()

    def __init__(self, env: Mapping[str, str]) -> None:
        self.socket = f"backtrack-bench-{os.getpid()}"
        self.env = dict(env)
        self.session = ""

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )

    def start(self, command: list[str]) -> float:
        """Run `command` in a fresh pane; return the perf_counter just before launching it."""
        self.session = f"bench{next(self._ids)}"
        line = " ".join(shlex.quote(part) for part in command)
        for attempt in range(3):
            started = time.perf_counter()
            done = self._tmux(
                "new-session", "-d", "-s", self.session, "-x", str(COLUMNS), "-y", str(LINES),
                line, ";", "set-option", "-t", self.session, "remain-on-exit", "on",
                ";", "set-option", "-s", "exit-empty", "off",
            )  # fmt: skip
            # remain-on-exit keeps a crashed program's last words on the pane for the error;
            # exit-empty off keeps the server up between panes (a server that is exiting as
            # the next pane starts makes tmux fail with "server exited unexpectedly").
            if done.returncode == 0:
                return started
            if "server exited unexpectedly" not in done.stderr or attempt == 2:
                break
            time.sleep(0.2)
        raise RuntimeError(f"tmux could not start {line!r}: {done.stderr.strip()}")

    def screen(self) -> str:
        """The text on the pane now."""
        return self._tmux("capture-pane", "-p", "-t", self.session).stdout

    def wait_for(self, seen: Callable[[str], bool], timeout: float = 30.0) -> float:
        """Poll the pane until `seen(text)`; return the perf_counter when it was seen."""
        deadline = time.perf_counter() + timeout
        while True:
            text = self.screen()
            now = time.perf_counter()
            if seen(text):
                return now
            if now > deadline:
                raise TerminalTimeout(f"not seen in {timeout:.0f} s; the pane shows:\n{text}")
            time.sleep(POLL_SECONDS)

    def keys(self, *keys: str) -> float:
        """Send keys (tmux names: 'h', 'Escape', 'Enter'); return the perf_counter before."""
        started = time.perf_counter()
        self._tmux("send-keys", "-t", self.session, *keys)
        return started

    def stop(self) -> None:
        """End the pane's session (its program gets SIGHUP)."""
        if self.session:
            self._tmux("kill-session", "-t", self.session)
            self.session = ""

    def close(self) -> None:
        """Stop the private tmux server."""
        self._tmux("kill-server")

    def time_to_text(self, command: list[str], text: str, timeout: float = 60.0) -> float:
        """Seconds from launching `command` until `text` is on the pane; the pane is ended."""
        try:
            started = self.start(command)
            return self.wait_for(lambda screen: text in screen, timeout) - started
        finally:
            self.stop()
