"""`backtrack serve` in headless Chromium, driven through the DevTools protocol.

Used by the end-to-end test (tests/test_serve.py) and the serve benchmark (benchmarks/serve.py).
Only the standard library and aiohttp (which comes with textual-serve): Chromium is started
on a private profile with `--remote-debugging-port=0`, and each tab is a DevTools websocket.
What the app draws is read from the websocket frames the page receives (the terminal
output), played into a small terminal screen here, so tests read the screen as a person
would; keys go in as real key events. Every wait has a deadline; nothing sleeps for a
fixed time. Only 127.0.0.1 addresses are used.
"""

from __future__ import annotations

import asyncio
import base64
import codecs
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

import aiohttp

DEADLINE_SECONDS = 30.0
POLL_SECONDS = 0.02
# "... at http://127.0.0.1:PORT", or with --public-url "... (listening on 127.0.0.1:PORT)"
URL_LINE = re.compile(r"(?:at http://|listening on )(127\.0\.0\.1:\d+)")


def find_chromium() -> str | None:
    """The Chromium (or Chrome) on PATH, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


# -- the screen ----------------------------------------------------------------------------

CSI = re.compile(r"\x1b\[([0-9;?<=>]*)([ -/]*)([@-~])")
OSC = re.compile(r"\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


class TerminalScreen:
    """Enough of a terminal to read what Textual draws: cursor moves, text, erases.

    Styles are dropped; every cell holds one character.
    """

    def __init__(self, columns: int = 80, rows: int = 24) -> None:
        self.columns, self.rows = columns, rows
        self.grid = [[" "] * columns for _ in range(rows)]
        self.x = self.y = 0
        self._pending = ""
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode

    def resize(self, columns: int, rows: int) -> None:
        if (columns, rows) == (self.columns, self.rows):
            return
        grid = [[" "] * columns for _ in range(rows)]
        for y, line in enumerate(self.grid[:rows]):
            grid[y][: min(columns, len(line))] = line[:columns]
        self.grid, self.columns, self.rows = grid, columns, rows

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decode(data)
        self._pending = ""
        i = 0
        while i < len(text):
            char = text[i]
            if char == "\x1b":
                match = CSI.match(text, i) or OSC.match(text, i)
                if match is None:
                    if len(text) - i < 64 and not re.match(r"\x1b[^\[\]]", text[i:]):
                        self._pending = text[i:]  # cut in the middle: wait for the rest
                        return
                    i += 2
                    continue
                if match.re is CSI:
                    self._csi(match.group(1), match.group(3))
                i = match.end()
                continue
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self.y = min(self.y + 1, self.rows - 1)
            elif char == "\b":
                self.x = max(self.x - 1, 0)
            elif char >= " ":
                if 0 <= self.y < self.rows and 0 <= self.x < self.columns:
                    self.grid[self.y][self.x] = char
                self.x += 1
            i += 1

    def _csi(self, params: str, final: str) -> None:
        numbers = [int(p) if p.isdigit() else 0 for p in params.lstrip("?").split(";")]
        if final in "Hf":
            row = numbers[0] if numbers and numbers[0] else 1
            col = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.y, self.x = min(row - 1, self.rows - 1), min(col - 1, self.columns - 1)
        elif final == "J" and numbers and numbers[0] == 2:
            self.grid = [[" "] * self.columns for _ in range(self.rows)]
        elif final == "K":
            start = self.x if not numbers or numbers[0] == 0 else 0
            end = self.columns if not numbers or numbers[0] in (0, 2) else self.x + 1
            for x in range(start, end):
                self.grid[self.y][x] = " "
        elif final == "G":
            self.x = min((numbers[0] or 1) - 1, self.columns - 1)
        elif final == "C":
            self.x = min(self.x + (numbers[0] or 1), self.columns - 1)
        elif final == "D":
            self.x = max(self.x - (numbers[0] or 1), 0)

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.grid)


# -- Chromium and its tabs -------------------------------------------------------------------

KEYS: dict[str, tuple[str, str, int, str]] = {
    # name: (key, code, windowsVirtualKeyCode, text)
    "Enter": ("Enter", "Enter", 13, "\r"),
    "Tab": ("Tab", "Tab", 9, "\t"),
    "Escape": ("Escape", "Escape", 27, ""),
    "Backspace": ("Backspace", "Backspace", 8, ""),
    "ArrowRight": ("ArrowRight", "ArrowRight", 39, ""),
    "ArrowLeft": ("ArrowLeft", "ArrowLeft", 37, ""),
}


class Tab:
    """One page of the browser, over its own DevTools websocket."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse, target_id: str) -> None:
        self.socket = socket
        self.target_id = target_id
        self.screen = TerminalScreen()
        self.frames = 0  # terminal output frames received
        self.closed_by_server = False
        self.console: list[str] = []  # console messages and logged errors (CSP, 404 ...)
        self.requests: list[str] = []  # every URL the page asked for
        self.loaded_at: float | None = None
        self._ids = count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(message.data)
            if "id" in data:
                future = self._waiting.pop(data["id"], None)
                if future is not None and not future.done():
                    future.set_result(data)
                continue
            self._event(data.get("method", ""), data.get("params", {}))
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(ConnectionError("DevTools connection closed"))

    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.webSocketFrameReceived":
            response = params["response"]
            if response.get("opcode") == 2:
                self.screen.feed(base64.b64decode(response["payloadData"]))
                self.frames += 1
        elif method == "Network.webSocketCreated":
            size = re.search(r"width=(\d+)&height=(\d+)", params.get("url", ""))
            if size:
                self.screen.resize(int(size.group(1)), int(size.group(2)))
        elif method == "Network.webSocketFrameSent":
            payload = params["response"].get("payloadData", "")
            if payload.startswith('["resize"'):
                size = json.loads(payload)[1]
                self.screen.resize(int(size["width"]), int(size["height"]))
        elif method == "Network.webSocketClosed":
            self.closed_by_server = True
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Page.loadEventFired":
            self.loaded_at = time.monotonic()
        elif method == "Runtime.consoleAPICalled":
            self.console.append(
                params.get("type", "")
                + ": "
                + " ".join(str(a.get("value", "")) for a in params["args"])
            )
        elif method == "Log.entryAdded":
            entry = params["entry"]
            self.console.append(f"{entry.get('level')}: {entry.get('text')} {entry.get('url', '')}")

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result (an error raises)."""
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[number] = future
        await self.socket.send_str(json.dumps({"id": number, "method": method, "params": params}))
        answer = await asyncio.wait_for(future, DEADLINE_SECONDS)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    async def open(self, url: str, *, width: int = 1280, height: int = 800) -> None:
        """Start listening, size the page, and load `url`."""
        for domain in ("Page", "Network", "Runtime", "Log"):
            await self.send(f"{domain}.enable")
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        await self.send("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def wait_for(
        self, seen: Callable[[str], object], what: str, deadline: float = DEADLINE_SECONDS
    ) -> str:
        """Poll the screen until `seen(text)` holds; the screen text."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            text = self.screen.text()
            if seen(text):
                return text
            await asyncio.sleep(POLL_SECONDS)
        raise AssertionError(f"never saw {what}; the screen:\n{self.screen.text()}")

    async def focus(self) -> None:
        """Bring the tab to the front and the keyboard to its terminal (as a click would)."""
        await self.send("Page.bringToFront")
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")

    async def press(self, *keys: str) -> None:
        """Press named keys ('Enter', 'Tab' ...) or single characters, as a person would."""
        for key in keys:
            if key in KEYS:
                name, code, vk, text = KEYS[key]
            else:
                name, text = key, key
                code = f"Digit{key}" if key.isdigit() else f"Key{key.upper()}"
                vk = ord(key.upper()) if key.isalnum() else 0
            down: dict[str, Any] = {"key": name, "code": code, "windowsVirtualKeyCode": vk}
            if text:
                down |= {"text": text, "unmodifiedText": text}
            await self.send("Input.dispatchKeyEvent", type="keyDown", **down)
            await self.send(
                "Input.dispatchKeyEvent",
                type="keyUp",
                key=name,
                code=code,
                windowsVirtualKeyCode=vk,
            )

    async def type(self, text: str) -> None:
        """Type `text` (as an input method would)."""
        await self.send("Input.insertText", text=text)

    async def screenshot(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close()
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader


class Chromium:
    """Headless Chromium on a private profile folder, with DevTools on 127.0.0.1."""

    def __init__(self, profile: Path) -> None:
        self.profile = profile
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.http: aiohttp.ClientSession | None = None
        self.tabs: list[Tab] = []

    async def start(self) -> None:
        binary = find_chromium()
        if binary is None:
            raise RuntimeError("no chromium on PATH")
        self.profile.mkdir(parents=True, exist_ok=True)
        port_file = self.profile / "DevToolsActivePort"
        port_file.unlink(missing_ok=True)  # a stale one from an earlier run
        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        end = time.monotonic() + DEADLINE_SECONDS
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > end or self.process.poll() is not None:
                raise RuntimeError("Chromium did not start its DevTools server")
            await asyncio.sleep(POLL_SECONDS)
        self.port = int(port_file.read_text().split()[0])
        self.http = aiohttp.ClientSession()

    async def new_tab(self, url: str, **size: int) -> Tab:
        """A new tab on `url` (the page starts loading; wait on the tab's screen)."""
        assert self.http is not None
        base = f"http://127.0.0.1:{self.port}"
        async with self.http.put(f"{base}/json/new?about:blank") as response:
            target = await response.json(content_type=None)
        socket = await self.http.ws_connect(
            f"ws://127.0.0.1:{self.port}/devtools/page/{target['id']}", max_msg_size=0
        )
        tab = Tab(socket, target["id"])
        self.tabs.append(tab)
        await tab.open(url, **size)
        return tab

    async def close_tab(self, tab: Tab) -> None:
        assert self.http is not None
        await tab.close()
        with contextlib.suppress(Exception):
            async with self.http.get(f"http://127.0.0.1:{self.port}/json/close/{tab.target_id}"):
                pass
        if tab in self.tabs:
            self.tabs.remove(tab)

    async def stop(self) -> None:
        for tab in list(self.tabs):
            await tab.close()
        if self.http is not None:
            await self.http.close()
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


# -- the server ----------------------------------------------------------------------------


class ServeProcess:
    """`backtrack serve --port 0` on a database, and the URL it printed."""

    def __init__(self, db: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.db = db
        self.extra = list(extra)
        self.env = env
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.output: list[str] = []

    def start(self) -> str:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "backtrack",
                "serve",
                "--db",
                str(self.db),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                *self.extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        assert self.process.stdout is not None
        end = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < end:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            match = URL_LINE.search(line)
            if match:
                self.url = "http://" + match.group(1)
                return self.url
        self.stop()
        raise RuntimeError("backtrack serve did not start: " + "".join(self.output))

    def session_pids(self) -> list[int]:
        """The process ids of the apps it runs (its children)."""
        assert self.process is not None
        pid = self.process.pid
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def stop(self, sig: int = signal.SIGINT) -> float:
        """Send `sig` and wait for the server to exit; the seconds it took."""
        if self.process is None:
            return 0.0
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=DEADLINE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        took = time.monotonic() - started
        if self.process.stdout is not None and not self.process.stdout.closed:
            self.output.append(self.process.stdout.read())
            self.process.stdout.close()
        return took
