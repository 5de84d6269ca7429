"""Small-number suppression for count tables: cells under 10 hidden, then enough others that none can be
worked out from the totals shown.

A table is interior cells plus, optionally, row totals, column totals and a grand total. Every row and every
column (each with its total) is a sum that a reader can check; if exactly one number in such a line is hidden,
it can be recovered by subtraction. Secondary suppression hides the smallest other interior number in that line
until no line has exactly one hidden number. Totals are hidden only by the primary rule (or when a line has no
other number left), so totals shared by several tables of the same data hide the same way in all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_COUNT = 10

Cell = tuple[
    int, int
]  # (row, column); row == R means the column-totals row, column == C the row-totals column


@dataclass(frozen=True)
class Suppressed:
    values: dict[Cell, int]
    hidden: frozenset[Cell]

    def shown(self, cell: Cell) -> int | None:
        return None if cell in self.hidden else self.values[cell]


def _lines(rows: int, cols: int, *, totals: bool) -> list[list[Cell]]:
    lines = [[(r, c) for r in range(rows)] + [(rows, c)] for c in range(cols)]  # each column with its total
    if totals:
        lines += [[(r, c) for c in range(cols)] + [(r, cols)] for r in range(rows)]
        lines.append([(rows, c) for c in range(cols)] + [(rows, cols)])
        lines.append([(r, cols) for r in range(rows)] + [(rows, cols)])
    return lines


def suppress(
    counts: Sequence[Sequence[int]], *, column_totals: Sequence[int], totals: bool, minimum: int = MIN_COUNT
) -> Suppressed:
    """`counts[r][c]`; `column_totals[c]` (people who answered, which for a multiple-choice question is not the
    sum of its column); with `totals`, row totals and the grand total are added and protected as well.

    Without `totals` (the month-by-month table) only the columns are sums, so a month's numbers never change
    once it is over and a later report cannot be subtracted from an earlier one.
    """
    rows, cols = len(counts), len(column_totals)
    values: dict[Cell, int] = {(r, c): int(counts[r][c]) for r in range(rows) for c in range(cols)}
    values.update({(rows, c): int(column_totals[c]) for c in range(cols)})
    if totals:
        values.update({(r, cols): sum(int(counts[r][c]) for c in range(cols)) for r in range(rows)})
        values[(rows, cols)] = sum(int(v) for v in column_totals)
    hidden = {cell for cell, v in values.items() if v < minimum}
    lines = _lines(rows, cols, totals=totals)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            visible = [cell for cell in line if cell not in hidden]
            interior = [cell for cell in visible if cell[0] < rows and cell[1] < cols]
            pool = interior or visible
            if not pool:
                continue
            hidden.add(min(pool, key=lambda cell: (values[cell], cell)))
            changed = True
    return Suppressed(values=values, hidden=frozenset(hidden))


def recoverable(table: Suppressed, rows: int, cols: int, *, totals: bool) -> list[Cell]:
    """Hidden cells that a reader could work out as the only unknown in some line (the check tests run)."""
    found = []
    for line in _lines(rows, cols, totals=totals):
        unknown = [cell for cell in line if cell in table.hidden]
        if len(unknown) == 1:
            found.append(unknown[0])
    return found
