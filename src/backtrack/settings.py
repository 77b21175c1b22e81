"""The rules' thresholds, and a clinician's per-athlete changes to them.

Each setting has a default (the clinic's protocol), a range and a step; two pairs are tied:
`progress_pain_max` <= `pain_limit` and `flare_pain` > `pain_limit`. The store keeps every
change with who made it and why; the rules read a `RuleSettings`. This module is pure and
light (no pydantic): the command line's help is built from it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


class SettingError(ValueError):
    """A rule setting's key or value that cannot be taken; `str()` is one line naming it."""


@dataclass(frozen=True)
class SettingSpec:
    """One rule setting: its key, default, allowed range and step, and what it does."""

    key: str
    default: float
    low: float
    high: float
    step: float
    meaning: str

    def text(self, value: float) -> str:
        """`value` as the setting prints it: '5', '7.5'."""
        return f"{value:g}"

    @property
    def whole(self) -> bool:
        """Whether the setting takes whole numbers only."""
        return self.step == 1


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "pain_limit", 5, 2, 5, 1, "pain during a set above this steps the drill back (x/10)"
    ),
    SettingSpec(
        "progress_pain_max",
        3,
        0,
        5,
        1,
        "pain during every counted set must be at most this to progress (x/10)",
    ),
    SettingSpec(
        "rise_regress",
        2,
        1,
        4,
        1,
        "a rise in back pain from before a session to the next day of this many points "
        "steps the drill back",
    ),
    SettingSpec("easy_rpe", 7, 5, 9, 0.5, "a set at this RPE or easier counts as easy"),
    SettingSpec(
        "flare_pain", 7, 5, 10, 1, "back pain at a check-in at or above this is a flare (x/10)"
    ),
    SettingSpec(
        "sessions_to_progress",
        1,
        1,
        3,
        1,
        "sessions in a row, since the plan last changed, that must earn a progression",
    ),
    SettingSpec(
        "layoff_days",
        14,
        7,
        60,
        1,
        "days without a set of a drill after which it comes back one step lower",
    ),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


@dataclass(frozen=True)
class RuleSettings:
    """The thresholds the rules apply to one athlete (the defaults unless a clinician changed
    them)."""

    pain_limit: int = 5
    progress_pain_max: int = 3
    rise_regress: int = 2
    easy_rpe: float = 7.0
    flare_pain: int = 7
    sessions_to_progress: int = 1
    layoff_days: int = 14

    def value(self, key: str) -> float:
        """The value in force for `key`."""
        return float(getattr(self, spec_for(key).key))

    def changed(self, key: str, value: float | None) -> RuleSettings:
        """These settings with `key` set to `value` (None: back to its default), checked:
        SettingError names the key, or both keys of a pair the change would break."""
        spec = spec_for(key)
        new = spec.default if value is None else check_value(spec, value)
        update: dict[str, Any] = {key: int(new) if spec.whole else float(new)}
        settings = replace(self, **update)
        settings.check_pairs()
        return settings

    def check_pairs(self) -> None:
        """SettingError unless progress_pain_max <= pain_limit < flare_pain."""
        if self.progress_pain_max > self.pain_limit:
            raise SettingError(
                f"progress_pain_max ({self.progress_pain_max}) must be at most pain_limit "
                f"({self.pain_limit})"
            )
        if self.flare_pain <= self.pain_limit:
            raise SettingError(
                f"flare_pain ({self.flare_pain}) must be above pain_limit ({self.pain_limit})"
            )


DEFAULTS = RuleSettings()
assert [f.name for f in fields(RuleSettings)] == [s.key for s in SPECS]  # one list of keys


def spec_for(key: str) -> SettingSpec:
    """The spec of `key`; SettingError listing the keys when there is none."""
    spec = SPEC_BY_KEY.get(key)
    if spec is None:
        raise SettingError(f"unknown rule setting {key!r} (one of: {', '.join(SPEC_BY_KEY)})")
    return spec


def check_value(spec: SettingSpec, value: float) -> float:
    """`value` if it is in the setting's range and on its step, else SettingError."""
    steps = (value - spec.low) / spec.step
    if not spec.low <= value <= spec.high or abs(steps - round(steps)) > 1e-9:
        kind = "a whole number" if spec.whole else f"a number in steps of {spec.step:g}"
        raise SettingError(
            f"{spec.key} must be {kind} from {spec.low:g} to {spec.high:g}, not {value:g}"
        )
    return value


def parse_value(key: str, text: str) -> float:
    """The value a clinician typed for `key`, checked against its range and step."""
    spec = spec_for(key)
    try:
        value = float(text.strip())
    except ValueError:
        raise SettingError(f"{key} takes a number, not {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise SettingError(f"{key} takes a number, not {text!r}")
    return check_value(spec, value)


def from_values(values: dict[str, float]) -> RuleSettings:
    """Settings from stored values by key (missing keys keep their defaults)."""
    update: dict[str, Any] = {
        key: int(value) if SPEC_BY_KEY[key].whole else float(value)
        for key, value in values.items()
        if key in SPEC_BY_KEY
    }
    return replace(DEFAULTS, **update)
