"""Who is training: the athlete picker (also the lock screen) and the PIN screens.

The picker lists the active athletes; Enter opens one, asking for their PIN if they have
one. n adds an athlete; r renames, a archives, u switches kg/lb and p sets or removes the
PIN of the highlighted one, each after their PIN if they have one. While the picker shows,
the app's session keys (timer, stopwatch, history...) do nothing, so a locked screen shows
nothing of the last session. All database work runs off the UI thread through a `Desk`.
Wrong PINs and the wait they earn are counted in the database (store/access.py), so every
window and process on the file faces the same growing delay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from backtrack.models import Athlete
from backtrack.pins import MAX_DIGITS, MIN_DIGITS, InvalidPin, validate_pin
from backtrack.store import MAX_NAME_LENGTH, InvalidValue, Store, StoreError
from backtrack.tui.desk import Desk
from backtrack.tui.lock import Hold, wait_words
from backtrack.tui.widgets.keys_footer import KeysFooter
from backtrack.units import Unit

if TYPE_CHECKING:
    from backtrack.store.access import Attempt, Via

T = TypeVar("T")

# A modal hides the app's keys; q must still quit whenever the cursor is not in a text box
# (a focused box takes the q as typing, so a name with a q in it can be typed).
QUIT = Binding("q", "app.quit", "Quit")
# The app's session keys, silenced while the picker is up (a locked screen runs nothing).
SESSION_KEYS = (
    "t",
    "s",
    "k",
    "space",
    "plus",
    "equals_sign",
    "minus",
    "h",
    "l",
    "exclamation_mark",
)


def athlete_line(athlete: Athlete) -> Content:
    """'ann    kg · PIN' as one picker line."""
    return Content.assemble(
        (f"{athlete.name:<{MAX_NAME_LENGTH // 2}}", "bold"),
        f"  {athlete.unit}",
        ("  · PIN" if athlete.has_pin else "", "italic"),
    )


async def _on_desk(desk: Desk, work_: Callable[[Store], T]) -> T:
    """Run `work_` on the desk's connection in a thread, awaiting the result."""
    return await asyncio.to_thread(desk.run, work_)


class PinScreen(ModalScreen[bool]):
    """Ask for `athlete`'s PIN; dismisses True once it is right, False on Esc.

    The digits are masked. After a wrong PIN the field stays shut for the delay the
    database gives (1 s, then 2 s, 4 s ... per wrong PIN in a row, up to 30 s), also when
    the screen is closed and reopened, in another window, or in another process.
    """

    DEFAULT_CSS = """
    PinScreen { align: center middle; }
    #pin-dialog {
        width: 50; max-width: 100%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    #pin-dialog .title { text-style: bold; margin-bottom: 1; }
    #pin-dialog Input { width: 100%; }
    #pin-status { height: 2; margin-top: 1; color: $text-muted; }
    #pin-status.-error { color: $error; text-style: bold; }
    PinScreen.-narrow #pin-dialog, PinScreen.-short #pin-dialog { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel"), QUIT]

    def __init__(self, athlete: Athlete, desk: Desk, hold: Hold, via: Via = "app") -> None:
        super().__init__()
        self.athlete = athlete
        self.desk = desk
        self.hold = hold
        self.via: Via = via

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-dialog"):
            yield Static(f"{self.athlete.name}'s PIN", classes="title")
            yield Input(
                password=True,
                restrict=r"[0-9]*",
                max_length=MAX_DIGITS,
                placeholder=f"{MIN_DIGITS}-{MAX_DIGITS} digits",
                id="pin",
            )
            yield Static("Enter to open · Esc to go back", id="pin-status")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.hold_off()  # a wrong PIN a moment ago (here or elsewhere) still blocks

    def action_cancel(self) -> None:
        """Go back to the picker without opening the session."""
        self.dismiss(False)

    @on(Input.Submitted, "#pin")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.query_one(Input).disabled:
            self.check(event.value)

    @work(exclusive=True, group="pin")
    async def check(self, pin: str) -> None:
        """Check `pin`: dismiss on success, else refuse it and block the next try a while."""
        field = self.query_one(Input)
        status = self.query_one("#pin-status", Static)
        field.disabled = True
        try:
            attempt = await _on_desk(
                self.desk, lambda store: store.try_pin(self.athlete, pin, via=self.via)
            )
        except StoreError as exc:
            field.disabled = False
            status.update(f"Could not check the PIN: {exc}")
            return
        if attempt.ok:
            self.dismiss(True)
            return
        field.value = ""
        await self._wait_out(attempt, field, status, tried=True)

    @work(exclusive=True, group="pin")
    async def hold_off(self) -> None:
        """Keep the field shut until the athlete's block (if any) is over."""
        try:
            standing = await _on_desk(self.desk, lambda store: store.pin_wait(self.athlete))
        except StoreError:
            return  # checking the PIN will say what is wrong
        if standing.wait > 0:
            field = self.query_one(Input)
            await self._wait_out(standing, field, self.query_one("#pin-status", Static))

    async def _wait_out(
        self, attempt: Attempt, field: Input, status: Static, *, tried: bool = False
    ) -> None:
        """Keep the field shut for `attempt.wait`; `tried`: the attempt was this screen's."""
        field.disabled = True
        status.set_class(True, "-error")
        wait = wait_words(attempt.wait)
        if attempt.checked or not tried:
            status.update(
                f"Wrong PIN ({attempt.failures} in a row). Wait {wait} before the next try."
            )
        else:  # refused unchecked: a wrong PIN elsewhere (another window) blocks it
            status.update(
                f"Too soon after a wrong PIN ({attempt.failures} in a row); that one was not "
                f"checked. Wait {wait}."
            )
        await self.hold.wait(attempt.wait)
        status.update("Wrong PIN. Try again, or Esc to go back.")
        field.disabled = False
        field.focus()


