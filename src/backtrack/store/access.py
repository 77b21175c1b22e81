"""Who may get in: the clinic password, throttled PIN and password tries, the access trail.

The clinic password guards the app served to browsers (`backtrack serve`); it is kept as a
salted scrypt hash (see pins.py), never as typed. Every try of a PIN or of the clinic
password goes through here: a wrong one is counted in the database, per athlete for PINs
and once for the clinic, and blocks the next try of the same secret for `pins.retry_delay`
of the failures in a row (1 s, 2 s, 4 s ... up to 30 s). Because the count and the block are
rows of the file, every process on it (ten browser tabs, the terminal app, the command
line, a restarted server) faces the same growing delay; a try during a block is refused
without being checked. The right secret resets the count.

The access trail keeps each failure and each PIN or password change: when, what it was
against, and from where (the app, a browser, the command line), never what was typed. A
PIN cleared as forgotten is shown to its athlete at their next sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from backtrack.errors import InvalidValue, NotFound
from backtrack.models import Athlete
from backtrack.store.athletes import AthletesMixin
from backtrack.store.values import iso_utc, parse_utc

CLINIC = "clinic"
Via = Literal["app", "browser", "command line"]
# How a PIN change was allowed: the current PIN, the clinic password, as forgotten (no
# clinic password set), or freely (the athlete had no PIN).
PinAuthority = Literal["pin", "clinic", "forgotten", "none"]

EVENTS: dict[str, str] = {
    "wrong-pin": "wrong PIN",
    "wrong-password": "wrong clinic password",
    "pin-set": "PIN set",
    "pin-changed": "PIN changed with the current PIN",
    "pin-changed-by-clinic": "PIN changed with the clinic password",
    "pin-cleared": "PIN removed with the current PIN",
    "pin-cleared-by-clinic": "PIN removed with the clinic password",
    "pin-cleared-forgotten": "PIN removed as forgotten, without it",
    "password-set": "clinic password set",
    "password-changed": "clinic password changed with the current one",
    "password-replaced-forgotten": "clinic password replaced as forgotten, without it",
}


@dataclass(frozen=True)
class Attempt:
    """The outcome of one try of a PIN or of the clinic password.

    `ok`: it was right (or there was nothing to check). `checked`: False when the try was
    refused unchecked because an earlier failure's block was still running. `failures`:
    wrong tries in a row now. `wait`: seconds before the next try will be checked.
    """

    ok: bool
    checked: bool
    failures: int
    wait: float


@dataclass(frozen=True)
class AccessEvent:
    """One line of the access trail: when, what happened (`event`, one of EVENTS), whose PIN
    (None for the clinic password), and from where."""

    at: datetime
    event: str
    athlete: str | None
    via: str

    @property
    def description(self) -> str:
        """The event in words ("wrong PIN")."""
        return EVENTS.get(self.event, self.event)


def _precise(moment: datetime) -> str:
    """UTC text with microseconds: a block of 1 s must not be cut by rounding to seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _subject(athlete: Athlete) -> str:
    return f"athlete:{athlete.id}"


