"""A DataTable of one-line text cells that draws them without Rich's layout machinery.

DataTable renders each cell through Rich (a Padding in a Styled, laid out and cropped by the
console, a string read as markup first), about 80 µs a cell: a screenful of history is 200
cells, most of the time it took to show the screen. A one-line cell with a single style
needs none of that: its segments are the padding, the text cut or padded to the column's
width, and the padding, styled exactly as DataTable styles them (row style, cursor and hover
styles, the cell's own style). Everything else (keys, cursor, scrolling, mouse, messages) is
DataTable's own. Other cells (styled spans, several lines, other renderables) are drawn by
DataTable.

A `str` cell is shown as typed, never read as markup: a note such as "[/]" or "[red]" is
text, not a crash or a colour. `cell()` makes a one-line cell in a theme style.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.style import Style as TextualStyle
from textual.widgets import DataTable
from textual.widgets._data_table import CellCacheKey, RowKey


def cell(text: str, style: str = "") -> Text:
    """A table cell showing `text` as it is (never read as markup), in a style such as
    'bold $error' (theme variables are resolved with the running app's theme now)."""
    rich_style = TextualStyle.parse(style).rich_style if style else ""
    return Text(text, style=rich_style, no_wrap=True, end="")


NO_STYLE = Style()


def _plain_line(value: object) -> tuple[str, Style] | None:
    """The text and style of a one-line cell with at most a base style, or None if `value`
    is not one (a str is its own text, unstyled)."""
    if type(value) is str:
        return None if "\n" in value else (value, NO_STYLE)
    if type(value) is not Text or value.spans or "\n" in value.plain:
        return None
    style = value.style
    return value.plain, style if isinstance(style, Style) else Style.parse(style)


class TextTable(DataTable[RenderableType]):
    """A DataTable that draws one-line text cells directly (see the module docstring)."""

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        if column_index < 0 or (row_index >= 0 and row_index < self.fixed_rows):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key: RowKey | None
        if row_index == -1:
            row_key = self._header_row_key
            height = self.header_height
        else:
            row_key = self._row_locations.get_key(row_index)
            row = self.rows.get(row_key) if row_key is not None else None
            height = row.height if row is not None else 0
        fixed = column_index < self.fixed_columns and row_index != -1
        column_key = self._column_locations.get_key(column_index)
        if height != 1 or fixed or row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key: CellCacheKey = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(key)
        if cached is not None:
            return cached
        if row_index == -1:
            column = self.columns.get(column_key)
            value: object = column.label if column is not None else None
        else:
            value = self._data.get(row_key, {}).get(column_key)
        line_of = _plain_line("" if value is None else value)
        if line_of is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            row_index == -1,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        under = base_style + Style.from_meta({"row": row_index, "column": column_index})
        under += component_style
        pad = self.cell_padding
        inner = max(0, width - 2 * pad)
        plain, text_style = line_of
        if cell_len(plain) > inner:
            plain = set_cell_size(plain, inner)  # cut, as Rich crops a no-wrap line
        blank = under + post_style
        rest = max(0, width - pad - cell_len(plain))
        if not text_style:  # one segment: the padding looks like the text
            lines = [[Segment(f"{' ' * pad}{plain}{' ' * rest}", blank)]]
        else:
            line = [Segment(" " * pad, blank)] if pad else []
            if plain:
                line.append(Segment(plain, under + text_style + post_style))
            if rest:
                line.append(Segment(" " * rest, blank))
            lines = [line]
        self._cell_render_cache[key] = lines
        return lines

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Widen the columns for new rows; one-line text cells are measured by their length
        (what Rich's measure returns for them, without its overhead), others by DataTable."""
        others = []
        columns = self.ordered_columns
        widths = [column.content_width for column in columns]
        for row_key in new_rows:
            row = self.rows.get(row_key)
            values = self._data.get(row_key)
            if row is None or values is None:
                continue  # removed before the table went idle
            lines = [_plain_line(values.get(column.key) or "") for column in columns]
            plain = [line for line in lines if line is not None]
            if row.label is not None or row.auto_height or len(plain) < len(lines):
                others.append(row_key)
                continue
            for column, (text, _) in zip(columns, plain, strict=True):
                width = cell_len(text)
                if width > column.content_width:
                    column.content_width = width
        super()._update_dimensions(others)
        if widths != [column.content_width for column in columns]:
            # Cells and lines drawn before the table went idle were cached at the old widths
            # under the same count; DataTable counts on a Resize to move it on, which a wider
            # table inside the same region never gets (seen: '12.5' for '12.5 kg').
            self._update_count += 1
            self.refresh()
