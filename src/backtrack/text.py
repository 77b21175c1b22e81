"""Free text as backtrack keeps it: never a terminal control character.

Notes, names and reasons come from the keyboard, the command line and imported files, and
are later printed to terminals, where ESC starts an escape sequence (moving the cursor,
retitling the window, rewriting what was shown). Every store method that writes free text
passes it through `strip_controls`; an import refuses a file with one (`find_control`).
Tab, line feed and carriage return stay: they are ordinary text in a note.
"""

from __future__ import annotations

import re

# NUL to US without tab (09), line feed (0A) and carriage return (0D); DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without its terminal control characters (ESC, NUL, DEL, the C1 controls and
    the C0 ones but tab, line feed and carriage return); everything else kept as it is."""
    if CONTROL_CHARACTERS.search(text) is None:
        return text
    return CONTROL_CHARACTERS.sub("", text)


def find_control(text: str) -> str | None:
    """The first terminal control character of `text` (see `strip_controls`), or None."""
    found = CONTROL_CHARACTERS.search(text)
    return found.group() if found else None


def describe_control(char: str) -> str:
    """A control character in words for an error message: 'ESC (U+001B)'."""
    names = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL"}
    code = f"U+{ord(char):04X}"
    return f"{names[char]} ({code})" if char in names else code
