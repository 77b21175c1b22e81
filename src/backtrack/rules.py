"""The progression rules: what the next session of a drill should be, and why.

Everything here is pure: the rules read the drill, its plan, its newest sessions, the
athlete's check-ins, the plan's history, the athlete's rule settings (settings.py) and what
else is known today (`Situation`: open red flags, today's date, whether a break was already
dealt with), and return a `Suggestion` that names the rule it came from. No SQL, no screens,
no clock; the same input always gives the same answer.

In plain words, the newest session S of a drill is judged once (a session whose suggestion
was accepted or declined is not judged again: log the next one). A set *counts* toward the
plan when it was done at the plan's load (within 0.01 kg) and at least its ROM level.
The baseline is the latest "back pain right now" check-in in the 24 hours before S's first
set; the response is the first check-in on a later local date, at most 96 hours after S's
last set. The numbers below are the defaults; a clinician can change each per athlete.

Before any session is judged:

- red flag: a red-flag symptom reported and not cleared by a clinician stops every drill
  (action `stop`, nothing to decide) until `backtrack clear-flag`;
- a break: no set of the drill in the last `layoff_days` (14) local days: one step lower,
  once per break (after accept or decline the drill holds until a set is logged).

Then, for S, first match wins:

1. regress if any set hurt above `pain_limit` (5/10; pain-monitoring model, Silbernagel et
   al. 2007);
2. regress if back pain rose `rise_regress` (2) points or more from baseline to response
   (the smallest change that matters, Farrar 2001, Ostelo 2008);
3. regress if S and the session before it both had 2 or more counted sets below the rep
   range;
4. hold if the baseline or the response check-in is missing (nothing to decide yet);
5. hold (flare) if the baseline or the response is `flare_pain` (7) or more; contact the
   clinician if it does not settle within a week, at once when check-ins stayed that high
   for 7 days;
6. hold if a set hurt above `progress_pain_max` (3, up to the limit), or back pain rose by
   at least 1 and less than `rise_regress`: fine to train, not to progress;
7. progress if at least the plan's sets counted and every counted set reached the top of the
   rep range at `easy_rpe` (7) or easier with pain `progress_pain_max` or less, in each of
   the last `sessions_to_progress` (1) sessions since the plan last changed (each also
   clear of rules 1-6): one step on the first axis of the drill's progression order (ROM,
   load or sets) that is not at its cap. A check-in at the flare level today turns it into
   a hold (flare);
8. hold otherwise, naming what was missing.

On a two-sided drill (the side bend, the windmill) a plan's sets are per side: a session
logged by side progresses only when both sides meet rule 7, a regress, stop or hold on
either side applies to the drill, every reason names a set's side ("set 2 on the right"),
and when one side's worst set pain is 2 or more points above the other's the reason says so
(a note, not a hold). Sets logged before sides existed are judged as one side, as before.

A regress undoes the most recent accepted progression not undone yet; without one it steps
down the first axis above its starting value (ROM, then load, then sets). A pain regress
(rules 1-2) at the starting plan is a `stop`: accepted, the drill leaves the sessions until
a clinician resumes it. Rule 3 at the starting plan holds and asks for a review.
Exactly one plan variable changes on a progress or regress, none on a hold or a stop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from backtrack.models import (
    SIDE_WORDS,
    Action,
    Axis,
    CheckIn,
    Exercise,
    Plan,
    PlanChange,
    Rule,
    SetEntry,
    Suggestion,
)
from backtrack.red_flags import advice, check_keys
from backtrack.rules_steps import (
    axis_text,
    join,
    plan_text,
    points,
    regress_step,
    set_names,
    step_up,
)
from backtrack.settings import DEFAULTS, RuleSettings
from backtrack.units import Unit, format_number

LOAD_TOLERANCE_KG = 0.01  # a set within this of the plan's load counts (lb rounding)
BASELINE_WINDOW = timedelta(hours=24)
RESPONSE_WINDOW = timedelta(hours=96)
MISSED_SETS = 2  # counted sets below the rep range, in two sessions running, that regress
ASYMMETRY_POINTS = 2  # one side's worst set pain this much above the other's is noted
FLARE_TOO_LONG_DAYS = 7  # check-ins at the flare level this long: contact the clinician now
# How far back the caller should give check-ins, so a long flare can be seen.
FLARE_LOOKBACK = timedelta(days=31)

_PROGRESS_ACTION: dict[Axis, Action] = {
    "rom": "progress_rom",
    "load": "progress_load",
    "volume": "progress_volume",
}
_STOP = "stop this drill and contact your clinician"


@dataclass(frozen=True)
class Situation:
    """What the rules know besides the drill's own log.

    `red_flags`: the athlete's check-ins with red flags no clinician has cleared yet;
    `today`: the local date (None leaves out the break and the flare-on-arrival checks);
    `layoff_decided`: a break suggestion was accepted or declined since the drill's last set.
    """

    red_flags: tuple[CheckIn, ...] = ()
    today: date | None = None
    layoff_decided: bool = False


@dataclass(frozen=True)
class _Verdict:
    """What rules 1-8 make of one session, before it becomes a suggestion."""

    kind: Literal["regress", "hold", "progress"]
    rule: Rule
    reason: str


def suggest(
    exercise: Exercise,
    plan: Plan,
    session: Sequence[SetEntry],
    previous: Sequence[SetEntry],
    checkins: Sequence[CheckIn],
    changes: Sequence[PlanChange],
    last_judged: date | None,
    unit: Unit = "kg",
    *,
    older: Sequence[Sequence[SetEntry]] = (),
    settings: RuleSettings = DEFAULTS,
    situation: Situation = Situation(),
) -> Suggestion:
    """Judge the drill's newest session and suggest the next plan, with a one-line reason.

    `session` is S (the newest session's sets), `previous` the session before it, `older`
    the sessions before that, newest first (needed when `sessions_to_progress` > 2),
    `checkins` the athlete's check-ins (around those sessions, and the last month up to
    today for a long flare), `changes` the drill's accepted plan changes, `last_judged` the
    newest session date already judged. Never changes more than one plan variable.
    """
    if situation.red_flags:
        return _red_flag_stop(exercise, plan, situation.red_flags)
    if not session:
        return _hold(
            exercise,
            plan,
            f"No session logged yet: start here — {plan_text(exercise, plan, unit)}",
            rule="start",
        )
    day = max(s.session_date for s in session)
    judge = _Judge(exercise, plan, day, changes, unit)
    if situation.today is not None and not situation.layoff_decided:
        days = (situation.today - day).days
        if days >= settings.layoff_days:
            return judge.layoff(days)
    if last_judged is not None and day <= last_judged:
        return _hold(
            exercise,
            plan,
            f"Your session on {day.isoformat()} has already been judged: "
            f"log your next session at this plan ({plan_text(exercise, plan, unit)})",
            rule="judged",
        )

    judged = _judge_session(judge, session, previous, older, checkins, changes, settings, situation)
    note = _asymmetry(session)
    if note:
        return judged.model_copy(update={"reason": f"{judged.reason} ({note})"})
    return judged


def _judge_session(
    judge: _Judge,
    session: Sequence[SetEntry],
    previous: Sequence[SetEntry],
    older: Sequence[Sequence[SetEntry]],
    checkins: Sequence[CheckIn],
    changes: Sequence[PlanChange],
    settings: RuleSettings,
    situation: Situation,
) -> Suggestion:
    """Rules 1-8 for S, and the checks a progression must also pass (the sessions in a row,
    a flare today)."""
    plan = judge.plan
    verdict = _assess(session, previous, plan, checkins, settings)
    if verdict.kind == "regress":
        return judge.regress(verdict.reason, verdict.rule)
    if verdict.rule == "flare":
        return judge.hold(verdict.reason + _flare_advice(checkins, settings), "flare")
    if verdict.kind == "hold":
        return judge.hold(verdict.reason, verdict.rule)
    streak_gap = _streak_gap([session, previous, *older], plan, checkins, changes, settings)
    if streak_gap:
        return judge.hold(streak_gap, "gap")
    arrival = _flare_today(checkins, situation.today, settings)
    if arrival is not None:
        return judge.hold(
            f"Back pain at {arrival.pain}/10 today: a flare (your flare level is "
            f"{settings.flare_pain}), so not a day to progress, though your last session "
            f"earned it" + _flare_advice(checkins, settings),
            "flare",
        )
    in_a_row = settings.sessions_to_progress
    because = verdict.reason + (f", {in_a_row} sessions in a row" if in_a_row >= 2 else "")
    return judge.progress(because)


def _assess(
    session: Sequence[SetEntry],
    previous: Sequence[SetEntry],
    plan: Plan,
    checkins: Sequence[CheckIn],
    settings: RuleSettings,
) -> _Verdict:
    """Rules 1-8 for one session (rule 7 for this session alone)."""
    sets = _ordered(session)
    day = max(s.session_date for s in sets)
    baseline = _baseline(sets, checkins)
    response = _response(sets, day, checkins)

    # 1. a set hurt above the acceptable limit
    hurt = [s for s in sets if s.pain is not None and s.pain > settings.pain_limit]
    if hurt:
        worst = max(hurt, key=lambda s: s.pain or 0)
        return _Verdict(
            "regress",
            "pain",
            f"Set {worst.set_number}{_on(worst)} hurt at {worst.pain}/10 "
            f"(above {settings.pain_limit})",
        )

    # 2. back pain rose by a change that matters
    if baseline is not None and response is not None:
        rise = response.pain - baseline.pain
        if rise >= settings.rise_regress:
            return _Verdict(
                "regress",
                "rise",
                f"Back pain rose from {baseline.pain} to {response.pain} by the next check-in "
                f"({points(settings.rise_regress)} or more)",
            )

    # 3. missed the rep range twice running at this plan (on the same side)
    before = _by_side(_ordered(previous))
    for side, side_sets in _by_side(sets).items():
        if (
            len(_missed(side_sets, plan)) >= MISSED_SETS
            and len(_missed(before.get(side, []), plan)) >= MISSED_SETS
        ):
            where = f" on the {SIDE_WORDS[side]}" if side else ""
            return _Verdict(
                "regress",
                "missed",
                f"Two sessions in a row with {MISSED_SETS} or more sets below {plan.reps_min} "
                f"reps{where}",
            )

    # 4. a check-in the rules need is missing
    if baseline is None or response is None:
        return _Verdict(
            "hold", "checkin", _missing_checkin_reason(day, baseline is None, response is None)
        )

    # 5. a flare: back pain at the flare level before or after the session
    flare = max((baseline, response), key=lambda c: c.pain)
    if flare.pain >= settings.flare_pain:
        when = "before this session" if flare is baseline else "by the next check-in"
        return _Verdict(
            "hold",
            "flare",
            f"Back pain at {flare.pain}/10 {when}: a flare (your flare level is "
            f"{settings.flare_pain}), not a day to progress",
        )

    # 6. acceptable, but not a day to progress
    sore = [s for s in sets if s.pain is not None and s.pain > settings.progress_pain_max]
    if sore:
        worst = max(sore, key=lambda s: s.pain or 0)
        return _Verdict(
            "hold",
            "sore",
            f"Set {worst.set_number}{_on(worst)} hurt at {worst.pain}/10 (up to "
            f"{settings.pain_limit} is "
            f"acceptable, {settings.progress_pain_max} or less to progress): keep training at "
            "this plan, but not a day to progress",
        )
    rise = response.pain - baseline.pain
    if 1 <= rise < settings.rise_regress:
        return _Verdict(
            "hold",
            "sore",
            f"Back pain rose from {baseline.pain} to {response.pain} by the next check-in "
            f"({points(rise)}): keep training at this plan, but not a day to progress (a rise of "
            f"{settings.rise_regress} steps back)",
        )

    # 7. every counted set at the top of the range, easy and pain-free enough
    gaps = _side_gaps(sets, plan, settings)
    if not gaps:
        return _Verdict("progress", "progress", _success_text(sets, plan, settings))

    # 8. anything else
    return _Verdict(
        "hold",
        "gap",
        f"Keep this plan: {'; '.join(gaps)}. To progress: {plan.sets} sets"
        f"{' per side' if _sided(sets) else ''} of {plan.reps_max} "
        f"reps at RPE {format_number(settings.easy_rpe)} or easier with pain "
        f"{settings.progress_pain_max} or less",
    )


def _streak_gap(
    sessions: Sequence[Sequence[SetEntry]],
    plan: Plan,
    checkins: Sequence[CheckIn],
    changes: Sequence[PlanChange],
    settings: RuleSettings,
) -> str:
    """Why the sessions before S do not complete `sessions_to_progress` in a row since the
    plan last changed ('' when they do, or only S is needed)."""
    needed = settings.sessions_to_progress
    if needed <= 1:
        return ""
    changed_at = max(
        (_utc(c.at) for c in changes if c.before != c.after or c.kind == "override"),
        default=None,
    )
    streak = [
        sets
        for sets in sessions[:needed]
        if sets and (changed_at is None or min(_utc(s.performed_at) for s in sets) > changed_at)
    ]
    if len(streak) < needed:
        since = " since the plan last changed" if changed_at is not None else ""
        return (
            f"This session earned a progression; {needed} sessions in a row are needed, "
            f"{len(streak)} so far{since}: log the next one at this plan"
        )
    for index, sets in enumerate(streak[1:], start=1):
        older = streak[index + 1] if index + 1 < len(streak) else ()
        verdict = _assess(sets, older, plan, checkins, settings)
        if verdict.kind != "progress":
            day = max(s.session_date for s in sets)
            return (
                f"This session earned a progression, but {needed} sessions in a row are "
                f"needed and the one on {day.isoformat()} did not: {verdict.reason}"
            )
    return ""


def _flare_today(
    checkins: Sequence[CheckIn], today: date | None, settings: RuleSettings
) -> CheckIn | None:
    """Today's highest check-in when it is at the flare level, else None."""
    if today is None:
        return None
    todays = [c for c in checkins if c.local_date == today]
    worst = max(todays, key=lambda c: c.pain, default=None)
    return worst if worst is not None and worst.pain >= settings.flare_pain else None


