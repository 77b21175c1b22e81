"""The rules' suggestion for the selected drill: what would change, why, and the keys."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

from textual.content import Content
from textual.widgets import Static

from backtrack.tui.service import can_decide
from backtrack.units import Unit, format_load

if TYPE_CHECKING:
    from backtrack.models import Exercise, Plan, Suggestion

HEADLINES = {
    "progress_rom": "More range",
    "progress_load": "More weight",
    "progress_volume": "One more set",
    "hold": "Hold",
    "regress": "Step back",
    "stop": "Stop this drill",
}


class Ladder(Protocol):
    """A drill as `plan_text` reads it: a models.Exercise, or a first look's DrillFacts."""

    def rom_label(self, level: int) -> str: ...


class PlanLike(Protocol):
    """A plan as `plan_text` reads it: a models.Plan, or a first look's PlanFacts."""

    @property
    def sets(self) -> int: ...
    @property
    def reps_min(self) -> int: ...
    @property
    def reps_max(self) -> int: ...
    @property
    def load_kg(self) -> float: ...
    @property
    def rom_level(self) -> int: ...


def plan_text(exercise: Ladder, plan: PlanLike, unit: Unit) -> str:
    """A plan in a line: '3 × 6-8 · 2.5 kg · ROM 2 fingertips to mid-shin'."""
    return (
        f"{plan.sets} × {plan.reps_min}-{plan.reps_max} · {format_load(plan.load_kg, unit)} · "
        f"ROM {plan.rom_level} {exercise.rom_label(plan.rom_level)}"
    )


def change_text(exercise: Exercise, before: Plan, after: Plan, unit: Unit) -> str:
    """What a suggestion would change, e.g. 'ROM 1 → 2 (fingertips to mid-shin)'."""
    parts = []
    if after.rom_level != before.rom_level:
        parts.append(
            f"ROM {before.rom_level} → {after.rom_level} ({exercise.rom_label(after.rom_level)})"
        )
    if abs(after.load_kg - before.load_kg) > 1e-9:
        parts.append(
            f"load {format_load(before.load_kg, unit)} → {format_load(after.load_kg, unit)}"
        )
    if after.sets != before.sets:
        parts.append(f"sets {before.sets} → {after.sets}")
    return ", ".join(parts) if parts else "the plan stays as it is"


def headline(exercise: Exercise, plan: Plan, suggestion: Suggestion, unit: Unit) -> Content:
    """The suggestion's first line: what to do and what would change, 'Step back: load
    12.5 kg → 10 kg'; a stop says to stop (every drill, while a red flag is open)."""
    if suggestion.action == "stop":
        if suggestion.rule == "red_flag":
            return Content.styled("Stop training: a red flag is open", "bold")
        return Content.styled("Stop this drill and contact your clinician", "bold")
    return Content.assemble(
        (HEADLINES[suggestion.action], "bold"),
        ": ",
        change_text(exercise, plan, suggestion.plan, unit),
    )


def keys_line(suggestion: Suggestion) -> Content:
    """The accept and decline keys, with what they do to a stop."""
    if suggestion.action == "stop":
        return Content.assemble(
            ("a", "bold reverse"),
            " stop it (until your clinician resumes it)   ",
            ("d", "bold reverse"),
            " decline (keep it)",
        )
    return Content.assemble(("a", "bold reverse"), " accept   ", ("d", "bold reverse"), " decline")


class SuggestionBanner(Static):
    """Shows one drill's suggestion with its reason; a/d accept or decline it."""

    # Today's rules for this widget, parsed when it is first mounted (after the first frame),
    # not at launch with today.tcss; not scoped, as they were there ("TodayScreen.-narrow ...").
    SCOPED_CSS = False
    DEFAULT_CSS = """
    SuggestionBanner {
        height: auto;
        padding: 0 1;
        border: round $primary;
        border-title-align: left;
    }
    SuggestionBanner.-progress_rom, SuggestionBanner.-progress_load,
    SuggestionBanner.-progress_volume {
        border: round $success;
    }
    SuggestionBanner.-regress {
        border: round $error;
    }
    SuggestionBanner.-stop {
        border: heavy $error;
        color: $text-error;
    }
    SuggestionBanner.-no-checkin {
        border: round $warning;
    }
    /* short or narrow: no box; a line of colour on the left says the suggestion's kind */
    TodayScreen.-short SuggestionBanner, TodayScreen.-narrow SuggestionBanner {
        border: none;
        border-left: outer $primary;
        padding: 0 0 0 1;
    }
    TodayScreen.-short SuggestionBanner.-progress_rom,
    TodayScreen.-short SuggestionBanner.-progress_load,
    TodayScreen.-short SuggestionBanner.-progress_volume,
    TodayScreen.-narrow SuggestionBanner.-progress_rom,
    TodayScreen.-narrow SuggestionBanner.-progress_load,
    TodayScreen.-narrow SuggestionBanner.-progress_volume {
        border-left: outer $success;
    }
    TodayScreen.-short SuggestionBanner.-regress, TodayScreen.-short SuggestionBanner.-stop,
    TodayScreen.-narrow SuggestionBanner.-regress, TodayScreen.-narrow SuggestionBanner.-stop {
        border-left: outer $error;
    }
    TodayScreen.-short SuggestionBanner.-no-checkin,
    TodayScreen.-narrow SuggestionBanner.-no-checkin {
        border-left: outer $warning;
    }
    /* short or narrow: the suggestion's headline and keys always in view; a long reason scrolls
       in its box (History has it too) */
    TodayScreen.-short SuggestionBanner, TodayScreen.-narrow SuggestionBanner {
        max-height: 5;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    """

    def show(
        self,
        exercise: Exercise,
        plan: Plan,
        suggestion: Suggestion | None,
        unit: Unit,
        *,
        today: date,
        problem: str = "",
        checked_in: bool = True,
    ) -> None:
        """Draw the suggestion (or the problem that stopped the rules)."""
        lines: list[Content] = []
        for action in HEADLINES:
            self.remove_class(f"-{action}")
        if suggestion is None:
            lines.append(Content.styled(problem or "No suggestion yet.", "italic"))
        else:
            # What to do and the keys first: on a short screen the reason under them may
            # scroll in its box (today.tcss), never the keys.
            self.add_class(f"-{suggestion.action}")
            lines.append(headline(exercise, plan, suggestion, unit))
            if can_decide(suggestion, today):
                lines.append(keys_line(suggestion))
        if not checked_in:
            lines.append(
                Content.assemble(
                    ("No check-in today", "bold"),
                    ": the 24-hour pain response is missing (c to check in).",
                )
            )
        if suggestion is not None:
            lines.append(Content(suggestion.reason))
        self.update(Content("\n").join(lines))
        self.set_class(not checked_in, "-no-checkin")