class NameScreen(ModalScreen[str | None]):
    """Ask for an athlete's name; dismisses with it (trimmed), or None on Esc."""

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    #name-dialog {
        width: 60; max-width: 100%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    #name-dialog .title { text-style: bold; margin-bottom: 1; }
    #name-dialog .hint { color: $text-muted; margin-top: 1; }
    NameScreen.-narrow #name-dialog, NameScreen.-short #name-dialog { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel"), QUIT]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="name-dialog"):
            yield Static(self._title, classes="title")
            yield Input(self._value, max_length=MAX_NAME_LENGTH, id="name")
            yield Static("Enter to save · Esc to cancel", classes="hint")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_cancel(self) -> None:
        """Close without a name."""
        self.dismiss(None)

    @on(Input.Submitted, "#name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())


class NewPinScreen(ModalScreen[str | None]):
    """Ask for a new PIN twice; dismisses with it, "" to remove the PIN, or None on Esc."""

    DEFAULT_CSS = """
    NewPinScreen { align: center middle; }
    #new-pin-dialog {
        width: 60; max-width: 100%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    #new-pin-dialog .title { text-style: bold; margin-bottom: 1; }
    #new-pin-status { height: 2; margin-top: 1; color: $text-muted; }
    #new-pin-status.-error { color: $error; text-style: bold; }
    NewPinScreen.-narrow #new-pin-dialog, NewPinScreen.-short #new-pin-dialog { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        # priority: before the PIN box's own ctrl+d (delete right), unless there is no PIN
        Binding(
            "ctrl+d",
            "remove",
            "Remove the PIN",
            priority=True,
            tooltip="Remove the PIN (offered when they have one)",
        ),
        QUIT,
    ]

    def __init__(self, athlete: Athlete) -> None:
        super().__init__()
        self.athlete = athlete

    def compose(self) -> ComposeResult:
        with Vertical(id="new-pin-dialog"):
            yield Static(f"New PIN for {self.athlete.name}", classes="title")
            for field_id, placeholder in (("first", "new PIN"), ("again", "the same PIN again")):
                yield Input(
                    password=True,
                    restrict=r"[0-9]*",
                    max_length=MAX_DIGITS,
                    placeholder=f"{placeholder} ({MIN_DIGITS}-{MAX_DIGITS} digits)",
                    id=field_id,
                )
            removal = " · Ctrl+D removes the PIN" if self.athlete.has_pin else ""
            yield Static(f"Enter to save · Esc to cancel{removal}", id="new-pin-status")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#first", Input).focus()

    def action_cancel(self) -> None:
        """Close without changing the PIN."""
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+d is offered (and taken from the PIN box) only when there is a PIN."""
        return self.athlete.has_pin if action == "remove" else True

    def action_remove(self) -> None:
        """Remove the athlete's PIN (only offered when there is one)."""
        if self.athlete.has_pin:
            self.dismiss("")

    def _refuse(self, why: str) -> None:
        status = self.query_one("#new-pin-status", Static)
        status.set_class(True, "-error")
        status.update(why)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        first, again = self.query_one("#first", Input), self.query_one("#again", Input)
        if event.input is first:
            try:
                validate_pin(first.value)
            except InvalidPin as exc:
                self._refuse(str(exc))
                return
            again.focus()
            return
        if first.value != again.value:
            first.value = again.value = ""
            first.focus()
            self._refuse("The two PINs differ: type it again.")
            return
        self.dismiss(first.value)


class AthletePickerScreen(Screen[Athlete]):
    """Choose who is training; dismisses with the athlete once they are let in.

    With `locked`, it says the screen was locked. There is no way back to the last
    session except through the picker (and that athlete's PIN, if they have one).
    """

    DEFAULT_CSS = """
    AthletePickerScreen { align: center middle; }
    #picker {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; padding: 1 2; background: $surface;
    }
    #picker-title { text-style: bold; text-align: center; margin-bottom: 1; }
    #picker OptionList { height: auto; max-height: 16; border: none; padding: 0; }
    #picker OptionList > .option-list--option { padding: 0 1; }
    #picker-hint { color: $text-muted; margin-top: 1; }
    AthletePickerScreen.-narrow #picker { padding: 0 1; }
    AthletePickerScreen.-short #picker { padding: 0 2; }
    AthletePickerScreen.-short #picker-title { margin-bottom: 0; }
    AthletePickerScreen.-narrow.-short #picker { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New athlete"),
        Binding("r", "rename", "Rename"),
        Binding("a", "archive", "Archive"),
        Binding("u", "unit", "kg/lb"),
        Binding("p", "pin", "PIN"),
        *(Binding(key, "nothing", "", show=False) for key in SESSION_KEYS),
    ]

    def __init__(
        self,
        desk: Desk,
        hold: Hold,
        *,
        locked: bool = False,
        ask_for: Athlete | None = None,
        via: Via = "app",
    ) -> None:
        super().__init__()
        self.desk = desk
        self.hold = hold
        self.via: Via = via
        self.locked = locked
        self.ask_for = ask_for  # open this athlete (asking their PIN) as soon as listed
        self.athletes: list[Athlete] = []

    def compose(self) -> ComposeResult:
        title = "Locked. Who is training?" if self.locked else "Who is training?"
        with Vertical(id="picker"):
            yield Static(title, id="picker-title")
            yield OptionList(id="athletes")
            yield Static(
                "Enter opens · n new · r rename · a archive · u kg/lb · p PIN · ? keys",
                id="picker-hint",
            )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    def action_nothing(self) -> None:
        """Session keys do nothing here."""

    # -- the list -------------------------------------------------------------------------

    @work(exclusive=True, group="picker-read")
    async def reload(self, highlight: int | None = None) -> None:
        """Read the active athletes again, keeping (or moving to) the highlight."""
        current = self.highlighted
        try:
            self.athletes = await _on_desk(self.desk, lambda store: store.athletes())
        except StoreError as exc:
            self.notify(str(exc), title="Database problem", severity="error")
            return
        options = self.query_one(OptionList)
        options.set_options(Option(athlete_line(a), id=str(a.id)) for a in self.athletes)
        wanted = highlight if highlight is not None else (current.id if current else None)
        ids = [a.id for a in self.athletes]
        if wanted in ids:
            options.highlighted = ids.index(wanted)
        elif self.athletes:
            options.highlighted = 0
        hint = self.query_one("#picker-hint", Static)
        if not self.athletes:
            hint.update("No athletes yet: press n to add one.")
        asked, self.ask_for = self.ask_for, None
        if asked is not None and asked.id in ids:
            options.highlighted = ids.index(asked.id)
            self.open(self.athletes[ids.index(asked.id)])

    @property
    def highlighted(self) -> Athlete | None:
        """The athlete under the cursor, if any."""
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.athletes):
            return None
        return self.athletes[index]

    # -- opening a session ----------------------------------------------------------------

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        athlete = next((a for a in self.athletes if str(a.id) == event.option_id), None)
        if athlete is not None:
            self.open(athlete)

    @work(exclusive=True, group="picker-act")
    async def open(self, athlete: Athlete) -> None:
        """Let `athlete` in (after their PIN, if they have one)."""
        if await self._allowed(athlete):
            self.dismiss(athlete)

    async def _allowed(self, athlete: Athlete) -> bool:
        if not athlete.has_pin:
            return True
        allowed = await self.app.push_screen_wait(
            PinScreen(athlete, self.desk, self.hold, self.via)
        )
        return bool(allowed)

    # -- managing athletes ----------------------------------------------------------------

    async def _change(self, doing: str, work_: Callable[[Store], Athlete]) -> Athlete | None:
        try:
            changed = await _on_desk(self.desk, work_)
        except StoreError as exc:
            self.notify(str(exc), title=f"Could not {doing}", severity="error")
            return None
        self.reload(highlight=changed.id)
        return changed

    @work(exclusive=True, group="picker-act")
    async def action_new(self) -> None:
        """Add an athlete."""
        name = await self.app.push_screen_wait(NameScreen("New athlete's name"))
        if not name:
            return

        def create(store: Store) -> Athlete:
            if store.find_athlete(name) is not None:
                raise InvalidValue("athlete", f"an athlete named {name!r} already exists")
            return store.athlete(name)

        added = await self._change("add the athlete", create)
        if added is not None:
            self.notify(f"{added.name} added. Press p to give them a PIN.", title="New athlete")

    @work(exclusive=True, group="picker-act")
    async def action_rename(self) -> None:
        """Rename the highlighted athlete (after their PIN)."""
        athlete = self.highlighted
        if athlete is None or not await self._allowed(athlete):
            return
        name = await self.app.push_screen_wait(NameScreen(f"Rename {athlete.name}", athlete.name))
        if name and name != athlete.name:
            await self._change("rename", lambda store: store.rename_athlete(athlete, name))

    @work(exclusive=True, group="picker-act")
    async def action_archive(self) -> None:
        """Archive the highlighted athlete (after their PIN and a yes); the log is kept."""
        from backtrack.tui.screens.confirm import ConfirmScreen

        athlete = self.highlighted
        if athlete is None or not await self._allowed(athlete):
            return
        question = (
            f"Archive {athlete.name}? They leave this list; their log is kept, and "
            f"`backtrack athletes archive '{athlete.name}' --undo` brings them back."
        )
        if await self.app.push_screen_wait(ConfirmScreen(question, yes="Archive")):
            archived = await self._change("archive", lambda store: store.archive_athlete(athlete))
            if archived is not None:
                self.notify(f"{athlete.name} archived.")

    @work(exclusive=True, group="picker-act")
    async def action_unit(self) -> None:
        """Switch the highlighted athlete's loads between kg and lb (after their PIN)."""
        athlete = self.highlighted
        if athlete is None or not await self._allowed(athlete):
            return
        unit: Unit = "lb" if athlete.unit == "kg" else "kg"
        changed = await self._change("change the unit", lambda store: store.set_unit(athlete, unit))
        if changed is not None:
            self.notify(f"{changed.name} now sees loads in {unit}.")

    @work(exclusive=True, group="picker-act")
    async def action_pin(self) -> None:
        """Set, change or remove the highlighted athlete's PIN (after the current one)."""
        athlete = self.highlighted
        if athlete is None or not await self._allowed(athlete):
            return
        pin = await self.app.push_screen_wait(NewPinScreen(athlete))
        if pin is None:
            return
        changed = await self._change(
            "set the PIN",
            lambda store: store.change_pin(
                athlete,
                pin or None,
                via=self.via,
                allowed_by="pin" if athlete.has_pin else "none",
            ),
        )
        if changed is not None:
            self.notify(
                f"{changed.name}'s PIN is {'set' if changed.has_pin else 'removed'}.", title="PIN"
            )