def flare_days(checkins: Sequence[CheckIn], settings: RuleSettings) -> int:
    """For how many days the newest check-ins have all been at the flare level (0: the
    newest is below it): from the first of that unbroken run to the newest."""
    run: list[CheckIn] = []
    for checkin in sorted(checkins, key=_checkin_key, reverse=True):
        if checkin.pain < settings.flare_pain:
            break
        run.append(checkin)
    if not run:
        return 0
    return (run[0].local_date - run[-1].local_date).days


def flare_guidance(checkins: Sequence[CheckIn], settings: RuleSettings) -> str:
    """What to do in a flare: the sentence shown as soon as a check-in reaches the flare
    level (and added to every flare hold), naming a long flare."""
    days = flare_days(checkins, settings)
    if days >= FLARE_TOO_LONG_DAYS:
        return (
            f"Back pain has stayed at {settings.flare_pain}/10 or more for {days} days: "
            "contact your clinician now"
        )
    return (
        "Train only as far as it settles; contact your clinician if it does not settle "
        "within a week, or at once with any red-flag symptom"
    )


def _flare_advice(checkins: Sequence[CheckIn], settings: RuleSettings) -> str:
    """The flare guidance as the end of a reason."""
    return ". " + flare_guidance(checkins, settings)


def _red_flag_stop(exercise: Exercise, plan: Plan, flagged: Sequence[CheckIn]) -> Suggestion:
    """Rule 0: every drill stops while a red flag is open; it judges no session."""
    keys = check_keys(key for checkin in flagged for key in checkin.red_flags)
    first = min(c.local_date for c in flagged)
    return Suggestion(
        exercise_id=exercise.id,
        action="stop",
        plan=plan,
        reason=(
            f"Red flag reported on {first.isoformat()} ({', '.join(keys)}): "
            f"{advice(keys)} Training stays stopped until a clinician clears it "
            "(backtrack clear-flag)"
        ),
        session_date=None,
        rule="red_flag",
    )


