"""The set form: reps, effort, pain, load, ROM and a note, committed with Enter.

Fields are in the order a lifter changes them between sets (reps, RPE, pain first; load and
ROM come prefilled). Every value is checked as it is typed; a refused value turns its box red
and the reason appears under the fields, and nothing typed is ever cleared by a refusal.
In any number box the quick-pick letters (e, m, h, v, x) set the effort; up/down step a value.

For a two-sided drill (the side bend, the windmill) the form logs a side too: the form's
border says which (LEFT or RIGHT), the set number counts on that side, and `w` in a number
box switches it (as on the set table); the order the sides come in shows under the form,
and `o` switches it. A set being edited keeps its side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Static

from backtrack.models import SIDE_WORDS
from backtrack.tui.service import ORDER_WORDS, SetDraft, other_side
from backtrack.units import MAX_LOAD_KG, Unit, format_number, from_kg, to_kg

if TYPE_CHECKING:
    from backtrack.models import Exercise, SetEntry, Side, SideOrder


@dataclass(frozen=True)
class QuickPick:
    """An effort a lifter can pick with one letter; `rpe` is what gets logged."""

    key: str
    word: str
    rpe: float


QUICK_PICKS = (
    QuickPick("e", "easy", 6),
    QuickPick("m", "medium", 7),
    QuickPick("h", "hard", 8),
    QuickPick("v", "very hard", 9),
    QuickPick("x", "max", 10),
)
PICK_BY_KEY = {pick.key: pick for pick in QUICK_PICKS}
FIELDS = ("reps", "rpe", "pain", "load", "rom", "note")
SIDE_KEY = "w"  # the other side for the next set (two-sided drills)
ORDER_KEY = "o"  # the other order of the sides (two-sided drills)


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{what}: {text!r} is not a number")
    return value


def _whole(text: str, what: str, low: int, high: int) -> int:
    value = _number(text, what)
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"{what}: {text} is not a whole number {low} to {high}")
    return int(value)


def parse_reps(text: str) -> int:
    """Reps done: a whole number 0-100 (required)."""
    if not text.strip():
        raise ValueError("reps: type how many reps you did")
    return _whole(text, "reps", 0, 100)


def parse_rpe(text: str) -> float | None:
    """Effort as RPE 1-10 in steps of 0.5, or None when blank."""
    if not text.strip():
        return None
    value = _number(text, "RPE")
    if not 1 <= value <= 10 or value * 2 != int(value * 2):
        raise ValueError(f"RPE: {text} is not 1 to 10 in steps of 0.5")
    return value


def parse_pain(text: str) -> int | None:
    """Back pain during the set, a whole number 0-10, or None when blank."""
    if not text.strip():
        return None
    return _whole(text, "pain", 0, 10)


def parser_for_load(unit: Unit) -> Callable[[str], float]:
    """A parser for a load in `unit`: 0 or more and below 1000 kg (required)."""

    def parse_load(text: str) -> float:
        if not text.strip():
            raise ValueError(f"load: type the load in {unit} (0 for bodyweight)")
        value = _number(text, "load")
        if value < 0:
            raise ValueError(f"load: {text} {unit} is below 0")
        if to_kg(value, unit) >= MAX_LOAD_KG:
            raise ValueError(f"load: {text} {unit} is not below 1000 kg")
        return value

    return parse_load


def parser_for_rom(exercise: Exercise) -> Callable[[str], int]:
    """A parser for a level on the drill's ROM ladder (required)."""

    def parse_rom(text: str) -> int:
        if not text.strip():
            raise ValueError(f"ROM: type a level, 1 to {exercise.max_rom_level}")
        return _whole(text, "ROM", 1, exercise.max_rom_level)

    return parse_rom


class Parsed(Validator):
    """Valid when the field's parser accepts the text; the failure is the parser's reason."""

    def __init__(self, field: Field) -> None:
        super().__init__()
        self._field = field

    def validate(self, value: str) -> ValidationResult:
        try:
            self._field.parse(value)
        except ValueError as exc:
            return self.failure(str(exc))
        return self.success()


class Field(Input):
    """A form box that knows how to turn its text into a value (or say why it cannot)."""

    def __init__(self, name: str, parse: Callable[[str], Any], **kwargs: Any) -> None:
        super().__init__(id=f"field-{name}", validate_on=["changed", "submitted"], **kwargs)
        self.parse = parse
        self.validators = [Parsed(self)]

    def problem(self) -> str | None:
        """Why the current text is refused, or None when it is fine."""
        try:
            self.parse(self.value)
        except ValueError as exc:
            return str(exc)
        return None


