"""Athlete PINs (4-8 digits) and the clinic password, kept only as salted scrypt hashes.

A PIN guards the shared screen of a clinic's gym terminal: it keeps the next client out of
someone else's session. The clinic password guards the app served to browsers
(`backtrack serve`). Neither protects the database file, which anyone with the machine's
account can read. The plain PIN or password is never stored, logged or returned by anything
here.

A stored secret is one text value, ``scrypt$N$r$p$SALT$HASH`` (salt and hash in base64), so
the cost parameters travel with the hash and can be raised later without breaking old ones.
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


# A clinic password: 8-256 characters, not digits only (so it never reads as a PIN).
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


class InvalidPin(ValueError):
    """A PIN that is not 4-8 ASCII digits; the message never repeats the PIN."""


class InvalidPassword(ValueError):
    """A clinic password this module refuses; the message never repeats it."""


def validate_pin(pin: str) -> str:
    """Return `pin` if it is 4 to 8 ASCII digits, else raise InvalidPin."""
    if not isinstance(pin, str) or not (pin.isascii() and pin.isdigit()):
        raise InvalidPin(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits (0-9), nothing else")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise InvalidPin(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits, not {len(pin)}")
    return pin


def validate_password(password: str) -> str:
    """Return `password` if it can be the clinic password, else raise InvalidPassword: 8 to
    256 characters, not digits only, no control characters, no space at either end."""
    if not isinstance(password, str):
        raise InvalidPassword("a clinic password is text")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidPassword(
            f"a clinic password is {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters, "
            f"not {len(password)}"
        )
    if password.isascii() and password.isdigit():
        raise InvalidPassword("a clinic password must not be digits only (that reads as a PIN)")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in password):
        raise InvalidPassword("a clinic password cannot hold control characters")
    if password != password.strip():
        raise InvalidPassword("a clinic password cannot start or end with a space")
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidPassword("a clinic password must be valid text (UTF-8)") from None
    return password


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(secret: bytes, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        secret, salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * n + 2**20, dklen=length
    )


def _hash(secret: bytes, salt: bytes | None) -> str:
    """``scrypt$N$r$p$SALT$HASH`` of `secret` with `salt` (a fresh random one if None)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _matches(secret: bytes, stored: str) -> bool:
    """True when `secret` hashes to `stored` (constant-time comparison); False for a stored
    value this module did not write, or whose costs would exhaust memory."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        if scheme != SCHEME or not (2 <= n_ <= 2**20 and 1 <= r_ <= 32 and 1 <= p_ <= 16):
            return False  # not ours, or costs so high that checking would exhaust memory
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(secret, base64.b64decode(salt, validate=True), n_, r_, p_, len(expected))
    except (ValueError, TypeError, AttributeError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """Hash a valid PIN with a fresh random 16-byte salt (or `salt`, for tests).

    Returns ``scrypt$N$r$p$SALT$HASH``. Raises InvalidPin for a PIN that is not 4-8 digits.
    """
    validate_pin(pin)
    return _hash(pin.encode("ascii"), salt)


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the stored hash; the comparison takes constant time.

    A PIN of the wrong shape, or a stored value that is not a hash this module wrote, is
    simply False: a malformed record never lets anybody in.
    """
    try:
        validate_pin(pin)
    except InvalidPin:
        return False
    return _matches(pin.encode("ascii"), stored)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Hash a valid clinic password (UTF-8) like a PIN: ``scrypt$N$r$p$SALT$HASH`` with a
    fresh random salt (or `salt`, for tests). Raises InvalidPassword for one it refuses."""
    validate_password(password)
    return _hash(password.encode("utf-8"), salt)


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash (constant-time comparison); anything
    malformed, on either side, is False."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        secret = password.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return _matches(secret, stored)


def retry_delay(failures: int) -> float:
    """Seconds the next try must wait after `failures` wrong PINs (or clinic passwords) in a
    row: 1 s, 2 s, 4 s ... up to MAX_DELAY_SECONDS."""
    if failures <= 0:
        return 0.0
    return min(FIRST_DELAY_SECONDS * 2.0 ** (failures - 1), MAX_DELAY_SECONDS)
