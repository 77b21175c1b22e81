"""The drill catalog (shipped file, user overrides and additions, errors) and paths.py."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backtrack import catalog as catalog_module
from backtrack import paths
from backtrack.catalog import (
    Catalog,
    CatalogError,
    UnknownExercise,
    load_catalog,
    shipped_catalog_path,
)
from backtrack.models import Exercise

SHIPPED_IDS = [
    "jefferson-curl",
    "half-kneeling-side-bend",
    "back-extension-ghd",
    "half-kneeling-windmill",
]
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# A complete fifth drill, as a user would add it.
NEW_DRILL = """
[[exercise]]
id = "seated-good-morning"
name = "Seated good morning"
loads = "flexion"
equipment = "a bench and a light bar"
cues = ["Sit tall", "Round forward slowly", "Uncurl to upright"]
sets = 3
reps_min = 6
reps_max = 8
rest_seconds = 90
start_load_kg = 0
load_increment_kg = 2.5
max_load_kg = 30
max_sets = 5
rom = ["chest to knees", "chest past knees", "chest to thighs"]
"""


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the XDG folders at tmp_path and clear BACKTRACK_*, so nothing real is read."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("BACKTRACK_DB", raising=False)
    monkeypatch.delenv("BACKTRACK_CATALOG", raising=False)
    return tmp_path


def write(tmp_path: Path, text: str, name: str = "user.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def shipped(tmp_path: Path) -> Catalog:
    """The shipped catalog alone (the user file does not exist)."""
    return load_catalog(user_path=tmp_path / "no-such-file.toml")


# --- the shipped catalog ------------------------------------------------------------------------


def test_shipped_catalog_has_the_four_drills_in_order(shipped: Catalog) -> None:
    assert list(shipped.ids) == SHIPPED_IDS
    assert [e.id for e in shipped] == SHIPPED_IDS
    assert len(shipped) == 4
    assert shipped.sources == (shipped_catalog_path(),)


def test_shipped_drills_follow_the_protocol(shipped: Catalog) -> None:
    for exercise in shipped:
        assert KEBAB.match(exercise.id)
        assert (exercise.sets, exercise.reps_min, exercise.reps_max) == (3, 6, 8)
        assert 3 <= len(exercise.rom) <= 5
        assert len(set(exercise.rom)) == len(exercise.rom)
        assert exercise.progression == ["rom", "load", "volume"]
        assert 3 <= len(exercise.cues) <= 5
        assert exercise.start_load_kg <= exercise.max_load_kg
        assert exercise.sets <= exercise.max_sets


def test_shipped_drill_details(shipped: Catalog) -> None:
    curl = shipped.get("jefferson-curl")
    assert curl.name == "Jefferson curl"
    assert curl.loads == "flexion"
    assert curl.start_load_kg == 0
    assert curl.rom[0] == "fingertips to knees"
    assert curl.rom[-1] == "standing on a low box, past the toes"
    ghd = shipped.get("back-extension-ghd")
    assert ghd.name == "Back extension (GHD)"
    assert ghd.loads == "flexion + extension"
    assert shipped.get("half-kneeling-side-bend").loads == "lateral flexion"
    assert shipped.get("half-kneeling-windmill").loads == "flexion + rotation + side bend"


def test_the_shipped_file_gives_every_field() -> None:
    """Defaults must not hide a field the clinic forgot: the shipped file spells out all."""
    import tomllib

    document = tomllib.loads(shipped_catalog_path().read_text(encoding="utf-8"))
    for entry in document["exercise"]:
        assert set(entry) == set(Exercise.model_fields)


# --- the user catalog ---------------------------------------------------------------------------


def test_user_override_changes_only_the_given_field(tmp_path: Path, shipped: Catalog) -> None:
    user = write(
        tmp_path,
        """
        [[exercise]]
        id = "jefferson-curl"
        rest_seconds = 120
        """,
    )
    merged = load_catalog(user_path=user)
    assert list(merged.ids) == SHIPPED_IDS
    before = shipped.get("jefferson-curl").model_dump()
    after = merged.get("jefferson-curl").model_dump()
    assert after.pop("rest_seconds") == 120
    assert before.pop("rest_seconds") == 90
    assert after == before
    for other in SHIPPED_IDS[1:]:
        assert merged.get(other) == shipped.get(other)
    assert merged.sources == (shipped_catalog_path(), user)


def test_user_override_replaces_a_list_whole(tmp_path: Path) -> None:
    user = write(
        tmp_path,
        """
        [[exercise]]
        id = "half-kneeling-windmill"
        rom = ["hand to knee", "hand to shin", "hand to floor"]
        """,
    )
    windmill = load_catalog(user_path=user).get("half-kneeling-windmill")
    assert windmill.rom == ["hand to knee", "hand to shin", "hand to floor"]
    assert windmill.max_rom_level == 3


def test_user_adds_a_fifth_drill(tmp_path: Path) -> None:
    user = write(tmp_path, NEW_DRILL)
    merged = load_catalog(user_path=user)
    assert list(merged.ids) == [*SHIPPED_IDS, "seated-good-morning"]
    added = merged.get("seated-good-morning")
    assert added.progression == ["rom", "load", "volume"]  # the default
    assert added.rom[-1] == "chest to thighs"


def test_empty_user_file_is_fine(tmp_path: Path) -> None:
    assert list(load_catalog(user_path=write(tmp_path, "# nothing yet\n")).ids) == SHIPPED_IDS


def test_default_user_catalog_is_read_from_the_config_dir(tmp_path: Path) -> None:
    folder = tmp_path / "xdg-config" / "backtrack"
    folder.mkdir(parents=True)
    write(folder, NEW_DRILL, name="exercises.toml")
    assert "seated-good-morning" in load_catalog()


def test_backtrack_catalog_env_names_the_user_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKTRACK_CATALOG", str(write(tmp_path, NEW_DRILL, name="mine.toml")))
    assert "seated-good-morning" in load_catalog()


# --- bad catalogs -------------------------------------------------------------------------------

# (case, file text, the drill and field the message must name, more text it must contain)
BAD_CATALOGS = [
    (
        "syntax error",
        """
        [[exercise]]
        id = "jefferson-curl"
        rest_seconds = = 120
        """,
        None,
        None,
        ["TOML syntax error at line 3, column"],
    ),
    (
        "missing field in a new drill",
        NEW_DRILL.replace('loads = "flexion"\n', ""),
        "seated-good-morning",
        "loads",
        ["Field required", "a new drill must give every field"],
    ),
    (
        "unknown field",
        """
        [[exercise]]
        id = "jefferson-curl"
        rest_secs = 120
        """,
        "jefferson-curl",
        "rest_secs",
        ["unknown field", "did you mean 'rest_seconds'?", "line 3"],
    ),
    (
        "wrong type",
        """
        [[exercise]]
        id = "jefferson-curl"
        reps_min = "six"
        """,
        "jefferson-curl",
        "reps_min",
        ["valid integer", "'six'", "line 3"],
    ),
    (
        "duplicate id",
        """
        [[exercise]]
        id = "jefferson-curl"
        sets = 4

        [[exercise]]
        id = "jefferson-curl"
        sets = 5
        """,
        "jefferson-curl",
        "id",
        ["duplicate id", "line 6"],
    ),
    (
        "empty ladder",
        """
        [[exercise]]
        id = "back-extension-ghd"
        rom = []
        """,
        "back-extension-ghd",
        "rom",
        ["at least 3"],
    ),
    (
        "reps_min above reps_max",
        """
        [[exercise]]
        id = "half-kneeling-side-bend"
        reps_min = 10
        """,
        "half-kneeling-side-bend",
        "reps_min",
        ["reps_min (10) is above reps_max (8)", "line 3"],
    ),
    (
        "ladder of six",
        """
        [[exercise]]
        id = "jefferson-curl"
        rom = ["1", "2", "3", "4", "5", "6"]
        """,
        "jefferson-curl",
        "rom",
        ["at most 5"],
    ),
    (
        "blank ladder label",
        """
        [[exercise]]
        id = "jefferson-curl"
        rom = ["knees", " ", "toes"]
        """,
        "jefferson-curl",
        "rom",
        ["must not be empty"],
    ),
    (
        "unknown progression axis",
        """
        [[exercise]]
        id = "jefferson-curl"
        progression = ["rom", "speed"]
        """,
        "jefferson-curl",
        "progression",
        ["item 2"],
    ),
    (
        "id not kebab-case",
        NEW_DRILL.replace('"seated-good-morning"', '"Seated Good Morning"'),
        "Seated Good Morning",
        "id",
        ["kebab-case"],
    ),
    (
        "missing id",
        """
        [[exercise]]
        name = "Jefferson curl"
        """,
        "#1",
        "id",
        ["missing"],
    ),
    (
        "id not a string",
        """
        [[exercise]]
        id = "jefferson-curl"

        [[exercise]]
        id = 7
        """,
        "#2",
        "id",
        ["must be a non-empty string", "line 5"],
    ),
    (
        "exercise entry not a table",
        "exercise = [1, 2]\n",
        "#1",
        None,
        ["is an integer, not a table"],
    ),
    (
        "exercise not a list",
        'exercise = "jefferson-curl"\n',
        None,
        "exercise",
        ["must be a list"],
    ),
    (
        "unknown top-level key",
        'version = 2\n[[exercise]]\nid = "jefferson-curl"\n',
        None,
        "version",
        ["unknown top-level key"],
    ),
]


@pytest.mark.parametrize(
    ("text", "drill", "field", "snippets"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_CATALOGS],
)
def test_bad_user_catalog_names_file_drill_and_field(
    tmp_path: Path, text: str, drill: str | None, field: str | None, snippets: list[str]
) -> None:
    user = write(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(user_path=user)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{user}: ")
    assert caught.value.path == user
    if drill is not None:
        assert f"exercise {drill!r}" in message or f"exercise {drill}:" in message
        assert caught.value.drill == drill
    if field is not None:
        assert repr(field) in message
        assert caught.value.field == field
    for snippet in snippets:
        assert snippet in message


def test_syntax_error_reports_line_and_column(tmp_path: Path) -> None:
    user = write(tmp_path, '[[exercise]]\nid = "jefferson-curl"\ncues = ["a", "b"\n')
    with pytest.raises(CatalogError) as caught:
        load_catalog(user_path=user)
    assert caught.value.line is not None
    assert re.search(r"TOML syntax error at line \d+, column \d+: \S", str(caught.value))
    assert "(at line" not in str(caught.value)


def test_several_errors_are_counted(tmp_path: Path) -> None:
    user = write(
        tmp_path,
        """
        [[exercise]]
        id = "jefferson-curl"
        sets = "three"
        rest_seconds = -1
        max_sets = 0
        """,
    )
    with pytest.raises(CatalogError, match=r"field 'sets'.*\(and 2 more\)$"):
        load_catalog(user_path=user)


def test_missing_fields_are_listed_together(tmp_path: Path) -> None:
    user = write(
        tmp_path,
        """
        [[exercise]]
        id = "jeferson-curl"
        rest_seconds = 120
        """,
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(user_path=user)
    message = str(caught.value)
    assert "exercise 'jeferson-curl': field 'name': Field required" in message
    assert "did you mean the shipped drill 'jefferson-curl'?" in message
    assert "also missing: loads, equipment" in message
    assert "more)" not in message


def test_unreadable_user_catalog(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    with pytest.raises(CatalogError, match=r"^cannot read .*a-folder\.toml: "):
        load_catalog(user_path=folder)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(CatalogError, match=r"^cannot read .*binary\.toml: not UTF-8"):
        load_catalog(user_path=binary)


def test_error_in_the_shipped_file_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = write(tmp_path, '[[exercise]]\nid = "jefferson-curl"\n', name="shipped.toml")
    monkeypatch.setattr(catalog_module, "shipped_catalog_path", lambda: broken)
    with pytest.raises(CatalogError, match=rf"^{re.escape(str(broken))}: exercise "):
        load_catalog(user_path=tmp_path / "none.toml")
    empty = write(tmp_path, "", name="empty.toml")
    monkeypatch.setattr(catalog_module, "shipped_catalog_path", lambda: empty)
    with pytest.raises(CatalogError, match="no drills"):
        load_catalog(user_path=tmp_path / "none.toml")


# --- Catalog ------------------------------------------------------------------------------------


def test_unknown_drill_suggests_close_ids(shipped: Catalog) -> None:
    with pytest.raises(UnknownExercise) as caught:
        shipped.get("jeferson-curl")
    assert str(caught.value) == "unknown drill 'jeferson-curl'; did you mean: jefferson-curl?"
    assert caught.value.suggestions == ["jefferson-curl"]
    assert isinstance(caught.value, CatalogError)


def test_unknown_drill_lists_all_ids_when_nothing_is_close(shipped: Catalog) -> None:
    with pytest.raises(UnknownExercise) as caught:
        shipped.get("squat")
    assert str(caught.value) == "unknown drill 'squat'; the drills are: " + ", ".join(SHIPPED_IDS)


def test_catalog_is_a_small_container(shipped: Catalog) -> None:
    assert "jefferson-curl" in shipped
    assert "squat" not in shipped
    assert 7 not in shipped
    assert shipped.exercises == tuple(shipped)
    assert shipped.get("back-extension-ghd").id == "back-extension-ghd"


def test_catalog_refuses_duplicate_ids(shipped: Catalog) -> None:
    curl = shipped.get("jefferson-curl")
    with pytest.raises(CatalogError, match="duplicate id"):
        Catalog([curl, curl])


def test_domain_modules_import_no_ui_or_sql() -> None:
    code = (
        "import sys, backtrack.catalog, backtrack.paths; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'sqlite3', 'sqlite_utils', 'click'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- paths --------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="XDG folders are a Linux convention")
def test_default_locations_follow_xdg(tmp_path: Path) -> None:
    assert paths.data_dir() == tmp_path / "xdg-data" / "backtrack"
    assert paths.config_dir() == tmp_path / "xdg-config" / "backtrack"
    assert paths.default_db_path() == tmp_path / "xdg-data" / "backtrack" / "backtrack.db"
    assert paths.db_path() == paths.default_db_path()
    assert paths.user_catalog_path() == tmp_path / "xdg-config" / "backtrack" / "exercises.toml"


def test_backtrack_db_env_overrides_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKTRACK_DB", str(tmp_path / "env.db"))
    assert paths.db_path() == tmp_path / "env.db"
    assert paths.db_path(None) == tmp_path / "env.db"


def test_empty_backtrack_db_env_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKTRACK_DB", "")
    assert paths.db_path() == paths.default_db_path()


def test_db_option_beats_the_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKTRACK_DB", str(tmp_path / "env.db"))
    assert paths.db_path(tmp_path / "option.db") == tmp_path / "option.db"
    assert paths.db_path(str(tmp_path / "option.db")) == tmp_path / "option.db"


def test_db_path_expands_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.db_path("~/x.db") == tmp_path / "home" / "x.db"
    monkeypatch.setenv("BACKTRACK_DB", "~/y.db")
    assert paths.db_path() == tmp_path / "home" / "y.db"


def test_backtrack_catalog_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKTRACK_CATALOG", str(tmp_path / "mine.toml"))
    assert paths.user_catalog_path() == tmp_path / "mine.toml"


def test_asking_for_locations_creates_nothing(tmp_path: Path) -> None:
    paths.data_dir(), paths.config_dir(), paths.db_path(), paths.user_catalog_path()
    load_catalog()
    assert not (tmp_path / "xdg-data").exists()
    assert not (tmp_path / "xdg-config").exists()


# --- sides ----------------------------------------------------------------------------------


def test_the_one_sided_and_two_sided_drills(shipped: Catalog) -> None:
    sides = {e.id: (e.sides, e.side_switch_seconds) for e in shipped}
    assert sides == {
        "jefferson-curl": (1, 15),
        "half-kneeling-side-bend": (2, 15),
        "back-extension-ghd": (1, 15),
        "half-kneeling-windmill": (2, 15),
    }


def test_a_user_catalog_can_make_a_drill_two_sided(tmp_path: Path) -> None:
    user = write(
        tmp_path,
        """
        [[exercise]]
        id = "jefferson-curl"
        sides = 2
        side_switch_seconds = 30
        """,
    )
    drill = load_catalog(user_path=user).get("jefferson-curl")
    assert (drill.sides, drill.side_switch_seconds, drill.two_sided) == (2, 30, True)


@pytest.mark.parametrize(
    ("field", "value"), [("sides", "3"), ("sides", "0"), ("side_switch_seconds", "-5")]
)
def test_a_bad_sides_value_names_file_drill_field_and_line(
    tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    user = write(
        tmp_path,
        f"""
        [[exercise]]
        id = "half-kneeling-windmill"
        {field} = {value}
        """,
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(user_path=user)
    error = caught.value
    assert (error.path, error.drill, error.field, error.line) == (
        user,
        "half-kneeling-windmill",
        field,
        3,
    )
    monkeypatch.setenv("BACKTRACK_CATALOG", str(user))
    result = run("log", "jefferson-curl", "--reps", "8")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and field in result.stderr and str(user) in result.stderr
