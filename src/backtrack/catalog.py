"""The drill catalog: the shipped ``exercises.toml``, merged with the user's own.

The shipped file lists the clinic's drills (see ``assets/exercises.toml``). A user catalog, at
:func:`backtrack.paths.user_catalog_path`, may change fields of those drills or add new ones:

- an ``[[exercise]]`` whose ``id`` is a shipped drill's changes only the fields it gives
  (a list such as ``rom`` or ``cues`` is replaced as a whole);
- an ``[[exercise]]`` with a new ``id`` adds a drill after the shipped ones and must give every
  field except ``progression``, ``sides`` (default 1) and ``side_switch_seconds`` (15).

Every drill is validated as a whole by :class:`backtrack.models.Exercise` after merging. Any
problem with a file raises :class:`CatalogError`, whose message is one line naming the file,
the drill and the field (and the line, where it can be found) - never a raw traceback.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backtrack import paths

if TYPE_CHECKING:  # pydantic loads with the first validation, not with this module
    from pydantic import ValidationError

    from backtrack.models import Exercise

TABLE = "exercise"


def _fields() -> tuple[str, ...]:
    """The fields of a drill, in the model's order."""
    from backtrack.models import Exercise

    return tuple(Exercise.model_fields)


class CatalogError(Exception):
    """A catalog file could not be used. ``str(err)`` is a one-line message for the user.

    The attributes say where the problem is, when known: ``path`` (the file), ``drill`` (an id,
    or ``#N`` for the N-th ``[[exercise]]`` when it has no usable id), ``field`` and ``line``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        drill: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.drill = drill
        self.field = field
        self.line = line

    def __str__(self) -> str:
        return self.message


class UnknownExercise(CatalogError):
    """A drill id that the catalog does not have; the message suggests the closest ids."""

    def __init__(self, drill_id: str, known: Iterable[str]) -> None:
        known = list(known)
        self.suggestions: list[str] = difflib.get_close_matches(drill_id, known, n=3, cutoff=0.6)
        if self.suggestions:
            hint = f"did you mean: {', '.join(self.suggestions)}?"
        else:
            hint = f"the drills are: {', '.join(known) or '(none)'}"
        super().__init__(f"unknown drill {drill_id!r}; {hint}", drill=drill_id)


class Catalog:
    """The drills in catalog order (shipped drills first, then the user's additions)."""

    def __init__(self, exercises: Iterable[Exercise], sources: Iterable[Path] = ()) -> None:
        """Hold `exercises` in the given order; `sources` are the files they were read from.

        Raises :class:`CatalogError` if two drills share an id.
        """
        self._by_id: dict[str, Exercise] = {}
        for exercise in exercises:
            if exercise.id in self._by_id:
                raise CatalogError(
                    f"exercise {exercise.id!r}: field 'id': duplicate id", drill=exercise.id
                )
            self._by_id[exercise.id] = exercise
        self.sources: tuple[Path, ...] = tuple(sources)

    @property
    def ids(self) -> tuple[str, ...]:
        """The drill ids, in catalog order."""
        return tuple(self._by_id)

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        """The drills, in catalog order."""
        return tuple(self._by_id.values())

    def get(self, exercise_id: str) -> Exercise:
        """The drill with this id; :class:`UnknownExercise` (naming close ids) if there is none."""
        try:
            return self._by_id[exercise_id]
        except KeyError:
            raise UnknownExercise(exercise_id, self._by_id) from None

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, exercise_id: object) -> bool:
        return isinstance(exercise_id, str) and exercise_id in self._by_id

    def __repr__(self) -> str:
        return f"Catalog({list(self._by_id)!r})"