class NumberField(Field):
    """A number box: up/down step the value; the quick-pick letters set the effort."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "step(1)", "More", show=False, tooltip="One step more (reps, RPE, load...)"),
        Binding("down", "step(-1)", "Less", show=False, tooltip="One step less"),
    ]

    class PickedEffort(Message):
        """A quick-pick letter was typed in a number box."""

        def __init__(self, pick: QuickPick) -> None:
            super().__init__()
            self.pick = pick

    class SideKey(Message):
        """The side key (w) or the order key (o) was typed in a number box."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        name: str,
        parse: Callable[[str], Any],
        *,
        step: float = 1,
        low: float = 0,
        high: float = 100,
        blank_start: float = 0,
        integer: bool = True,
    ) -> None:
        super().__init__(name, parse, type="integer" if integer else "number")
        self.step, self.low, self.high, self.blank_start = step, low, high, blank_start

    async def _on_key(self, event: Key) -> None:
        pick = PICK_BY_KEY.get(event.character or "")
        if pick is not None:
            event.stop()
            event.prevent_default()
            self.post_message(self.PickedEffort(pick))
            return
        if event.character in (SIDE_KEY, ORDER_KEY):
            event.stop()
            event.prevent_default()
            self.post_message(self.SideKey(event.character))
            return
        await super()._on_key(event)

    def action_step(self, direction: int) -> None:
        """Step the value up or down, staying within its bounds."""
        try:
            current = float(self.value)
        except ValueError:
            current = self.blank_start - direction * self.step
        value = min(self.high, max(self.low, current + direction * self.step))
        self.value = format_number(value)
        self.cursor_position = len(self.value)