# -- judging one session -------------------------------------------------------------------


class _Judge:
    """Builds the suggestion for one session S: holds, progress steps and regress steps."""

    def __init__(
        self,
        exercise: Exercise,
        plan: Plan,
        day: date,
        changes: Sequence[PlanChange],
        unit: Unit,
    ) -> None:
        self.exercise = exercise
        self.plan = plan
        self.day = day
        self.changes = changes
        self.unit = unit

    def hold(self, reason: str, rule: Rule) -> Suggestion:
        """A hold that judges S: the plan as it is."""
        return _hold(self.exercise, self.plan, reason, self.day, rule=rule)

    def progress(self, because: str) -> Suggestion:
        """One step up on the first axis of the progression order not at its cap, else hold."""
        for axis in self.exercise.progression:
            stepped = step_up(self.exercise, self.plan, axis)
            if stepped is not None:
                return self._suggestion(
                    _PROGRESS_ACTION[axis],
                    stepped,
                    f"{because}: next time, {axis_text(self.exercise, stepped, axis, self.unit)}",
                    "progress",
                )
        return self.hold(
            f"{because}, and every step is at its cap: top of the ladder — "
            "review the plan with your clinician",
            "progress",
        )

    def regress(self, because: str, rule: Rule) -> Suggestion:
        """Undo the last progression not undone yet, else step down the first axis above start.

        With every axis at (or below) its starting value: a pain regress (rules 1-2) is a
        stop; the rep-range regress (rule 3) is a hold asking for a review.
        """
        step = regress_step(self.exercise, self.plan, self.changes)
        if step is None:
            if rule == "missed":
                return self.hold(
                    f"{because}, at the starting plan: review this drill with your clinician",
                    rule,
                )
            return self._suggestion(
                "stop",
                self.plan,
                f"{because}, and this drill is already at its starting plan: {_STOP}",
                rule,
            )
        axis, stepped = step
        return self._suggestion(
            "regress",
            stepped,
            f"{because}: back to {axis_text(self.exercise, stepped, axis, self.unit)}",
            rule,
        )

    def layoff(self, days: int) -> Suggestion:
        """Back after a break of `days`: one step lower, or a hold at the starting plan."""
        since = f"{days} days since your last {self.exercise.name}"
        step = regress_step(self.exercise, self.plan, self.changes)
        if step is None:
            return self.hold(
                f"{since}: come back at your starting plan "
                f"({plan_text(self.exercise, self.plan, self.unit)})",
                "layoff",
            )
        axis, stepped = step
        return self._suggestion(
            "regress",
            stepped,
            f"{since}: come back one step lower — "
            f"{axis_text(self.exercise, stepped, axis, self.unit)}",
            "layoff",
        )

    def _suggestion(self, action: Action, plan: Plan, reason: str, rule: Rule) -> Suggestion:
        return Suggestion(
            exercise_id=self.exercise.id,
            action=action,
            plan=plan,
            reason=reason,
            session_date=self.day,
            rule=rule,
        )