def shipped_catalog_path() -> Path:
    """The shipped ``exercises.toml``.

    Looks inside the installed package first (``backtrack/assets/exercises.toml``, where the
    wheel puts it), then in the source tree (``<repo>/assets/exercises.toml``), which is where an
    editable install finds it. Raises :class:`CatalogError` if neither exists.

    A package on disk is looked at directly; ``importlib.resources`` is asked only when that
    finds nothing (it costs a millisecond or two of the app's start-up).
    """
    candidates = [
        Path(__file__).parent / "assets" / "exercises.toml",
        Path(__file__).resolve().parents[2] / "assets" / "exercises.toml",
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    try:
        packaged = resources.files("backtrack") / "assets" / "exercises.toml"
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - backtrack is always importable
        packaged = None
    if isinstance(packaged, Path) and packaged not in candidates:
        candidates.insert(1, packaged)
        if packaged.is_file():
            return packaged
    looked = " and ".join(str(c) for c in candidates)
    raise CatalogError(
        f"cannot find the shipped drill catalog (looked in {looked}); reinstall backtrack"
    )


def load_catalog(user_path: Path | None = None) -> Catalog:
    """The shipped catalog merged with the user catalog at `user_path`.

    `user_path` defaults to :func:`backtrack.paths.user_catalog_path`. A user file that does not
    exist is the same as an empty one. Raises :class:`CatalogError` for any problem in either
    file: unreadable, bad TOML, unknown keys or fields, missing or duplicate ids, a drill that
    fails validation after merging.
    """
    shipped_path = shipped_catalog_path()
    shipped = _read_entries(shipped_path)
    drills: dict[str, Exercise] = {}
    for index, entry in enumerate(shipped.entries, start=1):
        drills[entry["id"]] = shipped.validate(entry, index)
    if not drills:
        raise CatalogError(f"{shipped_path}: the shipped catalog has no drills", path=shipped_path)
    sources = [shipped_path]

    if user_path is None:
        user_path = paths.user_catalog_path()
    user_path = Path(user_path).expanduser()
    if _exists(user_path):
        user = _read_entries(user_path)
        sources.append(user_path)
        for index, entry in enumerate(user.entries, start=1):
            base = drills.get(entry["id"])
            if base is None:
                drills[entry["id"]] = user.validate(entry, index, shipped_ids=list(drills))
            else:
                merged = {**base.model_dump(), **entry}
                drills[entry["id"]] = user.validate(merged, index, given=entry)
    return Catalog(drills.values(), sources)


def peek_entries(user_path: Path | None = None) -> list[dict[str, Any]] | None:
    """The drills as the catalog files write them (shipped merged with the user's), without
    validating them: a first look for the app's first frame, before pydantic is loaded.

    Merges like :func:`load_catalog` (a user entry changes the fields it gives, a new id is
    added after the shipped ones). Returns None on any problem; :func:`load_catalog` is the
    one that says what it is.
    """
    try:
        drills = {e["id"]: dict(e) for e in _read_entries(shipped_catalog_path()).entries}
        if user_path is None:
            user_path = paths.user_catalog_path()
        user_path = Path(user_path).expanduser()
        if _exists(user_path):
            for entry in _read_entries(user_path).entries:
                drills[entry["id"]] = {**drills.get(entry["id"], {}), **entry}
    except CatalogError:
        return None
    return list(drills.values())


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {_os_reason(exc)}", path=path) from None


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


class _File:
    """One parsed catalog file: its ``[[exercise]]`` tables, checked for shape and unique ids."""

    def __init__(self, path: Path, text: str, entries: list[dict[str, Any]]) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.entries = entries

    def validate(
        self,
        data: Mapping[str, Any],
        index: int,
        *,
        given: Mapping[str, Any] | None = None,
        shipped_ids: list[str] | None = None,
    ) -> Exercise:
        """Build the Exercise from `data`, or raise CatalogError about entry `index` of this file.

        `given` is what the file itself wrote (for an override, `data` also holds shipped values);
        `shipped_ids` is set when the entry adds a new drill, to spot a mistyped id.
        """
        from pydantic import ValidationError

        from backtrack.models import Exercise

        try:
            return Exercise.model_validate(dict(data))
        except ValidationError as exc:
            raise self._validation_error(exc, data, index, given or data, shipped_ids) from None

    def _validation_error(
        self,
        exc: ValidationError,
        data: Mapping[str, Any],
        index: int,
        given: Mapping[str, Any],
        shipped_ids: list[str] | None,
    ) -> CatalogError:
        errors = exc.errors(include_url=False)
        first = errors[0]
        loc = first.get("loc", ())
        message = _describe(first)
        field: str | None
        if loc and isinstance(loc[0], str):
            field = loc[0]
            where = f"field {field!r}"
            if len(loc) > 1 and isinstance(loc[1], int):
                where += f", item {loc[1] + 1}"
        else:
            # A check across fields (e.g. reps_min above reps_max): name the first field the
            # message mentions, preferring one this file gave.
            mentioned = [f for f in _fields() if re.search(rf"\b{f}\b", message)]
            mentioned.sort(key=lambda f: (f not in given, message.find(f)))
            field = mentioned[0] if mentioned else None
            where = f"field {field!r}" if field else "fields"
        more = len(errors) - 1
        if first.get("type") == "missing":
            missing = [str(e["loc"][0]) for e in errors if e.get("type") == "missing" and e["loc"]]
            more -= len(missing) - 1
            if shipped_ids is not None:
                message += "; a new drill must give every field"
                close = difflib.get_close_matches(str(data.get("id")), shipped_ids, n=1)
                if close:
                    message += f" (or did you mean the shipped drill {close[0]!r}?)"
            if len(missing) > 1:
                message += f"; also missing: {', '.join(missing[1:])}"
        line = self._line_of(index, field if field in given else None)
        drill = str(data.get("id"))
        text = f"{self.path}: exercise {drill!r}: {where}: {message}"
        if line is not None:
            text += f" (line {line})"
        if more > 0:
            text += f" (and {more} more)"
        return CatalogError(text, path=self.path, drill=drill, field=field, line=line)

    def _line_of(self, index: int, field: str | None) -> int | None:
        """The line of `field` in the `index`-th ``[[exercise]]`` table (or of the table's
        header when `field` is None or not found); None when the layout cannot be followed."""
        key = None
        if field:
            name = re.escape(field)
            key = re.compile(rf"""^\s*(?:{name}|"{name}"|'{name}')\s*=""")
        count = 0
        start: int | None = None
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if header:
                if start is not None:
                    break
                if header.group(1) and header.group(2) == TABLE:
                    count += 1
                    if count == index:
                        start = number
                continue
            if start is not None and key is not None and key.match(line):
                return number
        return start


# A table header such as [[exercise]] or [exercise.extra] (bare keys only, so that a line of a
# multi-line array is never taken for one).
_HEADER = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$")


def _describe(error: Mapping[str, Any]) -> str:
    """A short, user-facing text for one pydantic error."""
    kind = error.get("type", "")
    loc = error.get("loc", ())
    msg = str(error.get("msg", "invalid"))
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        close = difflib.get_close_matches(name, _fields(), n=1)
        return "unknown field" + (f"; did you mean {close[0]!r}?" if close else "")
    if kind == "missing":
        return "Field required"
    if kind == "string_pattern_mismatch" and loc and loc[0] == "id":
        return "ids are kebab-case: lowercase letters, digits and dashes, e.g. 'jefferson-curl'"
    if msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float | bool) and not isinstance(value, Mapping):
        shown = repr(value)
        if len(shown) <= 40 and shown not in msg:
            msg += f", got {shown}"
    return msg


