"""Read an admin's CSV file as its editor shows it: header, rows and their line numbers.

Whole-file problems (not UTF-8, a wrong delimiter, a repeated or blank column name, no
rows) raise `Invalid` with the fix, before any row is looked at. Row problems (too many
or too few fields) are `BadRow`s, so `--skip-bad-rows` can leave them out. Line numbers
are the editor's: the header is line 1, a quoted value spanning lines counts each line,
and blank rows (or rows of only delimiters) are skipped without shifting the count.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from sync_server.errors import Invalid

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: dict[str, str]


@dataclass
class Table:
    name: str
    delimiter: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)


def _decode(path: Path, encoding: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise Invalid(f"Cannot read {path}: {error.strerror or error}.") from None
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise Invalid(f"Unknown encoding '{encoding}' (try utf-8, latin-1 or cp1252).") from None
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise Invalid(
            f"{path.name} is not UTF-8: line {line} has the byte 0x{byte:02X}, which UTF-8 "
            "does not allow (the file was probably saved as Latin-1 / Windows-1252). Save it "
            "as 'CSV UTF-8' (Excel: File > Save As), or pass --encoding cp1252."
        ) from None


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _header_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def detect_delimiter(text: str) -> str:
    """The delimiter the header uses most often (comma when it has none of them)."""
    header = _header_line(text)
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _check_named_delimiter(name: str, text: str, delimiter: str) -> None:
    header = _header_line(text)
    if _count_outside_quotes(header, delimiter) > 0:
        return
    likely = detect_delimiter(text)
    if likely != delimiter:
        raise Invalid(
            f"{name}: the header has no {DELIMITERS.get(delimiter, repr(delimiter))} but "
            f"{_count_outside_quotes(header, likely)} {DELIMITERS[likely]}s: the file looks "
            f"{DELIMITERS[likely]}-separated. Pass --delimiter "
            f"'{likely if likely != chr(9) else chr(92) + 't'}' or leave --delimiter out."
        )


def read_table(path: Path, *, delimiter: str | None = None, encoding: str = "utf-8") -> Table:
    """The file's rows keyed by (stripped) column name; see the module doc for errors."""
    text = _decode(path, encoding)
    if delimiter is not None:
        delimiter = "\t" if delimiter in {"\\t", "tab", "TAB"} else delimiter
        if len(delimiter) != 1:
            raise Invalid(f"--delimiter must be one character (or \\t), not '{delimiter}'.")
        _check_named_delimiter(path.name, text, delimiter)
    else:
        delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    table = Table(name=path.name, delimiter=delimiter, header=[])
    previous_end = 0
    try:
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank, or only delimiters: editors show it, pandas skipped it
            if header is None:
                header = _check_header(path.name, [c.strip() for c in cells])
                table.header = header
                continue
            if len(cells) != len(header):
                table.bad_rows.append(BadRow(line, _width_reason(len(cells), len(header))))
                continue
            nul = next((h for h, c in zip(header, cells, strict=True) if "\x00" in c), None)
            if nul is not None:  # PostgreSQL cannot store it; it is never real data
                table.bad_rows.append(BadRow(line, f"{nul}: holds a NUL character (0x00)"))
                continue
            table.rows.append(Row(line, dict(zip(header, cells, strict=True))))
    except csv.Error as error:
        raise Invalid(f"{path.name}, line {reader.line_num}: {error}.") from None
    if header is None:
        raise Invalid(f"{path.name} is empty: nothing to import.")
    if not table.rows and not table.bad_rows:
        raise Invalid(f"{path.name} has a header but no rows: nothing to import.")
    return table


def _width_reason(got: int, want: int) -> str:
    if got > want:
        return (
            f"{got} fields where the header has {want}: a value holds the delimiter "
            "without quotes (put it in double quotes)"
        )
    return f"{got} fields where the header has {want}: a value is missing"


def _check_header(name: str, header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    for index, column in enumerate(header, start=1):
        if not column:
            raise Invalid(f"{name}: column {index} of the header has no name.")
        if column in seen:
            raise Invalid(
                f"{name}: the header names '{column}' twice (columns {seen[column]} and "
                f"{index}); rename one."
            )
        seen[column] = index
    return header
