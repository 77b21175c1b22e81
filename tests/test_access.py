"""Who may get in (issue 16): the clinic password's hashing, the throttle of wrong PINs and
passwords kept in the database (shared by processes: checked with subprocesses on an injected
clock, never by sleeping), the access trail, and the PIN and password rules of the command
line (`athletes set-pin`, `clinic-password`, `access-log`)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backtrack import pins
from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.errors import InvalidValue, NotFound
from backtrack.store import Store

PASSWORD = "Lumbar-Flexion-42"
OTHER = "Neutral-Spine-17"
PIN = "48151623"


def database_bytes(db_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db_path.parent.glob(f"{db_path.name}*"))


# -- hashing -------------------------------------------------------------------------------


def test_password_hash_is_salted_scrypt_and_verifies() -> None:
    first, second = pins.hash_password(PASSWORD), pins.hash_password(PASSWORD)
    assert first != second  # a fresh salt each time
    for stored in (first, second):
        scheme, n, r, p, _salt, _digest = stored.split("$")
        assert (scheme, n, r, p) == ("scrypt", str(pins.SCRYPT_N), "8", "1")
        assert PASSWORD not in stored
        assert pins.verify_password(PASSWORD, stored)
    assert not pins.verify_password(OTHER, first)
    assert not pins.verify_password(PASSWORD.lower(), first)
    salt = bytes(range(16))
    assert pins.hash_password(PASSWORD, salt=salt) == pins.hash_password(PASSWORD, salt=salt)


def test_a_password_hash_is_never_a_pin_hash_and_malformed_hashes_let_nobody_in() -> None:
    stored = pins.hash_password("12345678a")
    assert not pins.verify_pin("12345678", stored)
    for bad in ("", "plain", "scrypt$1$8$1$AAAA$AAAA", "bcrypt$16384$8$1$AAAA$AAAA", "$" * 5):
        assert not pins.verify_password(PASSWORD, bad)
    assert not pins.verify_password("x" * 10_000, stored)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short", "8 to 256 characters"),
        ("x" * 257, "8 to 256 characters"),
        ("12345678", "digits only"),
        ("pass\x1bword1", "control characters"),
        ("pass\x85word1", "control characters"),
        (" password1", "start or end with a space"),
        ("password1 ", "start or end with a space"),
        ("pass\ud800word", "valid text"),
    ],
)
def test_bad_passwords_are_refused_without_repeating_them(password: str, why: str) -> None:
    with pytest.raises(pins.InvalidPassword) as info:
        pins.validate_password(password)
    assert why in str(info.value)
    assert password.strip() not in str(info.value)


@pytest.mark.parametrize("password", ["abcdefgh", "correct horse battery staple", "Pässwörd1"])
def test_good_passwords(password: str) -> None:
    assert pins.validate_password(password) == password
    assert pins.verify_password(password, pins.hash_password(password))


# -- the store -----------------------------------------------------------------------------


def test_the_clinic_password_is_stored_only_as_a_hash(store: Store, db_path: Path) -> None:
    assert not store.has_clinic_password() and store.clinic_password_set_at() is None
    store.set_clinic_password(PASSWORD, via="command line")
    assert store.has_clinic_password()
    assert store.clinic_password_set_at() == store.clock.now()
    assert store.try_clinic_password(PASSWORD, via="browser").ok
    assert PASSWORD.encode() not in database_bytes(db_path)
    with pytest.raises(InvalidValue) as info:
        store.set_clinic_password("1234567890", via="command line")
    assert info.value.field == "password" and "1234567890" not in str(info.value)
    assert store.try_clinic_password(PASSWORD, via="browser").ok  # unchanged


def test_trying_a_password_with_none_set_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.try_clinic_password(PASSWORD, via="browser")


def test_wrong_tries_wait_longer_each_time_up_to_30_s_and_success_resets(
    store: Store, clock: FixedClock
) -> None:
    store.set_clinic_password(PASSWORD, via="command line")
    waits = []
    for _ in range(8):
        attempt = store.try_clinic_password(OTHER, via="browser")
        assert attempt.checked and not attempt.ok
        waits.append(attempt.wait)
        clock.advance(seconds=attempt.wait)
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]
    assert store.clinic_wait().failures == 8
    assert store.try_clinic_password(PASSWORD, via="browser").ok
    assert store.clinic_wait().failures == 0
    first = store.try_clinic_password(OTHER, via="browser")
    assert first.failures == 1 and first.wait == 1


def test_a_try_during_the_block_is_refused_unchecked_even_when_right(
    store: Store, clock: FixedClock
) -> None:
    store.set_clinic_password(PASSWORD, via="command line")
    store.try_clinic_password(OTHER, via="browser")
    clock.advance(seconds=0.4)
    refused = store.try_clinic_password(PASSWORD, via="browser")
    assert not refused.ok and not refused.checked
    assert refused.failures == 1 and refused.wait == pytest.approx(0.6)
    assert store.clinic_wait().wait == pytest.approx(0.6)
    clock.advance(seconds=0.6)
    assert store.try_clinic_password(PASSWORD, via="browser").ok


def test_pins_are_throttled_per_athlete_and_apart_from_the_password(
    store: Store, clock: FixedClock
) -> None:
    ann = store.change_pin(store.athlete("ann"), "2468", via="command line", allowed_by="none")
    bob = store.change_pin(store.athlete("bob"), "1357", via="command line", allowed_by="none")
    store.set_clinic_password(PASSWORD, via="command line")
    assert not store.try_pin(ann, "0000", via="app").ok
    assert not store.try_pin(ann, "2468", via="app").checked  # ann waits
    assert store.try_pin(bob, "1357", via="app").ok  # bob does not
    assert store.try_clinic_password(PASSWORD, via="browser").ok  # nor does the clinic
    clock.advance(seconds=1)
    assert store.try_pin(ann, "2468", via="app").ok
    me = store.athlete("me")
    assert store.try_pin(me, "anything", via="app").ok  # no PIN: nothing to check


def test_a_clock_set_back_never_blocks_longer_than_earned(store: Store, clock: FixedClock) -> None:
    store.set_clinic_password(PASSWORD, via="command line")
    store.try_clinic_password(OTHER, via="browser")  # 1 s
    clock.advance(hours=-2)
    assert store.clinic_wait().wait == 1
    refused = store.try_clinic_password(PASSWORD, via="browser")
    assert not refused.checked and refused.wait == 1
    clock.advance(seconds=1)  # the block now runs from the clock as it is
    assert store.try_clinic_password(PASSWORD, via="browser").ok


def test_the_access_trail_keeps_failures_and_changes_never_the_guess(
    store: Store, clock: FixedClock, db_path: Path
) -> None:
    ann = store.change_pin(store.athlete("ann"), "2468", via="command line", allowed_by="none")
    store.set_clinic_password(PASSWORD, via="command line")
    store.try_pin(ann, "97531", via="browser")
    clock.advance(seconds=5)
    store.try_clinic_password("Guess-Number-One", via="browser")
    clock.advance(seconds=5)
    store.change_pin(ann, "86420", via="command line", allowed_by="clinic")
    store.set_clinic_password(OTHER, via="command line")
    events = [(e.event, e.athlete, e.via) for e in store.access_events()]
    assert events == [
        ("password-changed", None, "command line"),
        ("pin-changed-by-clinic", "ann", "command line"),
        ("wrong-password", None, "browser"),
        ("wrong-pin", "ann", "browser"),
        ("password-set", None, "command line"),
        ("pin-set", "ann", "command line"),
    ]
    assert [e.event for e in store.access_events(athlete=ann)][-1] == "pin-set"
    assert store.access_events(limit=1)[0].description.startswith("clinic password changed")
    data = database_bytes(db_path)
    for secret in ("97531", "Guess-Number-One", "86420", PASSWORD, OTHER):
        assert secret.encode() not in data


def test_a_forgotten_pin_is_cleared_only_without_a_clinic_password_and_told_once(
    store: Store,
) -> None:
    ann = store.change_pin(store.athlete("ann"), "2468", via="app", allowed_by="none")
    with pytest.raises(InvalidValue):
        store.change_pin(ann, "1111", via="command line", allowed_by="forgotten")
    ann = store.change_pin(ann, None, via="command line", allowed_by="forgotten")
    assert not ann.has_pin
    told = store.take_pin_notices(ann)
    assert told == [store.clock.now()]
    assert store.take_pin_notices(ann) == []  # told once
    ann = store.change_pin(ann, "2468", via="app", allowed_by="none")
    store.set_clinic_password(PASSWORD, via="command line")
    with pytest.raises(InvalidValue, match="clinic password is set"):
        store.change_pin(ann, None, via="command line", allowed_by="forgotten")
    assert store.get_athlete(ann.id).has_pin


# -- two processes share the delay -----------------------------------------------------------

TRY_IN_A_PROCESS = """
import json, sys
from datetime import datetime
from pathlib import Path
from backtrack.catalog import load_catalog
from backtrack.clock import FixedClock
from backtrack.store import Store