class LogForm(Vertical):
    """The set form: fill it, Enter commits (posts `Submitted`), escape leaves it."""

    # Today's rules for this widget, parsed when it is first mounted (after the first frame),
    # not at launch with today.tcss; not scoped, as they were there ("TodayScreen.-narrow ...").
    SCOPED_CSS = False
    DEFAULT_CSS = """
    LogForm {
        height: auto;
        border: round $primary 50%;
        padding: 0 1;
    }
    LogForm:focus-within {
        border: heavy $accent;
    }
    LogForm.-editing {
        border: heavy $warning;
    }
    /* a two-sided drill: the side on the top border, the order of the sides on the bottom one */
    LogForm.-side-L, LogForm.-side-R {
        border-title-align: left;
        border-title-color: $text;
        border-title-background: $primary 60%;
        border-title-style: bold;
        border-subtitle-align: left;
        border-subtitle-color: $text-muted;
    }
    LogForm .form-head {
        height: auto;
    }
    LogForm .form-title {
        width: auto;
    }
    LogForm .form-hint {
        width: 1fr;
        padding: 0 0 0 3;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TodayScreen.-short LogForm .form-hint, TodayScreen.-narrow LogForm .form-hint,
    TodayScreen.-medium LogForm .form-hint {
        display: none;  /* Enter and Esc are in the footer */
    }
    LogForm .fields {
        height: auto;
    }
    LogForm .column {
        width: 9;
        height: auto;
        margin: 0 1 0 0;
    }
    LogForm .col-pain {
        width: 10;
    }
    LogForm .col-load {
        width: 12;
    }
    LogForm .col-rom {
        width: 8;
    }
    LogForm .col-note {
        width: 1fr;
        margin: 0;
    }
    LogForm .caption {
        color: $text-muted;
        padding: 0 1;
    }
    LogForm Input {
        width: 100%;
        padding: 0 1;  /* Input's default 0 2 leaves 3 cells in a 9-wide box: 7.5 showed as .5 */
    }
    LogForm .form-message {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    LogForm.-refused .form-message {
        color: $error;
    }
    LogForm .picks {
        height: 1;
    }
    LogForm .picks-label {
        width: auto;
        color: $text-muted;
        padding: 0 1;
    }
    LogForm .pick {
        width: auto;
        min-width: 0;
        padding: 0;
        margin: 0 2 0 0;  /* line-pad is set to 0 in log_form (CSS cannot say 0) */
    }
    LogForm .picks.-numbers {
        display: none;
    }

    /* medium: the form's six fields and its picks in rows */
    TodayScreen.-medium LogForm .fields, TodayScreen.-narrow LogForm .fields {
        layout: grid;
        grid-size: 3;
        grid-columns: 1fr 1fr 1fr;
        grid-rows: auto;
        grid-gutter: 0 1;
    }
    TodayScreen.-medium LogForm .column, TodayScreen.-narrow LogForm .column {
        width: 100%;
        margin: 0;
    }
    TodayScreen.-medium LogForm .picks.-words {
        layout: grid;
        grid-size: 3;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: auto;
    }

    /* narrow: the picks in numbers */
    TodayScreen.-narrow LogForm .picks.-words {
        display: none;
    }
    TodayScreen.-narrow LogForm .picks.-numbers {
        display: block;
    }
    TodayScreen.-narrow LogForm .caption, TodayScreen.-narrow LogForm .picks-label {
        padding: 0;
    }

    /* short or narrow: no box; a line of colour on top (focus, editing). The boxes one line high:
       in today.tcss (Input's own `Input.-invalid:focus` would beat them from here). */
    TodayScreen.-short LogForm, TodayScreen.-narrow LogForm {
        border: none;
        border-top: round $primary 50%;
    }
    TodayScreen.-short LogForm:focus-within, TodayScreen.-narrow LogForm:focus-within {
        border-top: heavy $accent;
    }
    TodayScreen.-short LogForm.-editing, TodayScreen.-narrow LogForm.-editing {
        border-top: heavy $warning;
    }

    /* medium and short: the quick picks in numbers alone, on one line */
    TodayScreen.-medium.-short LogForm .picks.-words {
        display: none;
    }
    TodayScreen.-medium.-short LogForm .picks.-numbers {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave form"),
        Binding("enter", "submit", "Log set"),
    ]

    class Submitted(Message):
        """The lifter pressed Enter and every value is valid; `editing` is a set id or None."""

        def __init__(self, draft: SetDraft, editing: int | None) -> None:
            super().__init__()
            self.draft = draft
            self.editing = editing

    class Left(Message):
        """The lifter pressed escape: back to the keys of the screen."""

        def __init__(self, editing: int | None) -> None:
            super().__init__()
            self.editing = editing

    class SideAsked(Message):
        """The lifter typed the side key (w) in a number box: the screen switches the side
        (or says why it cannot)."""

    class OrderAsked(Message):
        """The lifter typed the order key (o) in a number box: the screen switches the
        order of the sides."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.editing: int | None = None
        self.side: Side | None = None  # the next set's side (a two-sided drill), else None
        self._exercise: Exercise | None = None
        self._unit: Unit = "kg"
        self._next_numbers: dict[Side | None, int] = {None: 1}
        self._order: SideOrder = "alternate"
        self._editing_number = 0
        self._editing_side: Side | None = None
        self._prefilled: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-head"):
            yield Static("", classes="form-title")
            yield Static("", classes="form-hint")  # (left out where rows or columns are few)
        with Horizontal(classes="fields"):
            yield self._column("reps", "reps", NumberField("reps", parse_reps))
            yield self._column(
                "rpe",
                "RPE",
                NumberField(
                    "rpe", parse_rpe, step=0.5, low=1, high=10, blank_start=7, integer=False
                ),
            )
            yield self._column("pain", "pain", NumberField("pain", parse_pain, high=10))
            yield self._column(
                "load", "load", NumberField("load", parser_for_load("kg"), integer=False)
            )
            yield self._column("rom", "ROM", NumberField("rom", parse_rom_placeholder, low=1))
            yield self._column("note", "note", Field("note", str, max_length=200))
        yield Static("", classes="form-message")
        # The quick picks in words ('e easy 6'), and in numbers alone ('e 6') for a narrow
        # screen: the stylesheet shows one of the two rows (today.tcss).
        for words in (True, False):
            with Horizontal(classes="picks -words" if words else "picks -numbers"):
                yield Static("RPE:", classes="picks-label")
                for pick in QUICK_PICKS:
                    said = f" {pick.word} {pick.rpe:g}" if words else f" {pick.rpe:g}"
                    label = Content.assemble((pick.key, "bold underline"), said)
                    button = Button(
                        label,
                        id=f"pick-{pick.key}" if words else f"pick-{pick.key}-n",
                        classes="pick",
                        compact=True,
                    )
                    # No padding around the label, so the five picks fit a 100-column terminal.
                    button.styles.line_pad = 0
                    button.styles.width = len(label.plain)
                    yield button

    @staticmethod
    def _column(name: str, caption: str, field: Field) -> Vertical:
        column = Vertical(Static(caption, classes="caption"), field, classes=f"column col-{name}")
        return column

    # -- reading and filling ------------------------------------------------------------

    def field(self, name: str) -> Field:
        """The box for one of FIELDS."""
        return self.query_one(f"#field-{name}", Field)

    def configure(
        self,
        exercise: Exercise,
        unit: Unit,
        next_numbers: dict[Side | None, int],
        order: SideOrder = "alternate",
    ) -> None:
        """Set the form up for a drill: its ROM ladder, the load unit, the next set's number
        on each side (one-sided drills: under None) and the order of the sides."""
        self._exercise, self._unit = exercise, unit
        self._next_numbers, self._order = dict(next_numbers), order
        if not exercise.two_sided:
            self.side = None
        elif self.side is None:
            self.side = "L"
        load = self.field("load")
        assert isinstance(load, NumberField)
        load.parse = parser_for_load(unit)
        load.step = from_kg(exercise.load_increment_kg, unit)
        load.high = from_kg(MAX_LOAD_KG, unit)
        rom = self.field("rom")
        assert isinstance(rom, NumberField)
        rom.parse = parser_for_rom(exercise)
        rom.high = exercise.max_rom_level
        self.query_one(".col-load .caption", Static).update(f"load {unit}")
        self._show_title()
        self._show_message()

    @property
    def two_sided(self) -> bool:
        """Whether the form logs a side (it is set up for a two-sided drill)."""
        return self._exercise is not None and self._exercise.two_sided

    def show_side(self, side: Side) -> None:
        """Offer the next set on `side` (a two-sided drill, not while editing)."""
        if self.two_sided and self.editing is None:
            self.side = side
            self._show_title()

    def switch_side(self) -> bool:
        """The other side for the next set; False (nothing done) for a one-sided drill or
        a set being edited (it keeps its side)."""
        if not self.two_sided or self.editing is not None or self.side is None:
            return False
        self.show_side(other_side(self.side))
        return True

    def show_order(self, order: SideOrder) -> None:
        """Say under the form in which order the sides come."""
        self._order = order
        self._show_title()

    def fill(self, draft: SetDraft) -> None:
        """Put a draft's values in the boxes (blank for missing effort, pain or note), and
        for a two-sided drill offer its side."""
        if draft.side is not None and self.two_sided:
            self.side = draft.side
        values = {
            "reps": str(draft.reps),
            "rpe": "" if draft.rpe is None else format_number(draft.rpe),
            "pain": "" if draft.pain is None else str(draft.pain),
            "load": format_number(draft.load, 2),
            "rom": str(draft.rom_level),
            "note": draft.note,
        }
        self.restore(values)
        self._prefilled = self.raw()
        self._show_title()

    def raw(self) -> dict[str, str]:
        """The text in every box, exactly as typed (and the side offered, if any)."""
        values = {name: self.field(name).value for name in FIELDS}
        if self.side is not None:
            values["side"] = self.side
        return values

    def restore(self, values: dict[str, str]) -> None:
        """Put back text saved with `raw` (and its side)."""
        for name in FIELDS:
            self.field(name).value = values.get(name, "")
        side = values.get("side")
        if self.two_sided and self.editing is None and side in ("L", "R"):
            self.side = "R" if side == "R" else "L"
            self._show_title()
        self._show_message()

    @property
    def is_dirty(self) -> bool:
        """True when the lifter typed something since the form was last filled."""
        return self.raw() != self._prefilled

    def read(self) -> SetDraft | None:
        """The draft in the boxes, or None after showing why a value is refused."""
        problems = [(name, self.field(name).problem()) for name in FIELDS]
        bad = [(name, problem) for name, problem in problems if problem]
        for name in FIELDS:
            self.field(name).validate(self.field(name).value)
        if bad:
            self._show_message()
            self.field(bad[0][0]).focus()
            return None
        value = {name: self.field(name).parse(self.field(name).value) for name in FIELDS}
        return SetDraft(
            reps=value["reps"],
            load=value["load"],
            rom_level=value["rom"],
            rpe=value["rpe"],
            pain=value["pain"],
            note=value["note"].strip(),
            side=self.side if self.editing is None else self._editing_side,
        )

    def refuse(self, field: str | None, message: str) -> None:
        """Show a refusal that came from the store, marking the field it names."""
        self.query_one(".form-message", Static).update(Content.styled(message, "bold"))
        self.set_class(True, "-refused")
        if field in FIELDS:
            target = self.field(field)
            target.add_class("-invalid")
            target.focus()

    # -- modes --------------------------------------------------------------------------

    def begin(self) -> None:
        """Put the cursor in the reps box, ready to type. The notes about earlier actions go:
        they sit over the form's message line, where a refused value says why."""
        self.app.clear_notifications()
        self.field("reps").focus()

    def start_edit(self, entry: SetEntry, unit: Unit) -> None:
        """Load a logged set for editing (it keeps its side); Enter saves it, escape
        cancels."""
        self.editing = entry.id
        self._editing_side = entry.side
        self.fill(
            SetDraft(
                reps=entry.reps,
                load=from_kg(entry.load_kg, unit),
                rom_level=entry.rom_level,
                rpe=entry.rpe,
                pain=entry.pain,
                note=entry.note or "",
            )
        )
        self._editing_number = entry.set_number
        self.add_class("-editing")
        self._show_title()
        self.begin()

    def stop_edit(self) -> None:
        """Back to logging new sets (the caller refills the boxes)."""
        self.editing = None
        self._editing_side = None
        self.remove_class("-editing")
        self._show_title()

    def _show_title(self) -> None:
        name = self._exercise.name if self._exercise else ""
        if self.editing is not None:
            number = _numbered(self._editing_side, self._editing_number)
            title, hint = f"Edit set {number} of {name}", "Enter saves · Esc cancels"
        else:
            number = _numbered(self.side, self._next_numbers.get(self.side, 1))
            title, hint = f"Log set {number} of {name}", "Enter logs · Esc leaves"
        self.query_one(".form-title", Static).update(Content.styled(title, "bold"))
        self.query_one(".form-hint", Static).update(hint)
        self._show_side()

    def _show_side(self) -> None:
        """On the form's border, the side of the set (a two-sided drill): above, the side
        and the key that switches it; below, the order of the sides and the key for the
        other order. Nothing for a one-sided drill."""
        side = self._editing_side if self.editing is not None else self.side
        for each in ("L", "R"):
            self.set_class(side == each, f"-side-{each}")
        if not self.two_sided or side is None:
            self.border_title = self.border_subtitle = None
            return
        if self.editing is not None:
            self.border_title = f" {SIDE_WORDS[side].upper()} side (kept) "
            self.border_subtitle = None
            return
        self.border_title = (
            f" {SIDE_WORDS[side].upper()} side · {SIDE_KEY}: {SIDE_WORDS[other_side(side)]} "
        )
        other: SideOrder = "one_side_first" if self._order == "alternate" else "alternate"
        self.border_subtitle = f" {ORDER_WORDS[self._order]} · {ORDER_KEY}: {ORDER_WORDS[other]} "

    def _show_message(self) -> None:
        problems = [p for p in (self.field(name).problem() for name in FIELDS) if p]
        self.set_class(bool(problems), "-refused")
        message = self.query_one(".form-message", Static)
        if problems:
            message.update(Content.styled(" · ".join(problems), "bold"))
        elif self._exercise is not None:
            level = self.field("rom").parse(self.field("rom").value)
            message.update(f"ROM {level}: {self._exercise.rom_label(level)}")

    # -- events -------------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_message()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(NumberField.PickedEffort)
    def _picked(self, event: NumberField.PickedEffort) -> None:
        event.stop()
        self.field("rpe").value = format_number(event.pick.rpe)

    @on(NumberField.SideKey)
    def _side_key(self, event: NumberField.SideKey) -> None:
        event.stop()
        if event.key == ORDER_KEY:
            self.post_message(self.OrderAsked())
        else:
            self.post_message(self.SideAsked())

    @on(Button.Pressed, ".pick")
    def _pick_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        key = (event.button.id or "").removeprefix("pick-").removesuffix("-n")
        self.field("rpe").value = format_number(PICK_BY_KEY[key].rpe)
        self.field("rpe").focus()

    def action_submit(self) -> None:
        """Check every value and, if all are fine, post `Submitted`."""
        draft = self.read()
        if draft is not None:
            self.post_message(self.Submitted(draft, self.editing))

    def action_leave(self) -> None:
        """Leave the form (its contents stay)."""
        self.post_message(self.Left(self.editing))


def _numbered(side: Side | None, number: int) -> str:
    """A set's number as the form names it: 'L 2' on a side, else '2'."""
    return f"{side} {number}" if side else str(number)


def parse_rom_placeholder(text: str) -> int:
    """The ROM parser before a drill is configured: any level 1-10."""
    if not text.strip():
        raise ValueError("ROM: type a level")
    return _whole(text, "ROM", 1, 10)