def _hold(
    exercise: Exercise, plan: Plan, reason: str, day: date | None = None, *, rule: Rule
) -> Suggestion:
    """A hold at `plan`, judging the session of `day` (None: no session is judged)."""
    return Suggestion(
        exercise_id=exercise.id,
        action="hold",
        plan=plan,
        reason=reason,
        session_date=day,
        rule=rule,
    )


# -- sets ----------------------------------------------------------------------------------


def _ordered(sets: Sequence[SetEntry]) -> list[SetEntry]:
    """The sets by set number (then time), so 'set N' names the lifter's own numbering."""
    return sorted(sets, key=lambda s: (s.set_number, _utc(s.performed_at)))


def _below_load(entry: SetEntry, plan: Plan) -> bool:
    """Whether the set was lighter than the plan (beyond the lb rounding tolerance)."""
    return entry.load_kg < plan.load_kg - LOAD_TOLERANCE_KG


def _below_rom(entry: SetEntry, plan: Plan) -> bool:
    """Whether the set was done at a lower ROM level than the plan's."""
    return entry.rom_level < plan.rom_level


def _counts(entry: SetEntry, plan: Plan) -> bool:
    """Whether the set counts toward `plan`: at its load (within 0.01 kg) and ROM or above."""
    return not _below_load(entry, plan) and not _below_rom(entry, plan)


