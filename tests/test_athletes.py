"""Athletes: PIN hashing, the store's athlete methods and `backtrack athletes`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from backtrack import pins
from backtrack.store import InvalidValue, Store

SECRET = "97531864"  # digits unlikely to occur by chance in a database file


def database_bytes(db_path: Path) -> bytes:
    """The database file and its WAL, as they are on disk."""
    return b"".join(
        path.read_bytes() for path in (db_path, Path(f"{db_path}-wal")) if path.exists()
    )


# -- pins.py ------------------------------------------------------------------------------


@pytest.mark.parametrize("pin", ["1234", "00000000", "402917"])
def test_valid_pins_are_four_to_eight_digits(pin: str) -> None:
    assert pins.validate_pin(pin) == pin


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", " 1234", "１２３４", "12.4"])
def test_invalid_pins_are_refused_without_repeating_them(pin: str) -> None:
    with pytest.raises(pins.InvalidPin) as info:
        pins.validate_pin(pin)
    assert pin.strip() == "" or pin not in str(info.value)


def test_hash_is_salted_scrypt_and_verifies() -> None:
    first, second = pins.hash_pin(SECRET), pins.hash_pin(SECRET)
    assert first != second  # a fresh salt every time
    assert first.startswith("scrypt$16384$8$1$")
    assert SECRET not in first
    assert pins.verify_pin(SECRET, first) and pins.verify_pin(SECRET, second)
    assert not pins.verify_pin("97531865", first)


def test_same_salt_gives_same_hash() -> None:
    salt = bytes(16)
    assert pins.hash_pin("1234", salt=salt) == pins.hash_pin("1234", salt=salt)


@pytest.mark.parametrize(
    "stored",
    ["", "nonsense", "bcrypt$1$2$3$AAAA$AAAA", "scrypt$1099511627776$8$1$AAAA$AAAA", "scrypt$x"],
)
def test_malformed_stored_values_never_match(stored: str) -> None:
    assert not pins.verify_pin("1234", stored)


def test_retry_delay_grows_and_is_capped() -> None:
    delays = [pins.retry_delay(n) for n in range(0, 9)]
    assert delays[:5] == [0.0, 1.0, 2.0, 4.0, 8.0]
    assert delays == sorted(delays)
    assert delays[-1] == pins.MAX_DELAY_SECONDS


# -- the store ------------------------------------------------------------------------------


def test_pin_plain_text_is_nowhere_in_the_database_file(store: Store, db_path: Path) -> None:
    person = store.athlete("ann")
    store.set_pin(person, SECRET)
    assert store.check_pin(person, SECRET)
    store.db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    data = database_bytes(db_path)
    assert SECRET.encode() not in data
    assert SECRET.encode("utf-16-le") not in data
    stored = sqlite3.connect(db_path).execute("SELECT pin FROM athletes").fetchone()[0]
    assert stored.startswith("scrypt$") and SECRET not in stored


def test_set_check_and_clear_pin(store: Store) -> None:
    person = store.athlete("ann")
    assert not person.has_pin
    assert store.check_pin(person, "0000")  # no PIN: nothing to check
    person = store.set_pin(person, "2468")
    assert person.has_pin
    assert store.check_pin(person, "2468")
    assert not store.check_pin(person, "2469")
    assert not store.check_pin(person, "")
    person = store.set_pin(person, None)
    assert not person.has_pin and store.check_pin(person, "1111")


def test_bad_pin_is_refused_and_nothing_changes(store: Store) -> None:
    person = store.set_pin(store.athlete("ann"), "2468")
    with pytest.raises(InvalidValue) as info:
        store.set_pin(person, "12")
    assert info.value.field == "pin"
    assert store.check_pin(person, "2468")


def test_rename_keeps_log_and_refuses_a_taken_name(store: Store) -> None:
    ann = store.athlete("ann")
    store.athlete("bob")
    store.check_in(ann, 3)
    renamed = store.rename_athlete(ann, "  Annie ")
    assert renamed.name == "Annie" and renamed.id == ann.id
    assert store.find_athlete("annie") == renamed
    assert store.rename_athlete(renamed, "ANNIE").name == "ANNIE"  # a change of case is fine
    with pytest.raises(InvalidValue, match="already exists"):
        store.rename_athlete(renamed, "BOB")
    with pytest.raises(InvalidValue):
        store.rename_athlete(renamed, "   ")


def test_archive_hides_and_undo_restores(store: Store) -> None:
    ann, bob = store.athlete("ann"), store.athlete("bob")
    archived = store.archive_athlete(bob)
    assert archived.archived
    assert store.athletes() == [ann]
    assert [a.name for a in store.athletes(include_archived=True)] == ["ann", "bob"]
    assert not store.archive_athlete(bob, archived=False).archived
    assert len(store.athletes()) == 2


# -- backtrack athletes ------------------------------------------------------------------------


def test_add_list_and_json_keys(run) -> None:
    assert run("athletes", "add", "Ann", "--unit", "lb").exit_code == 0
    assert run("athletes", "add", "bob").exit_code == 0
    listed = run("athletes", "--json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output) == [
        {"name": "Ann", "unit": "lb", "archived": False, "has_pin": False},
        {"name": "bob", "unit": "kg", "archived": False, "has_pin": False},
    ]
    text = run("athletes")
    assert "Ann" in text.output and "lb" in text.output


def test_add_twice_is_a_one_line_error(run) -> None:
    run("athletes", "add", "Ann")
    result = run("athletes", "add", "ann")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "already exists" in result.output


def test_set_pin_from_stdin_stores_only_a_hash(run, db_path: Path) -> None:
    run("athletes", "add", "ann")
    result = run("athletes", "set-pin", "ann", input=SECRET + "\n")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    listed = json.loads(run("athletes", "--json").output)
    assert listed[0]["has_pin"] is True
    assert SECRET.encode() not in database_bytes(db_path)


def test_set_pin_on_a_terminal_asks_twice_hidden(run, monkeypatch, db_path, catalog) -> None:
    monkeypatch.setattr("backtrack.cli.asking.stdin_is_terminal", lambda: True)
    run("athletes", "add", "ann")
    result = run("athletes", "set-pin", "ann", input="2468\n2468\n")
    assert result.exit_code == 0, result.output
    assert "Repeat the PIN" in result.output
    assert "2468" not in result.output  # hidden input is not echoed
    store = Store.open(db_path, catalog)
    try:
        assert store.check_pin(store.find_athlete("ann"), "2468")
    finally:
        store.close()


def test_set_pin_refuses_bad_pins_and_unknown_athletes(run) -> None:
    run("athletes", "add", "ann")
    bad = run("athletes", "set-pin", "ann", input="12ab\n")
    assert bad.exit_code == 2 and "4 to 8 digits" in bad.output
    assert "12ab" not in bad.output
    missing = run("athletes", "set-pin", "nobody", input="1234\n")
    assert missing.exit_code == 2 and "no athlete named 'nobody'" in missing.output
    assert json.loads(run("athletes", "--json").output)[0]["has_pin"] is False


def test_clear_pin_needs_the_current_one(run) -> None:
    run("athletes", "add", "ann")
    run("athletes", "set-pin", "ann", input="1234\n")
    assert run("athletes", "set-pin", "ann", "--clear").exit_code == 2  # no PIN given
    assert run("athletes", "set-pin", "ann", "--clear", input="1234\n").exit_code == 0
    assert json.loads(run("athletes", "--json").output)[0]["has_pin"] is False


def test_rename_unit_archive(run) -> None:
    run("athletes", "add", "ann")
    run("athletes", "add", "bob")
    assert run("athletes", "rename", "ann", "Annie").exit_code == 0
    assert run("athletes", "unit", "annie", "lb").exit_code == 0
    assert run("athletes", "archive", "bob").exit_code == 0
    assert json.loads(run("athletes", "--json").output) == [
        {"name": "Annie", "unit": "lb", "archived": False, "has_pin": False}
    ]
    everyone = json.loads(run("athletes", "--json", "--all").output)
    assert [(a["name"], a["archived"]) for a in everyone] == [("Annie", False), ("bob", True)]
    assert run("athletes", "archive", "bob", "--undo").exit_code == 0
    assert len(json.loads(run("athletes", "--json").output)) == 2
    taken = run("athletes", "rename", "annie", "BOB")
    assert taken.exit_code == 2 and "already exists" in taken.output


def test_every_athletes_subcommand_has_help(run) -> None:
    from backtrack.cli import athletes

    for name, command in athletes.commands.items():
        assert command.help, name
        result = run("athletes", name, "--help")
        assert result.exit_code == 0 and "--db" in result.output, name
