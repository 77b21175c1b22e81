"""The footer every screen ends with: the keys that fit, then the palette key.

Textual's footer lays its keys out in a row that runs past the screen's edge, where the
palette key, docked on the right, covers part of the last one ('^p paletter' at 80 columns).
This one hides every key from the first that would not fit whole, so the row ends cleanly at
any width; the help screen (?) and the palette (^p) list every key.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """A footer that shows the keys that fit whole, in order, and the palette key."""

    async def recompose(self) -> None:
        """Lay the keys out again (the bindings changed, or the width), then fit them."""
        await super().recompose()
        self.call_after_refresh(self.fit_keys)

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)

    def fit_keys(self) -> None:
        """Hide every key from the first one that runs past the palette key or the edge."""
        limit = self.content_region.right
        palette = self.query(".-command-palette")
        if palette:
            limit = min(limit, palette.first().region.x)
        full = False
        for child in self.children:
            if child.has_class("-command-palette"):
                continue
            full = full or child.region.right > limit
            if full:
                child.display = False
