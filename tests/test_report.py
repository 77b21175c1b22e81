"""The clinician's progress report (`backtrack report`, backtrack.report): its content against
the database, the file it writes, bad input, an athlete with no sessions, and a real print to
PDF in headless Chromium (A4 and Letter: a summary page and one page per drill, nothing blank,
no chart cut across pages)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.demo import build_demo
from backtrack.models import Athlete, Suggestion
from backtrack.report import render_report, report_name, write_report
from backtrack.report.data import ROUTINE_HOLD_RULES, gather
from backtrack.store import Store

UNTIL = date(2026, 9, 10)
CURL, GHD = "jefferson-curl", "back-extension-ghd"
NAME = "Ana <b>&</b>"  # markup in a name must come out as text


@pytest.fixture(autouse=True)
def utc(local_zone) -> None:
    """Local time is UTC in these tests: the same dates on any machine."""
    local_zone("UTC")


class Walk:
    """A clock the story moves along."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def day(n: int) -> date:
    """The n-th of September 2026."""
    return date(2026, 9, n)


def train(store: Store, athlete: Athlete, drill: str, on: date, pains: list[int]) -> None:
    for number, pain in enumerate(pains, start=1):
        store.log_set(
            athlete, drill, reps=8, rpe=7, pain=pain, at=at(on, 18, 3 * number), session_date=on
        )


def decide(
    store: Store,
    athlete: Athlete,
    drill: str,
    on: date,
    action: str,
    rule: str,
    reason: str,
    *,
    accepted: bool = True,
    **changes: float,
) -> None:
    before = store.plan(athlete, drill)
    assert isinstance(store.clock, Walk)
    store.clock.moment += timedelta(minutes=10)
    suggestion = Suggestion(
        exercise_id=drill,
        action=action,  # type: ignore[arg-type]
        plan=before.model_copy(update=changes),
        reason=reason,
        session_date=on,
        rule=rule,  # type: ignore[arg-type]
    )
    store.record_decision(athlete, suggestion, before, accepted=accepted)


@dataclass
class Rich:
    """A small log with every kind of event the report shows."""

    path: Path
    athlete: Athlete


def build_rich(path: Path, catalog: Catalog) -> Rich:
    """Four training days in September 2026: the curl's progression taken, a routine hold,
    a progression declined and a step back at pain 6; the GHD stopped at pain 7 on its first
    session; a clinician's override of the curl's load on the 4th; a flare (7 and 8) on the 4th
    and 5th; a red flag on the 6th, cleared on the 7th; the pain limit lowered to 4 on the 7th;
    no check-in after the 8th. The one-sided drills only (sides are for another issue): the
    side bend and the windmill never trained."""
    clock = Walk(at(day(1), 8))
    store = Store.open(path, catalog, clock)
    try:
        ana = store.athlete(NAME)
        for n, pain, hour in [(1, 2, 17), (2, 3, 7), (3, 2, 17), (4, 7, 7), (5, 8, 7)]:
            store.check_in(ana, pain, at=at(day(n), hour, 40), local=day(n))
        store.check_in(ana, 3, at=at(day(5), 17, 40), local=day(5))
        store.check_in(
            ana, 2, at=at(day(6), 7, 30), local=day(6), red_flags=["trauma"], note="<fell> & hurt"
        )
        store.check_in(ana, 2, at=at(day(8), 17, 40), local=day(8))
        clock.moment = at(day(1), 17)
        train(store, ana, CURL, day(1), [1, 2, 2])
        train(store, ana, GHD, day(1), [3, 7, 4])
        clock.moment = at(day(2), 8)
        decide(
            store, ana, CURL, day(1), "progress_rom", "progress", "All 3 sets: ROM 2", rom_level=2
        )
        decide(store, ana, GHD, day(1), "stop", "pain", "Set 2 hurt at 7/10 (above 5): stop")
        train(store, ana, CURL, day(3), [2, 2, 2])
        clock.moment = at(day(4), 8)
        decide(store, ana, CURL, day(3), "hold", "gap", "Keep this plan: 2 of 3 sets reached 8")
        store.override_plan(ana, CURL, load_kg=2.5)
        train(store, ana, CURL, day(5), [1, 1, 1])
        clock.moment = at(day(6), 9)
        decide(
            store, ana, CURL, day(5), "progress_rom", "progress", "All 3 sets: ROM 3",
            accepted=False, rom_level=3,
        )  # fmt: skip
        clock.moment = at(day(7), 10)
        store.clear_red_flags(ana, reason="seen, no fracture", by="Dr Lee")
        clock.moment += timedelta(minutes=5)
        store.change_rule_setting(ana, "pain_limit", 4, reason="after the flare", by="Dr Lee")
        train(store, ana, CURL, day(8), [2, 6, 3])
        clock.moment = at(day(9), 8)
        decide(store, ana, CURL, day(8), "regress", "pain", "Set 2 hurt at 6/10: back to ROM 1",
               rom_level=1)  # fmt: skip
        return Rich(path, ana)
    finally:
        store.close()