path, moment, kind, secret = sys.argv[1:5]
store = Store.open(Path(path), load_catalog(), FixedClock(datetime.fromisoformat(moment)))
try:
    if kind == "password":
        attempt = store.try_clinic_password(secret, via="browser")
    else:
        attempt = store.try_pin(store.athlete(kind, create=False), secret, via="browser")
finally:
    store.close()
print(json.dumps([attempt.ok, attempt.checked, attempt.failures, attempt.wait]))
"""


def try_in_a_process(db_path: Path, at: datetime, kind: str, secret: str) -> list[object]:
    """One try in a fresh interpreter whose clock stands at `at`: [ok, checked, failures, wait]."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKTRACK_")}
    done = subprocess.run(
        [sys.executable, "-c", TRY_IN_A_PROCESS, str(db_path), at.isoformat(), kind, secret],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_processes_share_the_password_delay(db_path: Path, catalog: Catalog) -> None:
    """Each try runs in its own process (as each browser tab's app does): the second one,
    half a second after the first one's failure, is refused unchecked although right; the
    delays grow across processes; the right password resets them for everyone."""
    store = Store.open(db_path, catalog, FixedClock(T0))
    store.set_clinic_password(PASSWORD, via="command line")
    store.close()
    assert try_in_a_process(db_path, at(0), "password", OTHER) == [False, True, 1, 1.0]
    assert try_in_a_process(db_path, at(0.5), "password", PASSWORD) == [False, False, 1, 0.5]
    assert try_in_a_process(db_path, at(1), "password", OTHER) == [False, True, 2, 2.0]
    assert try_in_a_process(db_path, at(2), "password", OTHER) == [False, False, 2, 1.0]
    assert try_in_a_process(db_path, at(3), "password", OTHER) == [False, True, 3, 4.0]
    assert try_in_a_process(db_path, at(7), "password", PASSWORD) == [True, True, 0, 0.0]
    assert try_in_a_process(db_path, at(7), "password", OTHER) == [False, True, 1, 1.0]


def test_processes_share_a_pin_delay_and_a_restart_keeps_it(
    db_path: Path, catalog: Catalog
) -> None:
    store = Store.open(db_path, catalog, FixedClock(T0))
    ann = store.change_pin(store.athlete("ann"), PIN, via="command line", allowed_by="none")
    store.close()
    for n, wait in enumerate([1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0], start=1):
        moment = at(100 * n)
        assert try_in_a_process(db_path, moment, "ann", "0000") == [False, True, n, wait]
    # a "restarted" store (a new process) 10 s later still makes ann wait 20 s more
    late = Store.open(db_path, catalog, FixedClock(at(710)))
    try:
        standing = late.pin_wait(ann)
        assert (standing.failures, standing.wait) == (7, 20.0)
    finally:
        late.close()
    assert try_in_a_process(db_path, at(729), "ann", PIN) == [False, False, 7, 1.0]
    assert try_in_a_process(db_path, at(730), "ann", PIN) == [True, True, 0, 0.0]


# -- the command line: PIN rules -------------------------------------------------------------


def athletes_json(run) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    return {a["name"]: a["has_pin"] for a in json.loads(run("athletes", "--json").output)}


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def test_a_first_pin_needs_nothing_but_a_change_needs_the_current_one(run, machine_clock) -> None:  # type: ignore[no-untyped-def]
    clock = machine_clock(T0)
    run("athletes", "add", "ann")
    assert run("athletes", "set-pin", "ann", input="2468\n").exit_code == 0
    # no current PIN given (one line only): refused, PIN kept
    error = one_line_error(run("athletes", "set-pin", "ann", input="1357\n"))
    assert "no new PIN" in error
    # the wrong current PIN: refused, recorded, and the next try waits
    error = one_line_error(run("athletes", "set-pin", "ann", input="1111\n1357\n"))
    assert "wrong PIN" in error and "wait 1 s" in error and "1111" not in error
    error = one_line_error(run("athletes", "set-pin", "ann", input="2468\n1357\n"))
    assert "too soon" in error and "not checked" in error
    clock.advance(seconds=1)
    assert run("athletes", "set-pin", "ann", input="2468\n1357\n").exit_code == 0
    # the new PIN works, the old one no longer does
    assert run("athletes", "set-pin", "ann", "--clear", input="2468\n").exit_code == 2
    clock.advance(seconds=1)
    assert run("athletes", "set-pin", "ann", "--clear", input="1357\n").exit_code == 0
    assert athletes_json(run) == {"ann": False}


def test_a_bad_new_pin_costs_no_try_of_the_current_one(run, machine_clock) -> None:  # type: ignore[no-untyped-def]
    machine_clock(T0)
    run("athletes", "add", "ann")
    run("athletes", "set-pin", "ann", input="2468\n")
    error = one_line_error(run("athletes", "set-pin", "ann", input="1111\n12ab\n"))
    assert "4 to 8 digits" in error
    assert run("athletes", "set-pin", "ann", input="2468\n1357\n").exit_code == 0  # no wait


def test_the_clinic_password_changes_a_forgotten_pin(run, machine_clock) -> None:  # type: ignore[no-untyped-def]
    machine_clock(T0)
    run("athletes", "add", "ann")
    run("athletes", "set-pin", "ann", input="2468\n")
    # no clinic password yet: a non-PIN is no way in
    error = one_line_error(run("athletes", "set-pin", "ann", input=f"{PASSWORD}\n1357\n"))
    assert "no clinic password is set" in error and "--forgotten" in error
    assert run("clinic-password", "set", input=f"{PASSWORD}\n").exit_code == 0
    assert run("athletes", "set-pin", "ann", input=f"{PASSWORD}\n1357\n").exit_code == 0
    assert run("athletes", "set-pin", "ann", "--clear", input=f"{PASSWORD}\n").exit_code == 0
    assert athletes_json(run) == {"ann": False}
    log = json.loads(run("access-log", "--json", "--athlete", "ann").output)
    assert [e["event"] for e in log] == [
        "pin-cleared-by-clinic",
        "pin-changed-by-clinic",
        "pin-set",
    ]


def test_clear_forgotten_without_a_clinic_password(run, db_path, catalog) -> None:  # type: ignore[no-untyped-def]
    run("athletes", "add", "ann")
    run("athletes", "set-pin", "ann", input="2468\n")
    assert "--clear" in one_line_error(run("athletes", "set-pin", "ann", "--forgotten"))
    done = run("athletes", "set-pin", "ann", "--clear", "--forgotten")
    assert done.exit_code == 0 and "access log" in done.output
    assert athletes_json(run) == {"ann": False}
    log = json.loads(run("access-log", "--json").output)
    assert log[0]["event"] == "pin-cleared-forgotten" and log[0]["via"] == "command line"
    store = Store.open(db_path, catalog)
    try:
        assert len(store.take_pin_notices(store.athlete("ann", create=False))) == 1
    finally:
        store.close()
    # with a clinic password set, --forgotten is refused: the password is the way
    run("athletes", "set-pin", "ann", input="2468\n")
    run("clinic-password", "set", input=f"{PASSWORD}\n")
    error = one_line_error(run("athletes", "set-pin", "ann", "--clear", "--forgotten"))
    assert "clinic password is set" in error
    assert athletes_json(run) == {"ann": True}


def test_set_pin_on_a_terminal_asks_the_current_one_hidden_first(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("backtrack.cli.asking.stdin_is_terminal", lambda: True)
    run("athletes", "add", "ann")
    run("athletes", "set-pin", "ann", input="2468\n2468\n")
    wrong = run("athletes", "set-pin", "ann", input="1111\n")
    assert wrong.exit_code == 2 and "New PIN" not in wrong.output  # refused before asking
    assert "1111" not in wrong.output


def test_clinic_password_set_and_change(run, machine_clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock = machine_clock(T0)
    assert "No clinic password" in run("clinic-password").output
    error = one_line_error(run("clinic-password", "set", input="12345678\n"))
    assert "digits only" in error and "12345678" not in error
    assert run("clinic-password", "set", input=f"{PASSWORD}\n").exit_code == 0
    assert "is set (since 2026-11-25)" in run("clinic-password").output
    # a change needs the current one first (line 1), then the new one (line 2)
    assert "no new clinic password" in one_line_error(
        run("clinic-password", "set", input=f"{PASSWORD}\n")
    )
    error = one_line_error(run("clinic-password", "set", input=f"{OTHER}\n{OTHER}\n"))
    assert "wrong clinic password" in error and OTHER not in error
    clock.advance(seconds=1)
    changed = run("clinic-password", "set", input=f"{PASSWORD}\n{OTHER}\n")
    assert changed.exit_code == 0 and "Changed" in changed.output
    # forgotten: replaced without it, and the trail says so
    assert run("clinic-password", "set", "--forgotten", input=f"{PASSWORD}\n").exit_code == 0
    log = json.loads(run("access-log", "--json").output)
    assert [e["event"] for e in log] == [
        "password-replaced-forgotten",
        "password-changed",
        "wrong-password",
        "password-set",
    ]
    # on a terminal: hidden, asked twice, never echoed
    monkeypatch.setattr("backtrack.cli.asking.stdin_is_terminal", lambda: True)
    terminal = run("clinic-password", "set", input=f"{PASSWORD}\n{OTHER}\n{OTHER}\n")
    assert terminal.exit_code == 0, terminal.output
    assert "Repeat" in terminal.output and OTHER not in terminal.output
    assert PASSWORD not in terminal.output


def test_access_log_lines(run) -> None:  # type: ignore[no-untyped-def]
    assert "Nothing" in run("access-log").output
    run("athletes", "add", "ann")
    run("athletes", "set-pin", "ann", input="2468\n")
    run("athletes", "set-pin", "ann", input="0000\n1111\n")
    lines = run("access-log").output.strip().splitlines()
    assert len(lines) == 2
    assert "ann" in lines[0] and "wrong PIN" in lines[0] and "command line" in lines[0]
    assert "PIN set" in lines[1]
    assert "no athlete named 'zed'" in one_line_error(run("access-log", "--athlete", "zed"))


def test_nothing_typed_reaches_the_database_file(run, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("athletes", "add", "ann")
    run("athletes", "set-pin", "ann", input=f"{PIN}\n")
    run("athletes", "set-pin", "ann", input="97531024\n1111\n")
    run("clinic-password", "set", input=f"{PASSWORD}\n")
    run("clinic-password", "set", input="Wrong-Guess-99\nAnything-Else-1\n")
    data = database_bytes(db_path)
    for secret in (PIN, "97531024", PASSWORD, "Wrong-Guess-99", "Anything-Else-1"):
        assert secret.encode() not in data
    conn = sqlite3.connect(db_path)
    try:
        (stored,) = conn.execute("SELECT hash FROM clinic_password").fetchone()
    finally:
        conn.close()
    assert pins.verify_password(PASSWORD, stored)