class AccessMixin(AthletesMixin):
    """The Store's clinic password, throttled tries and access trail."""

    # -- the clinic password ----------------------------------------------------------------

    def has_clinic_password(self) -> bool:
        """Whether a clinic password is set."""
        return self._one("SELECT 1 AS one FROM clinic_password WHERE id = 1") is not None

    def clinic_password_set_at(self) -> datetime | None:
        """When the clinic password was last set, or None when there is none."""
        row = self._one("SELECT set_at FROM clinic_password WHERE id = 1")
        return parse_utc(row["set_at"]) if row else None

    def set_clinic_password(self, password: str, *, via: Via, forgotten: bool = False) -> None:
        """Set (or replace) the clinic password; only its salted hash is stored.

        The caller has checked the current one (`try_clinic_password`) unless `forgotten`,
        which is written to the access trail as such. Raises InvalidValue (field
        "password", never repeating it) for a password pins.validate_password refuses. The
        clinic's failure count starts again.
        """
        from backtrack.pins import InvalidPassword, hash_password

        try:
            stored = hash_password(password)
        except InvalidPassword as exc:
            raise InvalidValue("password", str(exc)) from None
        now = self.clock.now()
        with self.write():
            had = self.has_clinic_password()
            self._exec(
                "INSERT INTO clinic_password (id, hash, set_at) VALUES (1, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
                [stored, iso_utc(now)],
            )
            self._exec("DELETE FROM access_throttle WHERE subject = ?", [CLINIC])
            if forgotten and had:
                event = "password-replaced-forgotten"
            else:
                event = "password-changed" if had else "password-set"
            self._record(event, None, via, now)

    def try_clinic_password(self, password: str, *, via: Via) -> Attempt:
        """Check `password` against the clinic password, throttled (see the module).

        Raises NotFound when no clinic password is set: there is nothing to let anyone in.
        """
        from backtrack.pins import verify_password

        def right() -> bool:
            row = self._one("SELECT hash FROM clinic_password WHERE id = 1")
            if row is None:
                raise NotFound("no clinic password is set")
            return verify_password(password, row["hash"])

        return self._attempt(CLINIC, right, "wrong-password", None, via)

    def clinic_wait(self) -> Attempt:
        """How things stand for the clinic password: wrong tries in a row and the seconds
        before the next try will be checked (`ok` and `checked` are False)."""
        return self._standing(CLINIC)

    # -- PINs -------------------------------------------------------------------------------

    def try_pin(self, athlete: Athlete, pin: str, *, via: Via) -> Attempt:
        """Check `pin` against the athlete's PIN, throttled per athlete (see the module). An
        athlete without a PIN is let in (ok, nothing counted)."""
        from backtrack.pins import verify_pin

        def right() -> bool:
            row = self._one("SELECT pin FROM athletes WHERE id = ?", [athlete.id])
            if row is None:
                raise NotFound(f"no athlete with id {athlete.id}")
            return row["pin"] is None or verify_pin(pin, row["pin"])

        return self._attempt(_subject(athlete), right, "wrong-pin", athlete.id, via)

    def pin_wait(self, athlete: Athlete) -> Attempt:
        """How things stand for the athlete's PIN (see `clinic_wait`)."""
        return self._standing(_subject(athlete))

    def change_pin(
        self, athlete: Athlete, pin: str | None, *, via: Via, allowed_by: PinAuthority
    ) -> Athlete:
        """Set the athlete's PIN (None removes it) and write the change to the access trail.

        `allowed_by` says how the caller let the change happen: the current PIN (checked with
        `try_pin`), the clinic password (`try_clinic_password`), "forgotten" (removal only,
        and only with no clinic password set; shown to the athlete at their next sign-in), or
        "none" (the athlete had no PIN). The athlete's failure count starts again.
        """
        if allowed_by == "forgotten" and pin is not None:
            raise InvalidValue("pin", "a forgotten PIN can only be removed")
        if allowed_by == "forgotten" and self.has_clinic_password():
            raise InvalidValue(
                "pin", "a clinic password is set: remove a forgotten PIN with the clinic password"
            )
        now = self.clock.now()
        with self.write():
            before = self.get_athlete(athlete.id)
            changed = self.set_pin(athlete, pin)
            if allowed_by == "forgotten":
                event = "pin-cleared-forgotten"
            elif pin is None:
                event = "pin-cleared-by-clinic" if allowed_by == "clinic" else "pin-cleared"
            elif not before.has_pin:
                event = "pin-set"
            else:
                event = "pin-changed-by-clinic" if allowed_by == "clinic" else "pin-changed"
            self._exec("DELETE FROM access_throttle WHERE subject = ?", [_subject(athlete)])
            self._record(event, athlete.id, via, now)
        return changed

    def take_pin_notices(self, athlete: Athlete) -> list[datetime]:
        """When the athlete's PIN was removed as forgotten, since they were last told: the
        moments, oldest first, now marked as shown (so each is told once)."""
        with self.write():
            rows = self._rows(
                "SELECT id, at FROM access_events WHERE athlete_id = ? "
                "AND event = 'pin-cleared-forgotten' AND shown_at IS NULL ORDER BY id",
                [athlete.id],
            )
            if rows:
                self._exec(
                    "UPDATE access_events SET shown_at = ? WHERE athlete_id = ? "
                    "AND event = 'pin-cleared-forgotten' AND shown_at IS NULL",
                    [iso_utc(self.clock.now()), athlete.id],
                )
        return [parse_utc(r["at"]) for r in rows]

    # -- the access trail -------------------------------------------------------------------

    def access_events(
        self, *, limit: int = 50, athlete: Athlete | None = None
    ) -> list[AccessEvent]:
        """The newest `limit` lines of the access trail (only `athlete`'s PIN, if given),
        newest first."""
        where = "" if athlete is None else "WHERE e.athlete_id = ?"
        rows = self._rows(
            "SELECT e.at, e.event, e.via, a.name FROM access_events e "
            f"LEFT JOIN athletes a ON a.id = e.athlete_id {where} ORDER BY e.id DESC LIMIT ?",
            [limit] if athlete is None else [athlete.id, limit],
        )
        return [AccessEvent(parse_utc(r["at"]), r["event"], r["name"], r["via"]) for r in rows]

    # -- the throttle -----------------------------------------------------------------------

    def _record(self, event: str, athlete_id: int | None, via: str, now: datetime) -> None:
        self._exec(
            "INSERT INTO access_events (at, event, athlete_id, via) VALUES (?, ?, ?, ?)",
            [iso_utc(now), event, athlete_id, via],
        )

    def _standing(self, subject: str) -> Attempt:
        from backtrack.pins import retry_delay

        row = self._one(
            "SELECT failures, blocked_until FROM access_throttle WHERE subject = ?", [subject]
        )
        if row is None:
            return Attempt(ok=False, checked=False, failures=0, wait=0.0)
        left = (parse_utc(row["blocked_until"]) - self.clock.now()).total_seconds()
        # a clock set back never blocks for longer than the failures earned
        wait = min(max(left, 0.0), retry_delay(row["failures"]))
        return Attempt(ok=False, checked=False, failures=row["failures"], wait=wait)

    def _attempt(
        self,
        subject: str,
        right: Callable[[], bool],
        event: str,
        athlete_id: int | None,
        via: str,
    ) -> Attempt:
        """One throttled try, in one write transaction so that concurrent tries from other
        processes queue behind it and see its outcome."""
        from backtrack.pins import retry_delay

        with self.write():
            now = self.clock.now()
            standing = self._standing(subject)
            if standing.wait > 0:
                # the clock was set back: the block runs from now, no longer than earned
                self._exec(
                    "UPDATE access_throttle SET blocked_until = ? "
                    "WHERE subject = ? AND blocked_until > ?",
                    [
                        _precise(now + timedelta(seconds=standing.wait)),
                        subject,
                        _precise(now + timedelta(seconds=retry_delay(standing.failures))),
                    ],
                )
                return standing
            if right():
                self._exec("DELETE FROM access_throttle WHERE subject = ?", [subject])
                return Attempt(ok=True, checked=True, failures=0, wait=0.0)
            failures = standing.failures + 1
            delay = retry_delay(failures)
            self._exec(
                "INSERT INTO access_throttle (subject, failures, last_failed_at, blocked_until) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (subject) DO UPDATE SET "
                "failures = excluded.failures, last_failed_at = excluded.last_failed_at, "
                "blocked_until = excluded.blocked_until",
                [subject, failures, _precise(now), _precise(now + timedelta(seconds=delay))],
            )
            self._record(event, athlete_id, via, now)
        return Attempt(ok=False, checked=True, failures=failures, wait=delay)