@pytest.fixture
def rich(tmp_path: Path, catalog: Catalog) -> Rich:
    return build_rich(tmp_path / "rich.db", catalog)


@pytest.fixture
def rich_store(rich: Rich, catalog: Catalog) -> Iterator[Store]:
    store = Store.open(rich.path, catalog, FixedClock(at(UNTIL, 12)))
    yield store
    store.close()


# -- reading the HTML back ---------------------------------------------------------------


@dataclass
class Page:
    """What the report's HTML holds, read back by section."""

    drills: dict[str, dict] = field(default_factory=dict)  # id -> charts, rows
    words: str = ""
    events: list[list[str]] = field(default_factory=list)  # date, what, drill, details
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self.drill: str | None = None
        self.in_safety = False
        self.heading: str | None = None
        self.capture: list[str] | None = None
        self.row: list[str] | None = None
        self.table: str | None = None
        self.in_words = False
        self.tag_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.drill = found.get("data-drill")
            self.in_safety = found.get("class") == "safety"
            if self.drill:
                self.page.drills[self.drill] = {"charts": [], "rows": []}
        elif tag == "figure" and self.drill:
            self.page.drills[self.drill]["charts"].append(found.get("data-chart"))
        elif tag == "table":
            self.table = found.get("class") or "plain"
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th", "h3", "p") and self.capture is None:
            self.capture = []
            self.in_words = tag == "p" and found.get("class") == "words"
        elif tag == "svg":
            self.tag_text.append("<svg>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th", "h3", "p") and self.capture is not None:
            text = "".join(self.capture)
            self.capture = None
            if tag == "h3":
                self.heading = text
            elif tag == "p" and self.in_words:
                self.page.words = text
            elif tag == "td" and self.row is not None:
                self.row.append(text)
        elif tag == "tr" and self.row:
            if self.drill and self.table == "decisions":
                self.page.drills[self.drill]["rows"].append(self.row)
            elif self.in_safety and self.table == "events":
                self.page.events.append(self.row)
            self.row = None
        elif tag == "section":
            self.drill, self.in_safety = None, False
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.capture.append(data)
        self.page.text += data


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    return reader.page


# -- content against the database ---------------------------------------------------------


