"""`backtrack serve`: the app for browsers on the clinic's other screens (textual-serve).

Each browser tab runs its own copy of the app on the same database, as `backtrack` does. A
clinic password is needed unless the server listens on this computer only (loopback) and
has no --public-url; with one set, every browser session opens on the clinic login. The
server itself lives in `cli/web.py`, imported (with aiohttp and textual-serve, the
optional `serve` extra) only when this command runs.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from backtrack.cli.base import CliError, _db_path, _opened, db_option

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 8
INSTALL_HINT = "pip install 'backtrack[serve]'"


def _check_public_url(url: str) -> str:
    """`url` without a trailing slash, if browsers can use it to reach the app (http or
    https, a host, no user, query or fragment); else a usage error."""
    parts = urlsplit(url.strip())
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
        or not port_ok
    ):
        raise click.BadParameter(
            f"{url!r} is not an http:// or https:// address such as https://backtrack.example",
            param_hint="'--public-url'",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _addresses(host: str, port: int) -> list[tuple[int, tuple[str, int]]]:
    """Where `host` listens: (family, address) for each address it stands for."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise CliError(f"cannot listen on {host!r}: {exc.strerror}") from None
    return [(family, (str(address[0]), int(address[1]))) for family, _, _, _, address in infos]


def _is_loopback(addresses: list[tuple[int, tuple[str, int]]]) -> bool:
    """Whether every address is this computer's own (127.0.0.0/8, ::1)."""
    return all(ipaddress.ip_address(addr[0].split("%")[0]).is_loopback for _, addr in addresses)


def _listen(host: str, port: int, family: int, address: tuple[str, int]) -> socket.socket:
    """A listening socket at `address`; a usage error naming it when it cannot be had."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.setblocking(False)
    return sock


def _browser_url(host: str, sock: socket.socket, public_url: str | None) -> str:
    """The address to print: --public-url, else http://HOST:PORT (the computer's name for
    an address that means every interface)."""
    if public_url is not None:
        return public_url
    port = sock.getsockname()[1]
    shown = host
    if host in ("0.0.0.0", "::", ""):
        shown = socket.gethostname()
    elif ":" in host:
        shown = f"[{host}]"
    return f"http://{shown}:{port}"


@click.command(name="serve")
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="The address to listen on: 0.0.0.0 for every network of this computer.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="The port to listen on (0: any free one).",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The address browsers use, e.g. https://backtrack.clinic.example behind a TLS "
    "reverse proxy (default: the one each browser used, http://HOST:PORT).",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 64),
    default=DEFAULT_MAX_SESSIONS,
    show_default=True,
    help="Browser sessions open at once; past it a new tab is told so.",
)
@db_option
def serve(host: str, port: int, public_url: str | None, max_sessions: int, db: Path | None) -> None:
    """Serve the app to web browsers on the clinic's other screens.

    Each browser tab runs its own copy of the app on this database, starting where
    `backtrack` with no --athlete does (the athlete picker on a shared terminal). A clinic
    password (`backtrack clinic-password set`) is needed unless it listens on this computer
    only (the default 127.0.0.1) and has no --public-url; with one set, every browser
    session asks it first. Put it behind a TLS reverse proxy before it leaves the local
    network. Ctrl+C stops it; every session's sets are saved as they are logged.

    Needs the optional textual-serve: pip install 'backtrack[serve]'.
    """
    try:
        import textual_serve  # noqa: F401  (the optional extra; imported only here)
    except ImportError:
        raise CliError(f"backtrack serve needs textual-serve: {INSTALL_HINT}") from None
    checked_url = _check_public_url(public_url) if public_url is not None else None
    addresses = _addresses(host, port)
    local_only = _is_loopback(addresses) and checked_url is None
    path = _db_path(db)
    with _opened(db) as store:
        has_password = store.has_clinic_password()
    if not has_password and not local_only:
        beyond = f"--host {host}" if checked_url is None else "--public-url"
        raise CliError(
            f"no clinic password is set, and {beyond} serves beyond this computer: set one "
            "with `backtrack clinic-password set` first (or serve on 127.0.0.1 only)"
        )
    family, address = addresses[0]
    sock = _listen(host, port, family, address)
    argv = [
        sys.executable,
        "-m",
        "backtrack",
        "--db",
        str(path),
        "--clinic-login",
        "if-set" if local_only else "required",
    ]
    from backtrack.cli.web import Served, serve_forever

    url = _browser_url(host, sock, checked_url)

    listening = f"{host}:{sock.getsockname()[1]}"

    def ready(_: str) -> None:
        where = f" (listening on {listening})" if checked_url is not None else ""
        click.echo(f"backtrack serves {path} at {url}{where}")
        if has_password:
            click.echo("Every browser session asks the clinic password first.")
        else:
            click.echo("No clinic password is set: only this computer can open it.")
        click.echo(f"At most {max_sessions} sessions at once. Ctrl+C stops it.")
        sys.stdout.flush()

    try:
        serve_forever(Served(argv, sock, checked_url, max_sessions), ready)
    finally:
        sock.close()
    click.echo("backtrack serve stopped; every session's sets are saved.")
