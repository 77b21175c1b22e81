"""The start-up anchor: the smallest Textual app (Header, Static, Footer).

Run as a script (`python benchmarks/hello.py`), so nothing but Textual is imported.
"""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

TEXT = "hello from the anchor app"


class Hello(App[None]):
    """A header, one line of text and a footer."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(TEXT)
        yield Footer()


if __name__ == "__main__":
    Hello().run()