def _counted(sets: Sequence[SetEntry], plan: Plan) -> list[SetEntry]:
    """The sets that count toward `plan`, in the given order."""
    return [s for s in sets if _counts(s, plan)]


def _missed(sets: Sequence[SetEntry], plan: Plan) -> list[SetEntry]:
    """Counted sets that fell short of the bottom of the plan's rep range."""
    return [s for s in _counted(sets, plan) if s.reps < plan.reps_min]


def _sided(sets: Sequence[SetEntry]) -> bool:
    """Whether the session was logged by side (a two-sided drill, since sides exist)."""
    return any(s.side for s in sets)


def _by_side(sets: Sequence[SetEntry]) -> dict[str | None, list[SetEntry]]:
    """The sets by side, in order: {'L': [...], 'R': [...]} for a session logged by side
    (both sides present, a side without sets empty; sets without a side left out), else
    {None: all of them}."""
    if not _sided(sets):
        return {None: list(sets)}
    return {side: [s for s in sets if s.side == side] for side in ("L", "R")}


def _on(entry: SetEntry) -> str:
    """' on the left' / ' on the right' for a set with a side, else ''."""
    return f" on the {SIDE_WORDS[entry.side]}" if entry.side else ""


def _side_gaps(sets: Sequence[SetEntry], plan: Plan, settings: RuleSettings) -> list[str]:
    """What stands between S and a progression: for a session by side, each side's gaps
    ('on the right: 2 of 3 sets reached 8 reps'); both sides must have none."""
    groups = _by_side(sets)
    if None in groups:
        return _gaps(groups[None], plan, settings)
    return [
        f"on the {SIDE_WORDS[side]}: {', '.join(gaps)}"
        for side, group in groups.items()
        if side is not None and (gaps := _gaps(group, plan, settings))
    ]


