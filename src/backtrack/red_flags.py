"""Red-flag symptoms: the questions, and what to do when one is answered yes.

A red flag is a symptom that can mean something other than a sore back - a compressed nerve
root or cauda equina syndrome, an infection, a fracture - and that no training plan should
carry on through (Finucane et al. 2020, JOSPT: an international framework for red flags in
the spine). Each key has one question and an urgency; a report with several is answered with
the most urgent advice. This module is pure and light: the command line's help lists it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Urgency = Literal["emergency", "doctor", "clinician"]
URGENCY_ORDER: tuple[Urgency, ...] = ("emergency", "doctor", "clinician")
# The app asks the red-flag questions at least this often (and on every check-in that
# looks like trouble: see `should_ask`).
ASK_AT_LEAST_EVERY = timedelta(days=7)


@dataclass(frozen=True)
class RedFlag:
    """One red-flag symptom: its key, the question asked, and how urgent a yes is."""

    key: str
    question: str
    urgency: Urgency


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "saddle-numbness",
        "New numbness or tingling between your legs, around your buttocks or genitals?",
        "emergency",
    ),
    RedFlag(
        "bladder-bowel",
        "New trouble starting, stopping or feeling urine or stools, or new leaking?",
        "emergency",
    ),
    RedFlag("sexual", "New loss of sexual sensation or function?", "emergency"),
    RedFlag("both-legs", "New pain, numbness or weakness in both legs?", "emergency"),
    RedFlag("leg-weakness", "A leg or foot weaker than before, or getting weaker?", "doctor"),
    RedFlag(
        "leg-numbness",
        "New or worsening numbness or pins and needles down one leg, below the knee?",
        "clinician",
    ),
    RedFlag(
        "night-pain",
        "New pain that is worse at night and at rest, and not eased by moving?",
        "clinician",
    ),
    RedFlag("unwell", "Fever, feeling unwell, or weight loss you cannot explain?", "clinician"),
    RedFlag("trauma", "A fall or a blow to your back since your last session?", "clinician"),
)
FLAG_BY_KEY = {flag.key: flag for flag in RED_FLAGS}

ADVICE: dict[Urgency, str] = {
    "emergency": (
        "Go to an emergency department now. These can be signs of cauda equina syndrome, "
        "which needs treatment within hours. Do not train."
    ),
    "doctor": "See a doctor today about the weakness. Do not train until you have.",
    "clinician": "Stop training and contact your clinician today.",
}


class UnknownRedFlag(ValueError):
    """A key that is not a red flag; `str()` names it and lists the keys."""


def check_keys(keys: Iterable[str]) -> tuple[str, ...]:
    """The keys, each once and in the catalog's order; UnknownRedFlag for one that is not."""
    given = set(keys)
    unknown = sorted(given - FLAG_BY_KEY.keys())
    if unknown:
        raise UnknownRedFlag(f"{unknown[0]!r} is not a red flag (one of: {', '.join(FLAG_BY_KEY)})")
    return tuple(flag.key for flag in RED_FLAGS if flag.key in given)


def most_urgent(keys: Iterable[str]) -> Urgency | None:
    """The most urgent level among `keys`, or None for no flag."""
    levels = {FLAG_BY_KEY[key].urgency for key in keys if key in FLAG_BY_KEY}
    return next((level for level in URGENCY_ORDER if level in levels), None)


def advice(keys: Iterable[str]) -> str:
    """What to do about the reported `keys`: the most urgent advice ('' for none)."""
    level = most_urgent(keys)
    return "" if level is None else ADVICE[level]


def join_keys(keys: Iterable[str]) -> str | None:
    """Keys as stored and exported: joined by ';' (None for none)."""
    text = ";".join(keys)
    return text or None


def split_keys(text: str | None) -> tuple[str, ...]:
    """Stored keys back as a tuple."""
    return tuple(k for k in (text or "").split(";") if k)


def words(keys: Iterable[str]) -> str:
    """The reported symptoms in words: their keys, for a one-line message."""
    return ", ".join(keys)


def should_ask(
    *,
    pain: int,
    previous_pain: int | None,
    last_asked: datetime | None,
    now: datetime,
    flare_pain: int,
    rise_regress: int,
) -> bool:
    """Whether a check-in of `pain` should go on to the red-flag questions: on the first
    check-in ever (`previous_pain` None), at the flare level, after a rise of `rise_regress`
    or more since the previous check-in, and when they were last asked 7 days ago or more
    (or never)."""
    return (
        previous_pain is None
        or pain >= flare_pain
        or pain - previous_pain >= rise_regress
        or last_asked is None
        or now - last_asked >= ASK_AT_LEAST_EVERY
    )
