"""The clinic login: the first screen of every browser session of `backtrack serve`.

Nothing of anyone's log is read or shown until the clinic password is right: the screen
dismisses True then, and the app goes on to the athlete picker or the session. A wrong
password keeps the field shut for the delay the database gives (1 s, 2 s, 4 s ... up to
30 s), shared by every browser session and process on the file. With no clinic password set
on a server that needs one, it says so and lets nobody in.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from backtrack.pins import MAX_PASSWORD_LENGTH
from backtrack.store import NotFound, StoreError
from backtrack.tui.desk import Desk
from backtrack.tui.lock import Hold, wait_words
from backtrack.tui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from backtrack.store.access import Attempt

NO_PASSWORD = (
    "No clinic password is set on this computer, and this server needs one. On the "
    "computer running it: backtrack clinic-password set, then reload this page."
)


class ClinicLoginScreen(ModalScreen[bool]):
    """Ask for the clinic password; dismisses True once it is right."""

    DEFAULT_CSS = """
    ClinicLoginScreen { align: center middle; }
    #login {
        width: 64; max-width: 100%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    #login .title { text-style: bold; margin-bottom: 1; }
    #login .hint { color: $text-muted; margin-bottom: 1; }
    #login Input { width: 100%; }
    #login-status { height: 2; margin-top: 1; color: $text-muted; }
    #login-status.-error { color: $error; text-style: bold; }
    ClinicLoginScreen.-narrow #login, ClinicLoginScreen.-short #login { padding: 0 1; }
    """
    # Modal: the app's keys (q, ?, t ...) do nothing here; q types into the password box.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]

    def __init__(self, desk: Desk, hold: Hold, *, has_password: bool = True) -> None:
        super().__init__()
        self.desk = desk
        self.hold = hold
        self.has_password = has_password

    def compose(self) -> ComposeResult:
        with Vertical(id="login"):
            yield Static("backtrack · clinic login", classes="title")
            if self.has_password:
                yield Static("The clinic password, to open the app on this screen.", classes="hint")
                yield Input(
                    password=True,
                    max_length=MAX_PASSWORD_LENGTH,
                    placeholder="clinic password",
                    id="password",
                )
                yield Static("Enter to open", id="login-status")
            else:
                yield Static(NO_PASSWORD, id="login-status", classes="-error")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        if self.has_password:
            self.query_one(Input).focus()
            self.hold_off()

    @on(Input.Submitted, "#password")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.query_one(Input).disabled and event.value:
            self.check(event.value)

    @work(exclusive=True, group="login")
    async def check(self, password: str) -> None:
        """Check `password`: dismiss on success, else refuse it and hold the next try."""
        field = self.query_one(Input)
        status = self.query_one("#login-status", Static)
        field.disabled = True
        field.value = ""
        try:
            attempt = await asyncio.to_thread(
                self.desk.run,
                lambda store: store.try_clinic_password(password, via="browser"),
            )
        except NotFound:
            status.set_class(True, "-error")
            status.update(NO_PASSWORD)
            return
        except StoreError as exc:
            field.disabled = False
            field.focus()
            status.update(f"Could not check the password: {exc}")
            return
        if attempt.ok:
            self.dismiss(True)
            return
        await self._wait_out(attempt, tried=True)

    @work(exclusive=True, group="login")
    async def hold_off(self) -> None:
        """Keep the field shut while a wrong password's delay (from any session) runs."""
        try:
            standing = await asyncio.to_thread(self.desk.run, lambda store: store.clinic_wait())
        except StoreError:
            return  # checking the password will say what is wrong
        if standing.wait > 0:
            await self._wait_out(standing)

    async def _wait_out(self, attempt: Attempt, *, tried: bool = False) -> None:
        field = self.query_one(Input)
        status = self.query_one("#login-status", Static)
        field.disabled = True
        status.set_class(True, "-error")
        wait = wait_words(attempt.wait)
        if attempt.checked or not tried:
            status.update(
                f"Wrong password ({attempt.failures} in a row). Wait {wait} before the next try."
            )
        else:
            status.update(
                f"Too soon after a wrong password ({attempt.failures} in a row); that one was "
                f"not checked. Wait {wait}."
            )
        await self.hold.wait(attempt.wait)
        status.update("Wrong password. Try again.")
        field.disabled = False
        field.focus()