def _asymmetry(sets: Sequence[SetEntry]) -> str:
    """'right side 2 points more painful than the left' when one side's worst set pain is 2
    or more above the other's (a note, not a rule); '' otherwise."""
    worst = {
        side: max((s.pain for s in group if s.pain is not None), default=None)
        for side, group in _by_side(sets).items()
    }
    left, right = worst.get("L"), worst.get("R")
    if left is None or right is None or abs(left - right) < ASYMMETRY_POINTS:
        return ""
    more, less = ("right", "left") if right > left else ("left", "right")
    return f"{more} side {abs(left - right)} points more painful than the {less}"


def _gaps(sets: Sequence[SetEntry], plan: Plan, settings: RuleSettings) -> list[str]:
    """What stands between S and a progression, one phrase each; empty: S earns one."""
    counted = _counted(sets, plan)
    gaps: list[str] = []
    if len(counted) < plan.sets:
        gaps.append(_uncounted_text(sets, plan, len(counted)))
    if counted:
        reached = [s for s in counted if s.reps >= plan.reps_max]
        if len(reached) < len(counted):
            gaps.append(f"{len(reached)} of {len(counted)} sets reached {plan.reps_max} reps")
    no_rpe = [s for s in counted if s.rpe is None]
    if no_rpe:
        gaps.append(f"RPE not recorded on {set_names(no_rpe)}")
    hard = [s for s in counted if s.rpe is not None and s.rpe > settings.easy_rpe]
    if hard:
        gaps.append(join([f"set {s.set_number} was RPE {format_number(s.rpe or 0)}" for s in hard]))
    no_pain = [s for s in counted if s.pain is None]
    if no_pain:
        gaps.append(f"pain not recorded on {set_names(no_pain)}")
    sore = [s for s in counted if s.pain is not None and s.pain > settings.progress_pain_max]
    if sore:  # caught earlier by the pain rules; kept so this list alone is complete
        gaps.append(join([f"set {s.set_number} hurt at {s.pain}/10" for s in sore]))
    return gaps


