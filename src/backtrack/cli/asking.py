"""Reading PINs and passwords: hidden on a terminal, one line each from a pipe.

On a terminal a secret is asked with hidden input (a new one twice, to catch a typo). From a
pipe each secret is the next line of standard input, in the order the command documents
(e.g. the current PIN, then the new one). Nothing here echoes, logs or keeps a secret.
"""

from __future__ import annotations

import sys

import click

from backtrack.cli.base import CliError


def stdin_is_terminal() -> bool:
    """Whether standard input is a terminal (tests replace this to act as one)."""
    return sys.stdin.isatty()


def next_line(what: str) -> str:
    """The next line of standard input without its line ending; an error naming `what` when
    there is none."""
    line = sys.stdin.readline()
    if not line:
        raise CliError(f"no {what} on standard input (one line each)")
    return line.rstrip("\r\n")


def ask_secret(prompt: str, what: str) -> str:
    """One secret: asked once, hidden, on a terminal; else the next line of stdin."""
    if stdin_is_terminal():
        return str(click.prompt(prompt, hide_input=True, show_default=False))
    return next_line(what)


def ask_new_secret(prompt: str, repeat: str, what: str) -> str:
    """A new secret: asked twice, hidden, on a terminal (the two must match); else the next
    line of stdin."""
    if stdin_is_terminal():
        return str(
            click.prompt(prompt, hide_input=True, confirmation_prompt=repeat, show_default=False)
        )
    return next_line(what)
