"""Athlete PINs: 4-8 digits, kept only as a salted scrypt hash.

A PIN guards the shared screen of a clinic's gym terminal: it keeps the next client out of
someone else's session. It does not protect the database file, which anyone with the machine's
account can read. The plain PIN is never stored, logged or returned by anything here.

A stored PIN is one text value, ``scrypt$N$r$p$SALT$HASH`` (salt and hash in base64), so the
cost parameters travel with the hash and can be raised later without breaking old PINs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

MIN_DIGITS = 4
MAX_DIGITS = 8
SALT_BYTES = 16
HASH_BYTES = 32
# scrypt cost: N=2**14, r=8, p=1 takes about 16 MiB and a few tens of milliseconds.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCHEME = "scrypt"

# Refusing a wrong PIN waits this long, doubling with each failure in a row, up to the cap.
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0


class InvalidPin(ValueError):
    """A PIN that is not 4-8 ASCII digits; the message never repeats the PIN."""


def validate_pin(pin: str) -> str:
    """Return `pin` if it is 4 to 8 ASCII digits, else raise InvalidPin."""
    if not isinstance(pin, str) or not (pin.isascii() and pin.isdigit()):
        raise InvalidPin(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits (0-9), nothing else")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise InvalidPin(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits, not {len(pin)}")
    return pin


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * n + 2**20, dklen=length
    )


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """Hash a valid PIN with a fresh random 16-byte salt (or `salt`, for tests).

    Returns ``scrypt$N$r$p$SALT$HASH``. Raises InvalidPin for a PIN that is not 4-8 digits.
    """
    validate_pin(pin)
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the stored hash; the comparison takes constant time.

    A PIN of the wrong shape, or a stored value that is not a hash this module wrote, is
    simply False: a malformed record never lets anybody in.
    """
    try:
        validate_pin(pin)
        scheme, n, r, p, salt, digest = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        if scheme != SCHEME or not (2 <= n_ <= 2**20 and 1 <= r_ <= 32 and 1 <= p_ <= 16):
            return False  # not ours, or costs so high that checking would exhaust memory
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(pin, base64.b64decode(salt, validate=True), n_, r_, p_, len(expected))
    except (InvalidPin, ValueError, TypeError, AttributeError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def retry_delay(failures: int) -> float:
    """Seconds to wait before refusing the `failures`-th wrong PIN in a row (1 s, 2 s, 4 s ...)."""
    if failures <= 0:
        return 0.0
    return min(FIRST_DELAY_SECONDS * 2.0 ** (failures - 1), MAX_DELAY_SECONDS)