def _read_entries(path: Path) -> _File:
    """Read and parse `path`, checking its shape: only ``[[exercise]]`` tables, each with a
    string ``id``, no id twice."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"cannot read {path}: not UTF-8 text ({exc.reason})", path=path
        ) from None
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {_os_reason(exc)}", path=path) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line, column = _decode_error_position(exc, text)
        raise CatalogError(
            f"{path}: TOML syntax error at line {line}, column {column}: {message}",
            path=path,
            line=line,
        ) from None

    unknown = [k for k in document if k != TABLE]
    if unknown:
        raise CatalogError(
            f"{path}: unknown top-level key {unknown[0]!r}; "
            f"a catalog holds only [[{TABLE}]] tables",
            path=path,
            field=unknown[0],
        )
    raw = document.get(TABLE, [])
    if not isinstance(raw, list):
        raise CatalogError(
            f"{path}: {TABLE!r} must be a list of [[{TABLE}]] tables, not {_toml_type(raw)}",
            path=path,
            field=TABLE,
        )
    parsed = _File(path, text, [])
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw, start=1):
        label = f"#{index}"
        if not isinstance(entry, dict):
            raise CatalogError(
                f"{path}: exercise {label}: is {_toml_type(entry)}, not a table",
                path=path,
                drill=label,
            )
        drill_id = entry.get("id")
        if not isinstance(drill_id, str) or not drill_id:
            problem = "missing" if "id" not in entry else "must be a non-empty string"
            id_line = parsed._line_of(index, "id" if "id" in entry else None)
            at = f" (line {id_line})" if id_line is not None else ""
            raise CatalogError(
                f"{path}: exercise {label}: field 'id': {problem}{at}",
                path=path,
                drill=label,
                field="id",
                line=id_line,
            )
        if drill_id in seen:
            id_line = parsed._line_of(index, "id")
            at = f" (line {id_line})" if id_line is not None else ""
            raise CatalogError(
                f"{path}: exercise {drill_id!r}: field 'id': duplicate id, "
                f"already used by exercise #{seen[drill_id]}{at}",
                path=path,
                drill=drill_id,
                field="id",
                line=id_line,
            )
        seen[drill_id] = index
        parsed.entries.append(entry)
    return parsed


def _toml_type(value: object) -> str:
    """What a parsed TOML value is, in TOML's words: 'an integer', 'a string', ..."""
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    names |= {list: "an array", dict: "a table"}
    return names.get(type(value), f"a {type(value).__name__}")


_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def _decode_error_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int, int]:
    """The bare message, line and column of a TOML syntax error."""
    text_msg = str(exc)
    lineno = getattr(exc, "lineno", None)  # Python 3.14+
    colno = getattr(exc, "colno", None)
    bare = getattr(exc, "msg", None)
    if isinstance(lineno, int) and isinstance(colno, int) and isinstance(bare, str):
        return bare, lineno, colno
    found = _POSITION.search(text_msg)
    if found:
        return text_msg[: found.start()], int(found.group(1)), int(found.group(2))
    lines = text.split("\n")
    return _AT_END.sub("", text_msg), len(lines), len(lines[-1]) + 1
