"""The garbage collector, paused while the `backtrack` script starts up.

Start-up (the imports, the app's first frame, the store's opening) makes a few hundred
thousand objects that live as long as the process, and next to no garbage. With the
collector on, Python walks those objects again and again while they are being made: about
30 ms of the app's start-up (one full pass of 13 ms landed in its first frame), against
11 ms for the hello app, which makes fewer. So the script (`backtrack.__main__`) pauses the
collector before it imports anything else, and `resume_collection` ends the pause:
`gc.freeze()` puts what start-up made out of the collector's way for good, and the
collector is on for the rest of the run.

Start-up is over when a command is about to do its work (`cli`'s group callback), or, for
the app, when the session behind the first look is open (and RESUME_LATEST seconds after
the app mounts at the latest: see `tui.app`). Code not started by the script (the tests, a
library user) never has the collector paused, and `resume_collection` does nothing for it.
"""

from __future__ import annotations

import gc

RESUME_LATEST = 2.0  # seconds: the app resumes the collector by then whatever happens

_paused = False


def pause_for_start_up() -> None:
    """Turn the collector off until `resume_collection` (if it is on: else nothing)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """Start-up is over: freeze what it made and turn the collector back on, if
    `pause_for_start_up` turned it off (else nothing). Safe to call more than once."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
