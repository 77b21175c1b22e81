"""The domain's plain data: drills, plans, logged sets, check-ins and suggestions.

These pydantic models are what the store returns and the rules consume. They know
nothing about SQL, Textual or the clock.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backtrack.units import Unit

Axis = Literal["rom", "load", "volume"]
Side = Literal["L", "R"]
SIDE_WORDS: dict[str, str] = {"L": "left", "R": "right"}
# The order a lifter does the sets of a two-sided drill in: L, R, L, R ... or all of one
# side and then all of the other.
SideOrder = Literal["alternate", "one_side_first"]
SIDE_ORDERS: tuple[SideOrder, ...] = ("alternate", "one_side_first")
AXES: tuple[Axis, ...] = ("rom", "load", "volume")

Action = Literal["progress_rom", "progress_load", "progress_volume", "hold", "regress", "stop"]

# What a recorded plan change was: a rules suggestion that was accepted, or a clinician override.
ChangeKind = Literal[
    "progress_rom", "progress_load", "progress_volume", "hold", "regress", "stop", "override"
]

# Which rule made a suggestion (rules.py names them in its docstring, in order).
Rule = Literal[
    "red_flag",  # an open red flag: every drill stops until a clinician clears it
    "stopped",  # the drill was stopped by the rules; a clinician resumes it
    "layoff",  # back after a break: one step lower
    "start",  # no session yet
    "judged",  # the newest session is already decided
    "pain",  # a set hurt above the pain limit
    "rise",  # back pain rose by the next day
    "missed",  # two sessions below the rep range
    "checkin",  # a check-in the rules need is missing
    "flare",  # back pain at or above the flare level
    "sore",  # acceptable pain, but not a day to progress
    "progress",  # earned a step up
    "gap",  # what is missing to progress
]
# Rules whose suggestion is nothing to decide: it waits for a check-in, or for a clinician.
UNDECIDABLE_RULES: frozenset[str] = frozenset({"checkin", "red_flag", "stopped"})

KEBAB_CASE = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Athlete(BaseModel):
    """A person whose training is logged; loads are shown to them in `unit`."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    unit: Unit = "kg"
    archived: bool = False
    has_pin: bool = False  # only whether a PIN is set; its hash never leaves the store


class Exercise(BaseModel):
    """One drill of the catalog, with its starting prescription and progression caps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=KEBAB_CASE)
    name: str = Field(min_length=1)
    loads: str = Field(min_length=1, description="what the drill loads, e.g. 'flexion'")
    equipment: str
    cues: list[str] = Field(min_length=1)
    sets: int = Field(ge=1, le=20)
    reps_min: int = Field(ge=1, le=100)
    reps_max: int = Field(ge=1, le=100)
    rest_seconds: int = Field(ge=0, le=3600)
    start_load_kg: float = Field(ge=0, lt=1000)
    load_increment_kg: float = Field(gt=0, lt=1000)
    max_load_kg: float = Field(ge=0, lt=1000)
    max_sets: int = Field(ge=1, le=20)
    rom: list[str] = Field(min_length=3, max_length=5)
    progression: list[Axis] = Field(default=["rom", "load", "volume"], min_length=1)
    sides: int = Field(default=1, ge=1, le=2, description="2: done on the left and the right")
    side_switch_seconds: int = Field(default=15, ge=0, le=600)

    @field_validator("rom")
    @classmethod
    def _labels_not_blank(cls, labels: list[str]) -> list[str]:
        if any(not label.strip() for label in labels):
            raise ValueError("ROM labels must not be empty")
        return labels

    @field_validator("progression")
    @classmethod
    def _axes_once(cls, axes: list[Axis]) -> list[Axis]:
        if len(set(axes)) != len(axes):
            raise ValueError("each axis may appear once in the progression order")
        return axes

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        if self.reps_min > self.reps_max:
            raise ValueError(f"reps_min ({self.reps_min}) is above reps_max ({self.reps_max})")
        if self.sets > self.max_sets:
            raise ValueError(f"sets ({self.sets}) is above max_sets ({self.max_sets})")
        if self.start_load_kg > self.max_load_kg:
            raise ValueError(
                f"start_load_kg ({self.start_load_kg}) is above max_load_kg ({self.max_load_kg})"
            )
        return self

    @property
    def max_rom_level(self) -> int:
        """The top level of the ROM ladder (levels are numbered from 1)."""
        return len(self.rom)

    def rom_label(self, level: int) -> str:
        """The ladder's label for `level`, or a plain 'level N' outside the ladder."""
        if 1 <= level <= len(self.rom):
            return self.rom[level - 1]
        return f"level {level}"

    @property
    def two_sided(self) -> bool:
        """Whether the drill is done on the left and on the right (a plan's sets are per side)."""
        return self.sides == 2

    def starting_plan(self) -> Plan:
        """The plan a new athlete starts this drill on: default sets, starting load, ROM 1."""
        return Plan(
            exercise_id=self.id,
            active=True,
            sets=self.sets,
            reps_min=self.reps_min,
            reps_max=self.reps_max,
            load_kg=self.start_load_kg,
            rom_level=1,
        )


class Plan(BaseModel):
    """An athlete's current prescription for one drill."""

    model_config = ConfigDict(frozen=True)

    exercise_id: str
    active: bool = True
    sets: int = Field(ge=1)
    reps_min: int = Field(ge=0)
    reps_max: int = Field(ge=0)
    load_kg: float = Field(ge=0)
    rom_level: int = Field(ge=1)


class SetEntry(BaseModel):
    """One logged set. `performed_at` is UTC; `session_date` is the lifter's local date."""

    model_config = ConfigDict(frozen=True)

    id: int | None = None
    athlete: str | None = None
    exercise_id: str
    performed_at: datetime
    session_date: date
    set_number: int = Field(ge=1)
    side: Side | None = Field(default=None, description="L or R on a two-sided drill")
    reps: int = Field(ge=0, le=100)
    load: float = Field(ge=0, description="the load as entered, in `unit`")
    unit: Unit = "kg"
    load_kg: float = Field(ge=0, lt=1000)
    rom_level: int = Field(ge=1)
    rpe: float | None = Field(default=None, ge=1, le=10)
    pain: int | None = Field(default=None, ge=0, le=10)
    note: str | None = None


class CheckIn(BaseModel):
    """'Back pain right now', 0-10, at a moment (UTC) on a local date, with any red-flag
    symptoms reported (keys of red_flags.py) and a note."""

    model_config = ConfigDict(frozen=True)

    id: int | None = None
    at: datetime
    local_date: date
    pain: int = Field(ge=0, le=10)
    red_flags: tuple[str, ...] = ()
    note: str | None = None


class PlanChange(BaseModel):
    """A recorded change of a drill's plan: an accepted suggestion or a clinician override."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    kind: ChangeKind
    before: Plan
    after: Plan
    session_date: date | None = None
    reason: str = ""


class Suggestion(BaseModel):
    """What the rules propose for a drill's next session, and why."""

    model_config = ConfigDict(frozen=True)

    exercise_id: str
    action: Action
    plan: Plan
    reason: str
    session_date: date | None = Field(
        default=None, description="the session this judges; None when there is none to judge"
    )
    rule: Rule | None = Field(default=None, description="which rule made it (None: unknown)")

    @property
    def decidable(self) -> bool:
        """Whether accept or decline means anything: not while the rules wait for a check-in
        or for a clinician to clear a red flag."""
        return self.rule not in UNDECIDABLE_RULES
