"""The clinician's progress report: one self-contained HTML file per athlete and range.

`render_report` gathers the range from the store (`data`, `gather_report`), draws each
drill's charts with matplotlib (`charts`, imported only here, when a report is made) and
writes the document (`html`, `html_of`); `write_report` (or `write_html` of what was
gathered) puts it in a file the way every export does: through a temporary file renamed into
place, private to the user (0600), so a failure leaves nothing behind.
`backtrack report` and the History screen's `r` key call these.

Importing this package loads none of them (no matplotlib, no store).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from backtrack.durable import replaced_text_file

if TYPE_CHECKING:
    from backtrack.models import Athlete
    from backtrack.report.data import Report
    from backtrack.store import Store


def gather_report(
    store: Store, athlete: Athlete, *, since: date | None = None, until: date | None = None
) -> Report:
    """What the report of `athlete` over [since, until] shows, read from the store (`until`
    defaults to today, `since` to the athlete's first session). The only part that needs
    the store: the History screen reads it on its connection and draws the rest after."""
    from backtrack.report.data import gather

    return gather(store, athlete, since=since, until=until)


def html_of(report: Report) -> str:
    """The report as HTML text, its charts drawn (matplotlib is imported here)."""
    from backtrack.report.charts import drill_charts
    from backtrack.report.html import render

    return render(report, drill_charts)


def render_report(
    store: Store, athlete: Athlete, *, since: date | None = None, until: date | None = None
) -> str:
    """The report of `athlete` over [since, until] as HTML text (see `gather_report`)."""
    return html_of(gather_report(store, athlete, since=since, until=until))


def write_report(
    store: Store,
    path: Path,
    athlete: Athlete,
    *,
    since: date | None = None,
    until: date | None = None,
) -> Path:
    """Write the report to `path` (see `write_html`); the path."""
    return write_html(gather_report(store, athlete, since=since, until=until), path)


def write_html(report: Report, path: Path) -> Path:
    """Write the report to `path` (0600, through a temporary file renamed into place: a
    failure leaves no file and no half of one); the path. OSError names `path`."""
    text = html_of(report)
    path = Path(path)
    with replaced_text_file(path) as out:
        out.write(text)
    return path


def report_name(athlete_name: str, until: date) -> str:
    """'backtrack-report-ana-k-2026-11-25.html': the athlete's name in lower case, each run
    of other characters than a-z and 0-9 one '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", athlete_name.casefold()).strip("-") or "athlete"
    return f"backtrack-report-{slug}-{until.isoformat()}.html"