def _uncounted_text(sets: Sequence[SetEntry], plan: Plan, counted: int) -> str:
    """'only 2 of 3 sets counted: set 3 was below the plan's load', or '... logged'."""
    short: dict[str, list[SetEntry]] = {"load": [], "ROM": [], "load and ROM": []}
    for entry in sets:
        if _below_load(entry, plan) and _below_rom(entry, plan):
            short["load and ROM"].append(entry)
        elif _below_load(entry, plan):
            short["load"].append(entry)
        elif _below_rom(entry, plan):
            short["ROM"].append(entry)
    why = join(
        [
            f"{set_names(group)} {'was' if len(group) == 1 else 'were'} below the plan's {what}"
            for what, group in short.items()
            if group
        ]
    )
    if not why:
        return f"only {counted} of {plan.sets} sets logged"
    if counted == 0:
        return f"no set counted: {why}"
    return f"only {counted} of {plan.sets} sets counted: {why}"


def _success_text(sets: Sequence[SetEntry], plan: Plan, settings: RuleSettings) -> str:
    """'All 3 sets reached 8 reps at RPE 7 or easier with pain 3 or less'."""
    if _sided(sets):
        each = min(len(_counted(group, plan)) for group in _by_side(sets).values())
        return (
            f"All {each} sets on each side reached {plan.reps_max} reps at RPE "
            f"{format_number(settings.easy_rpe)} or easier with pain "
            f"{settings.progress_pain_max} or less"
        )
    counted = _counted(sets, plan)
    noun = "sets" if len(counted) == len(sets) else "counted sets"
    return (
        f"All {len(counted)} {noun} reached {plan.reps_max} reps at RPE "
        f"{format_number(settings.easy_rpe)} or easier with pain {settings.progress_pain_max} "
        "or less"
    )


# -- check-ins -----------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """`moment` as an aware datetime; a naive one is taken to be UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _checkin_key(checkin: CheckIn) -> tuple[datetime, int, int]:
    """A total order on check-ins, so ties never depend on the input's order."""
    return (_utc(checkin.at), checkin.id if checkin.id is not None else -1, checkin.pain)


def _baseline(sets: Sequence[SetEntry], checkins: Sequence[CheckIn]) -> CheckIn | None:
    """The latest check-in in the 24 hours up to S's first set (both ends included)."""
    first = min(_utc(s.performed_at) for s in sets)
    window = [c for c in checkins if first - BASELINE_WINDOW <= _utc(c.at) <= first]
    return max(window, key=_checkin_key, default=None)


def _response(sets: Sequence[SetEntry], day: date, checkins: Sequence[CheckIn]) -> CheckIn | None:
    """The earliest check-in on a later local date than S, at most 96 hours after its last set."""
    last = max(_utc(s.performed_at) for s in sets)
    window = [c for c in checkins if c.local_date > day and _utc(c.at) <= last + RESPONSE_WINDOW]
    return min(window, key=_checkin_key, default=None)


def _missing_checkin_reason(day: date, no_baseline: bool, no_response: bool) -> str:
    """Which check-in to record so the next session can be judged."""
    after = day.isoformat()
    if no_baseline and no_response:
        return (
            f"No check-in before this session and none the day after {after}: record "
            "'back pain right now' before you start and again the next morning"
        )
    if no_baseline:
        return "No check-in before this session: record 'back pain right now' before you start"
    return (
        f"No next-day check-in after {after}: record 'back pain right now' "
        "(the next morning is best)"
    )