def query(path: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def listed_in_db(path: Path, drill: str, low: date, high: date) -> list[tuple]:
    """The decisions a drill's page must list, read straight from the suggestions table:
    not superseded, not a routine hold, dated in the range."""
    routine = ",".join(f"'{r}'" for r in sorted(ROUTINE_HOLD_RULES))
    return query(
        path,
        "SELECT COALESCE(session_date, substr(created_at, 1, 10)) AS d, action, reason, status "
        "FROM suggestions WHERE exercise_id = ? AND status != 'superseded' "
        f"AND NOT (action = 'hold' AND rule IN ({routine}) AND status IN ('accepted','pending')) "
        "AND d BETWEEN ? AND ? ORDER BY d, created_at, id",
        drill,
        low.isoformat(),
        high.isoformat(),
    )


def test_summary_numbers_match_the_database(rich: Rich, rich_store: Store) -> None:
    page = read(render_report(rich_store, rich_store.athlete(NAME, create=False)))
    days = query(rich.path, "SELECT COUNT(DISTINCT session_date) FROM sets")[0][0]
    per_drill = dict(
        query(rich.path, "SELECT exercise_id, COUNT(DISTINCT session_date) FROM sets GROUP BY 1")
    )
    assert days == 4
    words = page.words
    assert f"trained on {days} days (sessions) over 8 days, from 1 Sep 2026 to 8 Sep 2026" in words
    assert f"Jefferson curl {per_drill[CURL]}, Back extension (GHD) {per_drill[GHD]}." in words
    assert "recorded after 3 of 4 sessions (75%)" in words  # nothing after the 8th
    assert "Progressions: 1 taken, 1 declined. Step backs: 1 taken. Stops: 1 taken." in words
    assert "Flares (check-ins at or above the flare level): 1." in words
    assert "Red flags: 1 check-in with red flags, all cleared." in words
    assert "Clinician's overrides: 1; rule setting changes: 1." in words
    assert "Sessions with a set above the pain limit: 2" in words
    assert "Range: 1 Sep 2026 to 10 Sep 2026" in page.text
    assert "backtrack 0.1.0" in page.text and "Generated 10 Sep 2026, 12:00" in page.text


def test_each_drill_page_has_a_chart_pair_and_one_row_per_decision(
    rich: Rich, rich_store: Store
) -> None:
    page = read(render_report(rich_store, rich_store.athlete(NAME, create=False)))
    trained = [d for (d,) in query(rich.path, "SELECT DISTINCT exercise_id FROM sets")]
    assert sorted(page.drills) == sorted(trained) == sorted([CURL, GHD])
    for drill, found in page.drills.items():
        assert found["charts"] == ["load-rom", "pain"], drill
        expected = listed_in_db(rich.path, drill, day(1), UNTIL)
        assert len(found["rows"]) == len(expected), drill
        for row, (_, action, reason, status) in zip(found["rows"], expected, strict=True):
            assert row[2] == reason
            assert row[3] == ("set by the clinician" if action == "override" else {
                "accepted": "taken", "declined": "declined", "pending": "not decided yet"
            }[status])  # fmt: skip
    curl = page.drills[CURL]["rows"]
    # the hold is counted, not listed
    assert [r[1] for r in curl] == ["more ROM", "clinician's override", "more ROM", "step back"]
    assert "1 routine hold" in page.text


def test_red_flags_stops_flares_and_the_clinicians_changes(rich_store: Store) -> None:
    page = read(render_report(rich_store, rich_store.athlete(NAME, create=False)))
    events = [row[:3] for row in page.events]
    assert events == [  # by date
        ["1 Sep 2026", "stop (taken)", "Back extension (GHD)"],
        ["1 Sep 2026", "set above the pain limit", "Back extension (GHD)"],
        ["4 Sep 2026 to 5 Sep 2026", "flare", "every drill"],
        ["4 Sep 2026", "override", "Jefferson curl"],
        ["6 Sep 2026", "red flag", "every drill"],
        ["7 Sep 2026", "red flags cleared", "every drill"],
        ["7 Sep 2026", "rule setting", "every drill"],
        ["8 Sep 2026", "set above the pain limit", "Jefferson curl"],
    ]
    details = [row[3] for row in page.events]
    assert details[0] == "Set 2 hurt at 7/10 (above 5): stop"
    # each session judged against the pain limit in force that day (4 from the 7th)
    assert details[1] == "worst set 7/10, limit 5/10"
    assert details[7] == "worst set 6/10, limit 4/10"
    assert details[3] == "Clinician's override: load 0 kg -> 2.5 kg"
    assert details[2] == "back pain up to 8/10 at 2 check-ins in a row (flare level 7/10)"
    assert details[4].startswith("A fall or a blow to your back since your last session?")
    assert "Note: <fell> & hurt" in details[4]
    assert "Advice given: Stop training and contact your clinician today." in details[4]
    assert details[4].endswith("Cleared 7 Sep 2026 by Dr Lee: seen, no fracture")
    assert details[5] == "by Dr Lee: seen, no fracture"
    assert details[6] == "pain_limit 5 → 4, by Dr Lee: after the flare"
    assert "stopped by the rules" in page.text
    assert "more event" not in page.text  # all of them fit


def test_an_open_red_flag_is_said_first(rich: Rich, catalog: Catalog) -> None:
    store = Store.open(rich.path, catalog, FixedClock(at(UNTIL, 12)))
    try:
        ana = store.athlete(NAME, create=False)
        store.check_in(ana, 3, at=at(day(9), 7), local=day(9), red_flags=["saddle-numbness"])
        html = render_report(store, ana)
    finally:
        store.close()
    alert = re.search(r'<p class="alert">(.*?)</p>', html)
    assert alert is not None and "saddle-numbness" in alert[1]
    assert "Go to an emergency department now" in alert[1]
    assert html.index('class="alert"') < html.index('class="words"')
    page = read(html)
    assert page.events[-1][:2] == ["9 Sep 2026", "red flag"]
    assert "NOT CLEARED" in page.events[-1][3]
    assert "1 not cleared yet" in page.words


def test_text_from_the_log_is_escaped_and_nothing_is_fetched(rich_store: Store) -> None:
    html = render_report(rich_store, rich_store.athlete(NAME, create=False))
    assert "Ana &lt;b&gt;&amp;&lt;/b&gt;" in html and "<b>&</b>" not in html
    assert "&lt;fell&gt; &amp; hurt" in html
    for fetch in ("<script", "<link", "<img", "src=", "@import", "@font-face", "url(http"):
        assert fetch not in html
    assert set(re.findall(r"https?://[^\"' )]+", html)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # charts inlined in one page share no id


def test_a_range_narrows_sessions_decisions_and_check_ins(rich: Rich, rich_store: Store) -> None:
    ana = rich_store.athlete(NAME, create=False)
    report = gather(rich_store, ana, since=day(3), until=day(5))
    assert report.training_days == [day(3), day(5)]
    assert [d.exercise.id for d in report.paged] == [CURL]
    assert all(day(3) <= c.local_date <= day(5) for c in report.checkins)
    curl = next(d for d in report.drills if d.exercise.id == CURL)
    assert (curl.plan_start.rom_level, curl.plan_end.rom_level) == (2, 2)
    page = read(render_report(rich_store, ana, since=day(3), until=day(5)))
    assert len(page.drills[CURL]["rows"]) == len(listed_in_db(rich.path, CURL, day(3), day(5)))
    assert [e[1] for e in page.events] == ["flare", "override"]


def test_the_same_log_gives_the_same_report(rich_store: Store) -> None:
    ana = rich_store.athlete(NAME, create=False)
    assert render_report(rich_store, ana) == render_report(rich_store, ana)


def test_an_athlete_with_no_sessions_gets_a_report_that_says_so(
    rich: Rich, catalog: Catalog, tmp_path: Path
) -> None:
    store = Store.open(rich.path, catalog, FixedClock(at(UNTIL, 12)))
    try:
        new = store.athlete("Ben")
        page = read(render_report(store, new))
        assert page.words == "Ben has no sessions recorded up to 10 Sep 2026."
        assert page.drills == {}
        assert "None in this range." in page.text
        assert "How to read" not in page.text
    finally:
        store.close()


# -- the file and the command line --------------------------------------------------------


def test_write_report_is_private_and_replaces_nothing_on_failure(
    rich_store: Store, tmp_path: Path
) -> None:
    ana = rich_store.athlete(NAME, create=False)
    path = write_report(rich_store, tmp_path / "r.html", ana)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(OSError) as failed:
        write_report(rich_store, tmp_path / "missing" / "r.html", ana)
    assert "missing/r.html" in str(failed.value)
    assert not list(tmp_path.glob("**/.r.html.*"))  # no temporary file left behind


def copy_to(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def test_report_name_is_the_athlete_and_the_last_day() -> None:
    assert report_name("Ana K", date(2026, 11, 25)) == "backtrack-report-ana-k-2026-11-25.html"
    assert report_name("<b>", date(2026, 11, 25)) == "backtrack-report-b-2026-11-25.html"
    assert report_name("!!", date(2026, 11, 25)) == "backtrack-report-athlete-2026-11-25.html"


def test_report_command_writes_the_default_file_in_the_current_folder(
    rich: Rich, run, db_path: Path, tmp_path: Path, monkeypatch, machine_clock
) -> None:
    machine_clock(at(UNTIL, 12))
    copy_to(rich.path, db_path)
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = run("report", "--athlete", NAME)
    assert result.exit_code == 0, result.output
    path = folder / "backtrack-report-ana-b-b-2026-09-10.html"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path) in result.output
    page = read(path.read_text(encoding="utf-8"))
    assert sorted(page.drills) == sorted([CURL, GHD])


def test_report_command_to_stdout_and_with_a_range(rich: Rich, run, db_path, tmp_path) -> None:
    copy_to(rich.path, db_path)
    result = run("report", "--athlete", NAME, "--since", "2026-09-03", "--until", "2026-09-05",
                 "-o", "-")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>")
    page = read(result.stdout)
    assert sorted(page.drills) == [CURL]
    assert "Range: 3 Sep 2026 to 5 Sep 2026" in page.text
    assert list(tmp_path.glob("**/*.html")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--athlete", "Nobody"], "no athlete named 'Nobody'"),
        (["--since", "2026-09-05", "--until", "2026-09-01"], "2026-09-05 is after --until"),
        (["--since", "2026-13-01"], "is not a date"),
        (["-o", "{tmp}/no/such/folder/r.html"], "does not exist"),
        (["-o", "{tmp}/locked/r.html"], "not writable"),
    ],
    ids=["unknown-athlete", "since-after-until", "bad-date", "missing-folder", "unwritable"],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    args: list[str], message: str, rich: Rich, run, db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    copy_to(rich.path, db_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.chdir(tmp_path)
    if "locked" in " ".join(args) and _root_ignores_modes(locked):
        args = ["-o", "/proc/r.html"]  # root writes anywhere a mode allows: a folder it cannot
        message = "cannot"
    result = run("report", *[a.format(tmp=tmp_path) for a in args], *(
        [] if "--athlete" in args else ["--athlete", NAME]
    ))  # fmt: skip
    locked.chmod(0o700)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert list(tmp_path.glob("**/*.html")) == []
    assert list(tmp_path.glob("**/.*.html.*")) == []


def _root_ignores_modes(folder: Path) -> bool:
    """Whether this user writes into a folder whose mode says no (root does)."""
    probe = folder / ".probe"
    try:
        probe.write_text("")
    except OSError:
        return False
    probe.unlink()
    return True


def test_the_since_after_today_is_refused(rich: Rich, run, db_path, machine_clock) -> None:
    machine_clock(at(UNTIL, 12))
    copy_to(rich.path, db_path)
    result = run("report", "--athlete", NAME, "--since", "2026-09-11", "-o", "-")
    assert result.exit_code == 2 and "after today" in result.output


def test_help_says_what_the_report_holds(run) -> None:
    result = run("report", "--help")
    assert result.exit_code == 0
    packed = "".join(result.output.split())  # click wraps after a hyphen
    assert "--since" in packed and "backtrack-report-<athlete>-<until>.html" in packed


# -- the demo tells its story ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_html(tmp_path_factory) -> str:
    from backtrack.catalog import load_catalog

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        import time as clock_time

        clock_time.tzset()
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        store = Store.open(path, load_catalog(), FixedClock(at(date(2026, 11, 25), 9)))
        try:
            build_demo(store, today=date(2026, 11, 25))
            html = render_report(store, store.athlete("demo", create=False))
        finally:
            store.close()
    clock_time.tzset()
    return html


def test_the_demo_report_shows_the_flare_and_the_step_back(demo_html: str) -> None:
    page = read(demo_html)
    assert len(page.drills) == 4
    curl = page.drills[CURL]["rows"]
    backs = [r for r in curl if r[1] == "step back"]
    assert len(backs) == 1 and "6/10" in backs[0][2] and backs[0][3] == "taken"
    # the session that hurt is listed above the limit, and the pain chart marks the step back
    assert page.events == [
        [backs[0][0], "set above the pain limit", "Jefferson curl", "worst set 6/10, limit 5/10"]
    ] or page.events[-1] == [
        backs[0][0],
        "set above the pain limit",
        "Jefferson curl",
        "worst set 6/10, limit 5/10",
    ]
    curl_section = demo_html.split('data-drill="jefferson-curl"')[1].split("</section>")[0]
    assert curl_section.count("<svg") == 2
    assert "Progressions:" in page.words and "2 declined" in page.words


def test_a_two_sided_drill_draws_its_pain_on_each_side(tmp_path: Path, catalog: Catalog) -> None:
    """The demo's side bend and windmill are logged by side: their pain charts draw the left
    and the right (the asymmetric week's right 2 points above its left), the one-sided
    drills one series as before; sessions logged before sides are a series of their own."""
    from backtrack.report.charts import drill_charts, pain_series

    bend = "half-kneeling-side-bend"
    store = Store.open(tmp_path / "demo.db", catalog, FixedClock(at(date(2026, 11, 25), 9)))
    try:
        build_demo(store, today=date(2026, 11, 25))
        demo = store.athlete("demo", create=False)
        report = gather(store, demo)
        drills = {d.exercise.id: d for d in report.paged}
        for drill_id in (bend, "half-kneeling-windmill"):
            left, right = pain_series(drills[drill_id])
            assert (left.label, right.label) == ("worst set pain, left", "worst set pain, right")
        left, right = pain_series(drills[bend])
        sessions = {s.day: s for s in store.session_history(demo, bend, limit=100)}
        for x, low, high in zip(left.x, left.y, right.y, strict=True):
            [summary] = [s for d, s in sessions.items() if float((d - date(1970, 1, 1)).days) == x]
            assert (low, high) == tuple(float(side.pain) for side in summary.sides)
        asymmetric = date(2026, 10, 2)
        index = [s.day for s in drills[bend].sessions].index(asymmetric)
        assert (left.y[index], right.y[index]) == (2.0, 4.0)
        for drill_id in (CURL, GHD):
            [only] = pain_series(drills[drill_id])
            assert only.label == "worst set pain in the session"
        # the first two weeks as if logged before sides: a third series, for those sessions
        store.db.execute(
            "UPDATE sets SET side = NULL WHERE exercise_id = ? AND session_date < '2026-09-14'",
            [bend],
        )
        store.db.conn.commit()
        drill = {d.exercise.id: d for d in gather(store, demo).paged}[bend]
        left, right, before = pain_series(drill)
        assert before.label == "worst set pain, no side recorded"
        early = [n for n, s in enumerate(drill.sessions) if s.day < date(2026, 9, 14)]
        assert early and all(before.y[n] is not None and left.y[n] is None for n in early)
        assert all(v is None for n, v in enumerate(before.y) if n not in early)
        load_rom, pain = drill_charts(report, drill, 1)
        assert pain.startswith("<svg") and load_rom.startswith("<svg")
    finally:
        store.close()


# -- printed: headless Chromium to PDF -----------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium is needed to print the report: run scripts/test")


def print_pdf(html: str, paper: str, folder: Path) -> Path:
    """Print `html` on `paper` (A4 or Letter) as a browser would, to a PDF."""
    page = folder / f"report-{paper}.html"
    page.write_text(html.replace("</head>", f"<style>@page {{ size: {paper}; }}</style></head>"))
    pdf = folder / f"report-{paper}.pdf"
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)[1])  # type: ignore[index]
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("which", ["demo", "rich", "no-sessions"])
def test_printed_a_page_per_drill_after_the_summary_none_blank_none_cut(
    paper: str, which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if which == "demo":
        html = request.getfixturevalue("demo_html")
    else:
        rich_store = request.getfixturevalue("rich_store")
        name = NAME if which == "rich" else "Ben"
        html = render_report(rich_store, rich_store.athlete(name))
    drills = [m for m in re.findall(r'<section class="drill" data-drill="([^"]+)">', html)]
    names = re.findall(r'<section class="drill"[^>]*>\s*<h2>([^<]+)</h2>', html)
    pages = pdf_pages(print_pdf(html, paper, tmp_path))
    assert len(pages) == 1 + len(drills), [p[:80] for p in pages]
    assert all(p.strip() for p in pages)  # no blank page
    assert "Progress report:" in pages[0]
    assert "Red flags, stops, flares and clinician's changes" in pages[0]
    for text, name in zip(pages[1:], names, strict=True):
        # the drill's title, both charts' captions and its decisions on one page
        assert name.replace("&#x27;", "'") in text
        assert "Load and ROM level per session" in text
        assert "Pain: worst set per session and check-ins" in text
        assert "Decisions" in text
        assert text.index("Load and ROM") < text.index("Pain: worst") < text.index("Decisions")


def test_a_long_range_still_prints_a_page_per_drill(tmp_path: Path, catalog: Catalog) -> None:
    """A year of two drills, a decision each session and pain above the limit now and then:
    the tables are bounded, so the pages stay 1 + drills."""
    clock = Walk(at(date(2025, 1, 1), 8))
    store = Store.open(tmp_path / "year.db", catalog, clock)
    try:
        ana = store.athlete("Ana")
        first = date(2025, 1, 6)
        with store.write():
            for week in range(52):
                for offset in (0, 2, 4):
                    on = first + timedelta(weeks=week, days=offset)
                    store.check_in(ana, 2, at=at(on, 17), local=on)
                    for drill in (CURL, GHD):
                        pain = 6 if (week * 3 + offset) % 17 == 0 else 2
                        train(store, ana, drill, on, [2, pain, 1])
                        clock.moment = at(on, 20)
                        action = "progress_load" if week % 2 else "regress"
                        load = store.plan(ana, drill).load_kg + (2.5 if week % 2 else 0)
                        decide(store, ana, drill, on, action, "progress",
                               "All 3 sets reached 8 reps at RPE 7 or easier with pain 3 or "
                               "less: next time, more load", load_kg=load)  # fmt: skip
        html = render_report(store, ana, until=date(2025, 12, 31))
    finally:
        store.close()
    page = read(html)
    assert all(len(d["rows"]) < 60 for d in page.drills.values())
    assert "more decisions in this range not listed here" in page.text
    pages = pdf_pages(print_pdf(html, "Letter", tmp_path))
    assert len(pages) == 1 + 2 and all(p.strip() for p in pages)
