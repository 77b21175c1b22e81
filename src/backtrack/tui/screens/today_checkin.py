"""Today's check-in: the pain number, the red-flag questions when due, and saving the answer.

`CheckInFlow` is a part of `TodayScreen` (a base class of it): c and the check-in on arrival
ask 'back pain right now' (0-10), then the red-flag questions when
`progression.ask_red_flags` says they are due (always when the lifter reports a symptom with
!). Any yes brings the advice on a full screen at once; a check-in at the athlete's flare
level brings the flare guidance as soon as it is saved, before any set is logged. An answer
that could not be saved (the database busy) is kept, said once, and tried again every
CHECK_IN_RETRY_SECONDS until it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen

from backtrack.tui.messages import CheckedIn, RedFlagsDue, StoreFailed
from backtrack.tui.service import CheckInAnswer

if TYPE_CHECKING:
    from textual.timer import Timer

    from backtrack.tui.screens.red_flags import RedFlagReply
    from backtrack.tui.service import Gym

CHECK_IN = "record the check-in"  # what the database work is called (StoreFailed.doing)
# A check-in that could not be saved (database busy) is kept and tried again this often.
CHECK_IN_RETRY_SECONDS = 10.0


class CheckInFlow(Screen[None]):
    """The check-in part of Today (see the module's docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = []  # a part of Today: its keys are Today's

    def __init__(self) -> None:
        super().__init__()
        self.asked_check_in = False
        self.unsaved_check_in: CheckInAnswer | None = None  # answered, not saved yet
        self._check_in_retry: Timer | None = None
        self._check_in_failing = False  # said so already: the retries fail quietly

    if TYPE_CHECKING:  # what Today gives its parts

        @property
        def gym(self) -> Gym: ...

        def _later(self, action: Callable[[], None]) -> bool: ...

        def _db(
            self, doing: str, work: Callable[[], Message | None], *, reload: bool = True
        ) -> None: ...

        def _in_db_queue(self, name: str, job: Callable[[], None]) -> None: ...

    def action_check_in(self) -> None:
        """Ask 'back pain right now' (0-10), then the red-flag questions when they are due."""
        if self._later(self.action_check_in):
            return
        self._ask_pain(report=False)

    def report_symptom(self) -> None:
        """Report a red-flag symptom: back pain right now first (a check-in needs it), then
        the red-flag questions, due or not."""
        if self._later(self.report_symptom):
            return
        self._ask_pain(report=True)

    def _ask_pain(self, *, report: bool) -> None:
        from backtrack.tui.screens.checkin import CheckInScreen

        kept = self.unsaved_check_in
        dialog = CheckInScreen(
            kept=kept.pain if kept else None, kept_flags=bool(kept and kept.flags), report=report
        )
        self.app.push_screen(dialog, partial(self._pain_answered, report=report))

    def _pain_answered(self, pain: int | None, *, report: bool) -> None:
        """The pain number is in: go on to the red-flag questions (always for a report;
        else when `progression.ask_red_flags` says they are due), or save it."""
        if pain is None:
            if report:
                self.notify("Nothing reported.", title="Report a symptom")
            elif self.unsaved_check_in is None:
                self.notify("No check-in today: the suggestions will say it is missing.")
            return
        answer = CheckInAnswer(pain, self.gym.clock.now())
        if report:
            self._ask_red_flags(answer)
            return

        def due() -> None:
            try:
                ask = self.gym.ask_red_flags(pain)
            except Exception:  # when the log cannot say, ask: a question too many costs little
                ask = True
            self.post_message(RedFlagsDue(answer, ask))

        self._in_db_queue("red flags due", due)

    def on_red_flags_due(self, message: RedFlagsDue) -> None:
        if message.ask:
            self._ask_red_flags(message.answer)
        else:
            self._record(message.answer)

    def _ask_red_flags(self, answer: CheckInAnswer) -> None:
        from backtrack.tui.screens.red_flags import RedFlagsScreen

        self.app.push_screen(RedFlagsScreen(), partial(self._flags_answered, answer))

    def _flags_answered(self, answer: CheckInAnswer, reply: RedFlagReply | None) -> None:
        """The red-flag questions are answered (or skipped): any yes brings up the advice at
        once (it needs nothing from the log), and the check-in is saved."""
        if reply is not None and reply.answered:
            answer = replace(answer, flags=reply.flags, flags_asked=True)
        if answer.flags:
            from backtrack.tui.screens.alert import red_flag_alert

            self.app.push_screen(red_flag_alert(answer.flags))
        self._record(answer)

    def _record(self, answer: CheckInAnswer) -> None:
        """Save `answer` (replacing, not dropping, one that is still waiting to be saved)."""
        kept = self.unsaved_check_in
        self.unsaved_check_in = kept.replaced_by(answer) if kept is not None else answer
        self._check_in_failing = False
        self._save_check_in()

    def _save_check_in(self) -> None:
        """Record the answer kept in `unsaved_check_in`, as of the moment it was given."""
        if self._check_in_retry is not None:
            self._check_in_retry.stop()
            self._check_in_retry = None
        answer = self.unsaved_check_in
        if answer is None:
            return
        self._db(CHECK_IN, lambda: CheckedIn(self.gym.check_in(answer), answer))

    def _check_in_failed(self, message: StoreFailed) -> None:
        """The check-in could not be saved: keep the answer, say so, try again later."""
        answer = self.unsaved_check_in
        if answer is None:
            return
        if not self._check_in_failing:
            symptoms = " and the symptoms you reported" if answer.flags else ""
            self.notify(
                f"Could not record the check-in: {message.message}. Your answer, "
                f"{answer.pain}/10{symptoms}, is kept and saved as soon as the database "
                f"lets it (tried again every {CHECK_IN_RETRY_SECONDS:g} s).",
                title="Check-in not saved yet",
                severity="error",
                timeout=12,
            )
        self._check_in_failing = True
        if self._check_in_retry is None:
            self._check_in_retry = self.set_timer(CHECK_IN_RETRY_SECONDS, self._save_check_in)

    def on_checked_in(self, message: CheckedIn) -> None:
        """The check-in is committed: say so, and show the flare guidance at once when its
        pain is at the flare level (a red flag's advice is up already)."""
        if self.unsaved_check_in is message.answer:  # (not a newer answer given meanwhile)
            self.unsaved_check_in = None
            self._check_in_failing = False
            if self._check_in_retry is not None:
                self._check_in_retry.stop()
                self._check_in_retry = None
        outcome = message.outcome
        checkin = outcome.checkin
        flagged = f" with red flags: {', '.join(checkin.red_flags)}" if checkin.red_flags else ""
        self.notify(f"Back pain {checkin.pain}/10 recorded{flagged}.", title="Checked in")
        if outcome.flare and not checkin.red_flags:
            from backtrack.tui.screens.alert import flare_alert

            self.app.push_screen(flare_alert(outcome.flare))
