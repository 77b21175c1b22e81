"""The clinician's commands: per-athlete rule settings, and clearing red flags.

`rules` shows the thresholds in force (`--json` for scripts), `rules set` and `rules reset`
change one with a reason (audited), and `clear-flag` closes an athlete's red flags. Light
commands: they never import the TUI.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from backtrack.cli.base import CliError, _db_path, _echo_json, _opened, common_options
from backtrack.settings import DEFAULTS, SPECS, SettingError, parse_value, spec_for

if TYPE_CHECKING:
    from backtrack.store.safety import SettingState

BY_HELP = "Who makes the change (default: clinician)."
REASON_HELP = "Why (required; kept in the audit trail)."
SETTINGS_HELP = "\n".join(
    f"  {s.key}: {s.meaning}; default {s.default:g}, {s.low:g}-{s.high:g}"
    + (f" in steps of {s.step:g}" if s.step != 1 else "")
    for s in SPECS
)


def _number(spec_key: str, value: float) -> int | float:
    """A setting's value for JSON: whole settings as integers."""
    return int(value) if spec_for(spec_key).whole else float(value)


def _state_json(state: SettingState) -> dict[str, Any]:
    """One setting as `rules --json` prints it."""
    return {
        "key": state.key,
        "value": _number(state.key, state.value),
        "default": _number(state.key, state.default),
        "changed_at": state.changed_at.strftime("%Y-%m-%dT%H:%M:%SZ") if state.changed_at else None,
        "changed_by": state.changed_by,
        "reason": state.reason,
    }


@click.group(invoke_without_command=True, epilog="\b\nSettings:\n" + SETTINGS_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@common_options
@click.pass_context
def rules(ctx: click.Context, as_json: bool, db: Path | None, athlete: str) -> None:
    """Show the rule settings in force for --athlete (see `rules set` to change one)."""
    if ctx.invoked_subcommand is not None:
        return
    with _opened(db, athlete=athlete) as store, store.write():
        person = store.athlete(athlete)
        states = store.rule_setting_states(person)
    if as_json:
        _echo_json([_state_json(s) for s in states])
        return
    click.echo(f"Rule settings for {person.name}:")
    for state in states:
        spec = spec_for(state.key)
        line = f"  {state.key:<22} {spec.text(state.value):>4}"
        if state.changed_at is not None:
            line += (
                f"   (default {spec.text(state.default)}; set {state.changed_at:%Y-%m-%d} "
                f"by {state.changed_by}: {state.reason})"
            )
        click.echo(line)


def _change(
    db: Path | None, athlete: str, key: str, value: float | None, reason: str, by: str
) -> None:
    """Change (None: reset) one setting for the athlete, checked first; say what changed."""
    _check_words(reason, by)
    if not _db_path(db).exists():  # a new athlete starts on the defaults: check the pairs now
        try:
            DEFAULTS.changed(key, value)
        except SettingError as exc:
            raise CliError(str(exc)) from None
    with _opened(db, athlete=athlete) as store, store.write():
        person = store.athlete(athlete)
        before = store.rule_settings(person).value(key)
        after = store.change_rule_setting(person, key, value, reason=reason, by=by).value(key)
    spec = spec_for(key)
    to = f"back to its default, {spec.text(after)}" if value is None else spec.text(after)
    click.echo(f"{key} for {person.name}: {spec.text(before)} -> {to} (by {by.strip()})")


def _check_words(reason: str, by: str) -> None:
    """Refuse a blank or too long --reason or --by before the file is opened (so a refused
    change leaves no new database behind)."""
    from backtrack.store.safety import MAX_BY_LENGTH, MAX_REASON_LENGTH, clean_words

    clean_words("reason", reason, MAX_REASON_LENGTH)
    clean_words("by", by, MAX_BY_LENGTH)


@rules.command(name="set", epilog="\b\nSettings:\n" + SETTINGS_HELP)
@click.argument("key")
@click.argument("value")
@click.option("--reason", required=True, help=REASON_HELP)
@click.option("--by", default="clinician", show_default=True, help=BY_HELP)
@common_options
def rules_set(key: str, value: str, reason: str, by: str, db: Path | None, athlete: str) -> None:
    """Set rule KEY to VALUE for --athlete (audited; see the settings below)."""
    try:
        number = parse_value(key, value)
    except SettingError as exc:
        raise CliError(str(exc)) from None
    _change(db, athlete, key, number, reason, by)


@rules.command(name="reset")
@click.argument("key")
@click.option("--reason", required=True, help=REASON_HELP)
@click.option("--by", default="clinician", show_default=True, help=BY_HELP)
@common_options
def rules_reset(key: str, reason: str, by: str, db: Path | None, athlete: str) -> None:
    """Put rule KEY back to its default for --athlete (audited)."""
    try:
        spec_for(key)
    except SettingError as exc:
        raise CliError(str(exc)) from None
    _change(db, athlete, key, None, reason, by)


@click.command(name="clear-flag")
@click.option("--reason", required=True, help=REASON_HELP)
@click.option("--by", default="clinician", show_default=True, help=BY_HELP)
@common_options
def clear_flag(reason: str, by: str, db: Path | None, athlete: str) -> None:
    """A clinician clears --athlete's open red flags (kept in the audit trail).

    Training resumes, but drills the rules stopped stay stopped: resume each with
    `backtrack plan DRILL --active`.
    """
    existing = f"athlete named {athlete.strip()!r}"
    with _opened(db, athlete=athlete, existing=existing) as store, store.write():
        person = store.athlete(athlete, create=False)
        cleared = store.clear_red_flags(person, reason=reason, by=by)
        stopped = store.stopped_drills(person)
    if not cleared:
        click.echo(f"No open red flags for {person.name}; nothing recorded.")
        return
    reports = "; ".join(f"{c.local_date}: {', '.join(c.red_flags)}" for c in cleared)
    click.echo(f"Cleared {len(cleared)} red-flag report(s) for {person.name} ({reports}).")
    if stopped:
        names = ", ".join(sorted(stopped))
        click.echo(f"Still stopped: {names}; resume each with `backtrack plan DRILL --active`.")
