"""The web server behind `backtrack serve`: textual-serve, made safe to switch on in a clinic.

textual-serve runs one copy of the app per browser tab behind a websocket. On top of it
this module serves its own page (title, favicon, fonts and scripts all from this machine;
the websocket address the browser actually used, or --public-url's, never the listening
address), refuses a websocket from another site's page, caps the open sessions (past the
cap a page that says so, and a refused websocket, never a hung one), starts each session's
app without a shell (`python -m backtrack --db FILE --clinic-login MODE`), and on Ctrl+C
asks every app to quit, waits for it (sets are committed as they are logged), and stops
within `STOP_SECONDS`.

Imported only by `backtrack serve`: it loads aiohttp and textual-serve.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import web
from aiohttp.typedefs import Handler
from textual_serve.app_service import AppService
from textual_serve.server import Server

PAGE_FOLDER = Path(__file__).resolve().parent.parent / "web"
TEXTUAL_SERVE_STATIC = Path(textual_serve.__file__).resolve().parent / "static"
# On stop: each app gets QUIT_GRACE seconds to quit by itself, then SIGTERM and TERM_GRACE
# more, then SIGKILL; the whole stop stays under STOP_SECONDS.
QUIT_GRACE = 2.5
TERM_GRACE = 1.0
STOP_SECONDS = 5.0
HEARTBEAT_SECONDS = 15.0
MIN_SIZE, MAX_SIZE = 10, 1000

log = logging.getLogger("backtrack.serve")


@dataclass(frozen=True)
class Served:
    """What to serve, and where: the session command, the listening socket and the
    address browsers use (None: whatever address the browser used)."""

    argv: list[str]
    sock: socket.socket
    public_url: str | None
    max_sessions: int


def _clamp(text: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(text) if text is not None else default
    except ValueError:
        value = default
    return min(max(value, low), high)


def websocket_url(public_url: str | None, host: str) -> str:
    """The websocket address for a page served at `public_url` (its scheme, host and path),
    or, with none, at http://`host` (the Host header the browser sent)."""
    if public_url is None:
        return f"ws://{host}/ws"
    parts = urlsplit(public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/ws"


def allowed_origins(public_url: str | None, host: str) -> set[str]:
    """The page origins whose websockets are accepted: the public URL's, and the address
    the request came to (plain or TLS, for a proxy that keeps the Host header)."""
    origins = {f"http://{host}", f"https://{host}"}
    if public_url is not None:
        parts = urlsplit(public_url)
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return {origin.lower() for origin in origins}


class Session(AppService):
    """One browser tab's app: started without a shell, and stopped with a grace period."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self._ended: asyncio.Task[None] | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        """The app's process id, once started."""
        return self._process.pid if self._process is not None else None

    async def end(self) -> None:
        """Ask the app to quit and wait for it (then SIGTERM, then SIGKILL); once."""
        if self._ended is None:
            self._ended = asyncio.ensure_future(self._end())
        await asyncio.shield(self._ended)

    async def _end(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send_meta({"type": "quit"}), 0.5)
            try:
                await asyncio.wait_for(process.wait(), QUIT_GRACE)
            except TimeoutError:
                log.warning("a session did not quit in %.1f s: terminating it", QUIT_GRACE)
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), TERM_GRACE)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    await process.wait()
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        task, self._task = self._task, None
        if task is not None:
            try:
                await asyncio.wait_for(task, 1.0)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers every response carries: no sniffing, no framing, no referrer."""
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


class BacktrackServer(Server):
    """textual-serve's Server with backtrack's page, a session cap, an origin check and a
    stop that waits for every session's app."""

    def __init__(self, served: Served) -> None:
        host, port = served.sock.getsockname()[:2]
        super().__init__(
            " ".join(served.argv),
            host=host,
            port=port,
            title="backtrack",
            public_url=served.public_url,
            statics_path=TEXTUAL_SERVE_STATIC,
            templates_path=PAGE_FOLDER,
        )
        self.served = served
        self.sessions: set[Session] = set()
        self.open_count = 0  # websockets accepted and not yet finished
        self.stopping = False
        self.stop_event: asyncio.Event | None = None

    # -- the pages ---------------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[_headers])
        aiohttp_jinja2.setup(
            app,
            loader=jinja2.FileSystemLoader(self.templates_path),
            autoescape=jinja2.select_autoescape(["html"], default=True),
        )
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.get("/favicon.ico", self.handle_favicon),
                web.static("/static", self.statics_path, name="static"),
                web.static("/assets", PAGE_FOLDER / "static", name="assets"),
            ]
        )
        return app

    def _content_policy(self, websocket: str) -> str:
        parts = urlsplit(websocket)
        origin = f"{parts.scheme}://{parts.netloc}"
        return (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; font-src 'self'; connect-src 'self' {origin}; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The app's page, or (every session open) the page that says so, status 503."""
        if self.open_count >= self.served.max_sessions:
            response = aiohttp_jinja2.render_template(
                "busy.html", request, {"max_sessions": self.served.max_sessions}, status=503
            )
            response.headers["Retry-After"] = "30"
            response.headers["Cache-Control"] = "no-store"
            return response
        url = websocket_url(self.served.public_url, request.host)
        context = {
            "websocket_url": url,
            "font_size": _clamp(request.query.get("fontsize"), 16, 8, 48),
            "max_sessions": self.served.max_sessions,
        }
        response = aiohttp_jinja2.render_template("page.html", request, context)
        response.headers["Content-Security-Policy"] = self._content_policy(url)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_favicon(self, request: web.Request) -> web.StreamResponse:
        """The icon, for browsers that ask /favicon.ico whatever the page says."""
        return web.FileResponse(
            PAGE_FOLDER / "static" / "favicon.svg", headers={"Content-Type": "image/svg+xml"}
        )

    # -- the sessions ------------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab's session: refused (403) from another site's page, and (503) past
        the cap or while stopping; else the app runs until the tab or the app closes."""
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() not in allowed_origins(
            self.served.public_url, request.host
        ):
            log.warning("refused a websocket from %s", origin)
            raise web.HTTPForbidden(text="backtrack: this page is not served from here")
        if self.stopping:
            raise web.HTTPServiceUnavailable(text="backtrack is stopping")
        if self.open_count >= self.served.max_sessions:
            raise web.HTTPServiceUnavailable(
                text=f"backtrack: too many open sessions ({self.served.max_sessions})"
            )
        self.open_count += 1
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
        session: Session | None = None
        try:
            width = _clamp(request.query.get("width"), 80, MIN_SIZE, MAX_SIZE)
            height = _clamp(request.query.get("height"), 24, MIN_SIZE, MAX_SIZE)
            await websocket.prepare(request)
            session = Session(
                self.served.argv,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            self.sessions.add(session)
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # a bad message from the browser ends its session only
            log.warning("a session ended on an error: %s", error)
        finally:
            if session is not None:
                await session.end()
                self.sessions.discard(session)
            self.open_count -= 1
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket

    async def stop_sessions(self) -> None:
        """Ask every session's app to quit and wait for each (bounded by their graces)."""
        self.stopping = True
        await asyncio.gather(*(session.end() for session in list(self.sessions)))

    # -- running -----------------------------------------------------------------------------

    async def run(self, ready: Callable[[str], None] | None = None) -> None:
        """Serve until SIGINT or SIGTERM, then stop every session and the server."""
        loop = asyncio.get_running_loop()
        self.stop_event = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop_event.set)
        runner = web.AppRunner(
            await self._make_app(), handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        await runner.setup()
        try:
            site = web.SockSite(runner, self.served.sock, shutdown_timeout=0.5)
            await site.start()
            if ready is not None:
                ready(self.public_url)
            await self.stop_event.wait()
            try:
                await asyncio.wait_for(self.stop_sessions(), STOP_SECONDS - 1.0)
            except TimeoutError:
                log.warning("some sessions did not stop in time")
        finally:
            await runner.cleanup()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


def serve_forever(served: Served, ready: Callable[[str], None]) -> None:
    """Run the server until Ctrl+C (SIGINT) or SIGTERM; `ready(url)` is called once it
    listens."""
    logging.basicConfig(
        level=logging.WARNING, format="backtrack serve: %(message)s", stream=sys.stderr
    )
    server = BacktrackServer(served)
    asyncio.run(server.run(ready))
