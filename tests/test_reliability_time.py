"""Time: sessions fall on the lifter's local date; timestamps are stored in UTC.

Guarantee 10 of issue 6. Real `backtrack` processes run with the TZ environment variable
set, as a machine in that zone would: Europe/Berlin and America/Los_Angeles across their
daylight-saving nights, and a machine whose zone changes between two sessions. Every
stored time is UTC (`...Z`); every set's date is the local date it was lived on, fixed
when written, so a later change of zone never moves it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest


def backtrack(db: Path, zone: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "backtrack", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "BACKTRACK_DB": str(db), "TZ": zone},
    )
    assert result.returncode == 0, (args, result.stderr)
    return result


def stored(db: Path) -> list[tuple[str, str, str, int]]:
    """(note, performed_at, session_date, set_number) of every set, in logging order."""
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT note, performed_at, session_date, set_number FROM sets ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def log_at(db: Path, zone: str, at: str, note: str, drill: str = "jefferson-curl") -> None:
    backtrack(db, zone, "log", drill, "--reps", "8", "--at", at, "--note", note)


BERLIN = "Europe/Berlin"
LOS_ANGELES = "America/Los_Angeles"


def test_berlin_daylight_saving_nights(db_path: Path) -> None:
    """Clocks go 02:00 -> 03:00 on 29 March and 03:00 -> 02:00 on 25 October 2026."""
    log_at(db_path, BERLIN, "2026-03-28T23:30", "spring eve")
    log_at(db_path, BERLIN, "2026-03-29T01:45", "spring before the jump")
    log_at(db_path, BERLIN, "2026-03-29T03:15", "spring after the jump")
    log_at(db_path, BERLIN, "2026-10-25T01:50", "autumn before")
    log_at(db_path, BERLIN, "2026-10-25T02:30+02:00", "autumn first 02:30")
    log_at(db_path, BERLIN, "2026-10-25T02:30+01:00", "autumn second 02:30")
    log_at(db_path, BERLIN, "2026-10-25T23:59", "autumn last minute")
    assert stored(db_path) == [
        ("spring eve", "2026-03-28T22:30:00Z", "2026-03-28", 1),
        ("spring before the jump", "2026-03-29T00:45:00Z", "2026-03-29", 1),
        ("spring after the jump", "2026-03-29T01:15:00Z", "2026-03-29", 2),
        ("autumn before", "2026-10-24T23:50:00Z", "2026-10-25", 1),
        ("autumn first 02:30", "2026-10-25T00:30:00Z", "2026-10-25", 2),
        ("autumn second 02:30", "2026-10-25T01:30:00Z", "2026-10-25", 3),
        ("autumn last minute", "2026-10-25T22:59:00Z", "2026-10-25", 4),
    ]


def test_a_time_that_does_not_exist_still_lands_on_its_night(db_path: Path) -> None:
    """02:30 on 29 March never happens in Berlin; the set is kept, on that date."""
    log_at(db_path, BERLIN, "2026-03-29T02:30", "skipped hour")
    [(_, performed_at, day, _)] = stored(db_path)
    assert day == "2026-03-29"
    assert performed_at in ("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z")


def test_los_angeles_late_evenings_stay_on_the_local_date(db_path: Path) -> None:
    """In the evening in California it is already tomorrow in UTC; the session is today's."""
    log_at(db_path, LOS_ANGELES, "2026-03-07T23:30", "before spring forward")  # PST
    log_at(db_path, LOS_ANGELES, "2026-03-08T23:30", "after spring forward")  # PDT
    log_at(db_path, LOS_ANGELES, "2026-11-01T01:30-07:00", "first 01:30")
    log_at(db_path, LOS_ANGELES, "2026-11-01T01:30-08:00", "second 01:30")
    log_at(db_path, LOS_ANGELES, "2026-11-01T23:30", "evening after fall back")
    assert stored(db_path) == [
        ("before spring forward", "2026-03-08T07:30:00Z", "2026-03-07", 1),
        ("after spring forward", "2026-03-09T06:30:00Z", "2026-03-08", 1),
        ("first 01:30", "2026-11-01T08:30:00Z", "2026-11-01", 1),
        ("second 01:30", "2026-11-01T09:30:00Z", "2026-11-01", 2),
        ("evening after fall back", "2026-11-02T07:30:00Z", "2026-11-01", 3),
    ]
    exported = backtrack(db_path, "UTC", "export").stdout.splitlines()[1:]
    assert [line.split(",")[0] for line in exported] == [
        "2026-03-07",
        "2026-03-08",
        "2026-11-01",
        "2026-11-01",
        "2026-11-01",
    ], "the export shows the lifter's dates, whatever the zone it runs in"


def test_a_zone_change_between_sessions_moves_no_set(db_path: Path) -> None:
    """A lifter trains in Berlin, then the machine's zone becomes Los Angeles."""
    log_at(db_path, BERLIN, "2026-06-10T23:30", "late in Berlin")
    backtrack(db_path, BERLIN, "checkin", "--pain", "2", "--at", "2026-06-10T23:40")
    before = stored(db_path)
    assert before == [("late in Berlin", "2026-06-10T21:30:00Z", "2026-06-10", 1)]
    # Same UTC day, and in Los Angeles it is still the afternoon of 10 June: a new set is
    # set 2 of that local date; the Berlin set keeps its date and time.
    log_at(db_path, LOS_ANGELES, "2026-06-10T16:00", "afternoon in LA")
    # The next morning in Los Angeles is a new session.
    log_at(db_path, LOS_ANGELES, "2026-06-11T07:00", "morning in LA")
    assert stored(db_path) == [
        *before,
        ("afternoon in LA", "2026-06-10T23:00:00Z", "2026-06-10", 2),
        ("morning in LA", "2026-06-11T14:00:00Z", "2026-06-11", 1),
    ]
    conn = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        checkins = conn.execute("SELECT at, local_date FROM checkins").fetchall()
    finally:
        conn.close()
    assert checkins == [("2026-06-10T21:40:00Z", "2026-06-10")]
    for zone in (BERLIN, LOS_ANGELES, "Asia/Tokyo"):
        lines = backtrack(db_path, zone, "export").stdout.splitlines()[1:]
        assert [line.split(",")[:2] for line in lines] == [
            ["2026-06-10", "2026-06-10T21:30:00Z"],
            ["2026-06-10", "2026-06-10T23:00:00Z"],
            ["2026-06-11", "2026-06-11T14:00:00Z"],
        ], zone


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", BERLIN, LOS_ANGELES])
def test_now_is_stored_in_utc_on_the_machines_local_date(db_path: Path, zone: str) -> None:
    """Without --at, on the real clock: zones 25 hours apart each get their own date."""
    before = datetime.now(UTC)
    out = backtrack(db_path, zone, "log", "jefferson-curl", "--reps", "8", "--note", zone)
    after = datetime.now(UTC)
    [(_, performed_at, day, _)] = stored(db_path)
    assert performed_at.endswith("Z")
    moment = datetime.fromisoformat(performed_at)
    assert before.replace(microsecond=0) <= moment <= after
    local_days = {before.astimezone(ZoneInfo(zone)).date(), after.astimezone(ZoneInfo(zone)).date()}
    assert datetime.fromisoformat(day).date() in local_days
    assert f"on {day}" in out.stdout
