"""What the screens ask of the app that shows them, typed.

Textual types `self.app` as a plain `App`; a few screens call the backtrack app's own
methods (the heading of the top bar, the rest countdown, the history). `host(node)` gives the
running app as `Host`, the part of `BacktrackApp` they use, so those calls are checked
without the screens importing `tui.app` (which imports them). That `BacktrackApp` is a
`Host` is checked where it is defined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from backtrack.tui.timing import Countdown


class Host(Protocol):
    """The app's methods the screens call."""

    @property
    def rest(self) -> Countdown:
        """The rest countdown (it outlives the screens)."""
        ...

    def heading(self) -> tuple[str, str]:
        """The athlete's name and the day for a screen's top bar."""
        ...

    def start_rest(self, seconds: float, label: str) -> None:
        """Start the rest countdown."""
        ...

    def open_history(self, exercise_id: str | None) -> None:
        """Show the session athlete's history, at `exercise_id`."""
        ...


def host(node: MessagePump) -> Host:
    """The running app of `node` (a screen or widget), as the screens use it."""
    return cast("Host", node.app)
