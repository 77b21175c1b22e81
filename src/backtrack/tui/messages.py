"""Messages that database workers post back to the screens (one small class each)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from backtrack.models import SetEntry, SideOrder
    from backtrack.progression import CheckInOutcome, Decision
    from backtrack.tui.service import CheckInAnswer, TodayView


class FirstLookShown(Message):
    """The Today screen's first frame, drawn from the first look, is on the terminal and
    the rest of the page is mounted: the store may load now."""


class TodayLoaded(Message):
    """Today's check-in, plans, sets and suggestions were read."""

    def __init__(self, view: TodayView) -> None:
        super().__init__()
        self.view = view


class RedFlagsDue(Message):
    """Whether the check-in `answer` goes on to the red-flag questions (`ask`)."""

    def __init__(self, answer: CheckInAnswer, ask: bool) -> None:
        super().__init__()
        self.answer = answer
        self.ask = ask


class CheckedIn(Message):
    """The check-in `answer` was committed; `outcome` says what to tell the lifter now."""

    def __init__(self, outcome: CheckInOutcome, answer: CheckInAnswer) -> None:
        super().__init__()
        self.outcome = outcome
        self.answer = answer


class SetLogged(Message):
    """A new set was committed."""

    def __init__(self, entry: SetEntry) -> None:
        super().__init__()
        self.entry = entry


class SetUpdated(Message):
    """Changes to a logged set were committed."""

    def __init__(self, entry: SetEntry) -> None:
        super().__init__()
        self.entry = entry


class SetDeleted(Message):
    """A set was deleted; `undo` says it was taken back with the undo key."""

    def __init__(self, entry: SetEntry, *, undo: bool = False) -> None:
        super().__init__()
        self.entry = entry
        self.undo = undo


class Decided(Message):
    """A suggestion was accepted or declined and recorded."""

    def __init__(self, decision: Decision) -> None:
        super().__init__()
        self.decision = decision


class SideOrderSaved(Message):
    """The order the lifter does a two-sided drill's sides in was remembered."""

    def __init__(self, exercise_id: str, order: SideOrder) -> None:
        super().__init__()
        self.exercise_id = exercise_id
        self.order = order


class SidesNotice(Message):
    """`count` sets of two-sided drills were logged before sides existed (said once)."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class StoreFailed(Message):
    """Database work failed; nothing the lifter typed has been thrown away.

    `doing` names the work ("log the set"), `message` is the store's one-line reason and
    `field` names the bad value when the store refused one.
    """

    def __init__(self, doing: str, message: str, field: str | None = None) -> None:
        super().__init__()
        self.doing = doing
        self.message = message
        self.field = field


class SetTimed(Message):
    """The set stopwatch was stopped after `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.seconds = seconds
