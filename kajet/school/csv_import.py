"""Reading and validating a CSV file of students with their guardians (pure: no ORM).

The file
--------
UTF-8 text (with or without a byte-order mark, so files saved by Excel work), one student a
line, the first line naming the columns. The delimiter is ``;`` (what a Polish Excel writes)
or ``,``; it is detected from the header line. Columns may come in any order; letter case and
Polish diacritics in column names do not matter (``imię`` = ``imie``).

==================  ========  ==========================================================
column              required  meaning
==================  ========  ==========================================================
imie                yes       the student's first name
nazwisko            yes       the student's last name
klasa               yes       the class name in the current school year, e.g. ``3a``
data_urodzenia      no        date of birth, ``RRRR-MM-DD`` or ``DD.MM.RRRR``
opiekun1_imie       yes       first guardian's first name
opiekun1_nazwisko   yes       first guardian's last name
opiekun1_email      no        first guardian's e-mail address
opiekun2_imie       no        second guardian's first name (then the last name is needed)
opiekun2_nazwisko   no        second guardian's last name (then the first name is needed)
opiekun2_email      no        second guardian's e-mail address
==================  ========  ==========================================================

Validation looks at the whole file and reports every problem by line and column; the caller
imports nothing unless the report is empty (all or nothing).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kajet.core.spreadsheet import looks_like_formula

#: Largest accepted file. A school of 1,000 students with two guardians is about 150 kB.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 3000
MAX_NAME = 100

REQUIRED_COLUMNS = ("imie", "nazwisko", "klasa", "opiekun1_imie", "opiekun1_nazwisko")
OPTIONAL_COLUMNS = (
    "data_urodzenia",
    "opiekun1_email",
    "opiekun2_imie",
    "opiekun2_nazwisko",
    "opiekun2_email",
)
#: All columns in the documented order (shown on the import page).
COLUMNS = (
    "imie",
    "nazwisko",
    "klasa",
    "data_urodzenia",
    "opiekun1_imie",
    "opiekun1_nazwisko",
    "opiekun1_email",
    "opiekun2_imie",
    "opiekun2_nazwisko",
    "opiekun2_email",
)
EXAMPLE = (
    "imie;nazwisko;klasa;data_urodzenia;opiekun1_imie;opiekun1_nazwisko;opiekun1_email;"
    "opiekun2_imie;opiekun2_nazwisko;opiekun2_email\n"
    "Zofia;Wójcik;1a;2019-03-14;Małgorzata;Wójcik;m.wojcik@example.pl;Jędrzej;Wójcik;\n"
    "Łukasz;Żak;1a;02.11.2019;Ewa;Żak;;;;\n"
)


class CsvFileError(Exception):
    """The file as a whole cannot be read (encoding, size, header). Message is for the user."""


@dataclass(frozen=True)
class CsvTable:
    """The file's header (normalised column names) and data rows, numbered as in the file."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


@dataclass(frozen=True)
class CellError:
    line: int  # line number in the file (the header is line 1)
    column: str
    message: str


@dataclass(frozen=True)
class GuardianRow:
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True)
class StudentRow:
    line: int
    first_name: str
    last_name: str
    class_name: str
    birth_date: datetime.date | None
    guardians: tuple[GuardianRow, ...]


@dataclass
class ImportReport:
    """Valid rows (usable only when ``errors`` is empty) and every problem found."""

    rows: list[StudentRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_line(self) -> dict[int, dict[str, list[str]]]:
        by_line: dict[int, dict[str, list[str]]] = {}
        for error in self.errors:
            by_line.setdefault(error.line, {}).setdefault(error.column, []).append(error.message)
        return by_line


def normalise_column(name: str) -> str:
    """``" Imię "`` → ``"imie"``: lower case, no diacritics, spaces and dashes as ``_``."""
    text = name.strip().lower().replace("ł", "l")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-]+", "_", text)


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise CsvFileError(
            _("The file is too large (limit: %(limit)s MB).") % {"limit": MAX_FILE_BYTES // 2**20}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(
            _(
                "The file is not UTF-8 text. In the spreadsheet choose “Save as” → "
                "“CSV UTF-8 (comma delimited)”."
            )
        ) from None


def _numbered_rows(text: str) -> list[tuple[int, list[str]]]:
    """The file's rows with their line numbers, from the header on (blank lines before it
    dropped); the delimiter (``;`` or ``,``) is the one the header uses more."""
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not header_line:
        raise CsvFileError(_("The file is empty."))
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        all_rows = list(reader)
    except csv.Error:
        raise CsvFileError(_("The file is not a valid CSV file.")) from None
    numbered = [(i + 1, r) for i, r in enumerate(all_rows)]
    while numbered and not any(cell.strip() for cell in numbered[0][1]):
        numbered.pop(0)
    return numbered


def _check_columns(columns: list[str], allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
    unknown = [c for c in columns if c and c not in allowed]
    if unknown:
        raise CsvFileError(
            _("Unknown columns: %(columns)s. Allowed columns: %(allowed)s.")
            % {"columns": ", ".join(unknown), "allowed": ", ".join(allowed)}
        )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise CsvFileError(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    missing = [c for c in required if c not in columns]
    if missing:
        raise CsvFileError(
            _("Missing required columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )


def _row_values(columns: list[str], cells: list[str], allowed: tuple[str, ...]) -> dict[str, str]:
    values = dict.fromkeys(allowed, "")
    for column, cell in zip(columns, cells, strict=False):
        if column:
            values[column] = cell.strip()
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
        values["_extra"] = "1"
    return values


def read_csv(
    data: bytes,
    *,
    allowed: tuple[str, ...] = COLUMNS,
    required: tuple[str, ...] = REQUIRED_COLUMNS,
    no_rows: str = "",
) -> CsvTable:
    """Decode and split the file. Raises CsvFileError for problems with the file as a whole.

    ``allowed`` and ``required`` name the columns (the students' file by default; the staff
    file passes its own); ``no_rows`` is the message for a file with a header only."""
    numbered = _numbered_rows(_decode(data))
    columns = [normalise_column(c) for c in numbered[0][1]]
    _check_columns(columns, allowed, required)
    rows = [
        (line_no, _row_values(columns, cells, allowed))
        for line_no, cells in numbered[1:]
        if any(cell.strip() for cell in cells)
    ]
    if not rows:
        raise CsvFileError(no_rows or _("The file has a header but no students."))
    if len(rows) > MAX_ROWS:
        raise CsvFileError(
            _("The file has too many rows (limit: %(limit)s). Split it into several files.")
            % {"limit": MAX_ROWS}
        )
    return CsvTable(columns=[c for c in columns if c], rows=rows)


def parse_date(value: str) -> datetime.date | None:
    """``2019-03-14`` or ``14.03.2019`` (also ``14-03-2019``, ``14/03/2019``); None if invalid."""
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def name_error(value: str) -> str | None:
    if not value:
        return _("Required.")
    if len(value) > MAX_NAME:
        return _("Too long (at most %(n)s characters).") % {"n": MAX_NAME}
    if any(ch.isdigit() for ch in value):
        return _("A name cannot contain digits.")
    if looks_like_formula(value):
        return _("A name cannot start with =, +, - or @: a spreadsheet would run it as a formula.")
    return None


def email_error(value: str) -> str | None:
    if not value:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return _("Not a valid e-mail address.")
    return None


StudentKey = tuple[str, str, str, datetime.date | None]


def student_key(
    first_name: str, last_name: str, class_name: str, birth_date: datetime.date | None
) -> StudentKey:
    """What identifies "the same student" for duplicate checks."""
    return (first_name.casefold(), last_name.casefold(), class_name.casefold(), birth_date)


class _RowCheck:
    """The problems of one row, and the values read from it on the way."""

    def __init__(self, line: int, values: dict[str, str]) -> None:
        self.line = line
        self.values = values
        self.errors: list[CellError] = []
        self.class_name = ""
        self.birth_date: datetime.date | None = None
        self.second = any(
            values[c] for c in ("opiekun2_imie", "opiekun2_nazwisko", "opiekun2_email")
        )

    def add(self, column: str, message: str | None) -> None:
        if message:
            self.errors.append(CellError(self.line, column, message))

    def check_class(self, classes: dict[str, str]) -> None:
        value = self.values["klasa"]
        self.class_name = classes.get(value.casefold(), "")
        if not value:
            self.add("klasa", _("Required."))
        elif not self.class_name:
            self.add(
                "klasa", _("No class “%(name)s” in the current school year.") % {"name": value}
            )

    def check_birth_date(self, today: datetime.date) -> None:
        if not self.values["data_urodzenia"]:
            return
        birth_date = parse_date(self.values["data_urodzenia"])
        if birth_date is None:
            self.add("data_urodzenia", _("Not a date; use YYYY-MM-DD or DD.MM.YYYY."))
        elif birth_date >= today or birth_date.year < today.year - 30:
            self.add("data_urodzenia", _("Not a plausible date of birth."))
        else:
            self.birth_date = birth_date

    def check_names(self) -> None:
        for column in ("imie", "nazwisko", "opiekun1_imie", "opiekun1_nazwisko"):
            self.add(column, name_error(self.values[column]))

    def check_contacts(self) -> None:
        values = self.values
        self.add("opiekun1_email", email_error(values["opiekun1_email"]))
        if self.second:
            self.add("opiekun2_imie", name_error(values["opiekun2_imie"]))
            self.add("opiekun2_nazwisko", name_error(values["opiekun2_nazwisko"]))
            self.add("opiekun2_email", email_error(values["opiekun2_email"]))

    def check_duplicate(self, seen: dict[StudentKey, int], existing: set[StudentKey]) -> None:
        if not self.class_name or self.errors:
            return
        v = self.values
        key = student_key(v["imie"], v["nazwisko"], self.class_name, self.birth_date)
        if key in seen:
            self.add("imie", _("The same student as on line %(line)s.") % {"line": seen[key]})
        elif key in existing:
            self.add("imie", _("This student is already enrolled in this class."))
        seen.setdefault(key, self.line)

    def student_row(self) -> StudentRow:
        v = self.values
        guardians = [GuardianRow(v["opiekun1_imie"], v["opiekun1_nazwisko"], v["opiekun1_email"])]
        if self.second:
            guardians.append(
                GuardianRow(v["opiekun2_imie"], v["opiekun2_nazwisko"], v["opiekun2_email"])
            )
        return StudentRow(
            line=self.line,
            first_name=v["imie"],
            last_name=v["nazwisko"],
            class_name=self.class_name,
            birth_date=self.birth_date,
            guardians=tuple(guardians),
        )


def validate_rows(
    table: CsvTable,
    *,
    class_names: set[str],
    existing: set[StudentKey],
    today: datetime.date,
) -> ImportReport:
    """Check every row; collect every problem (line, column, message) — nothing is saved.

    ``class_names`` are the classes of the current school year; ``existing`` the keys of
    students already enrolled (so importing the same file twice is refused).
    """
    report = ImportReport()
    classes = {name.casefold(): name for name in class_names}
    seen: dict[StudentKey, int] = {}
    for line, values in table.rows:
        row = _RowCheck(line, values)
        if values.get("_extra"):
            row.add("", _("More values than columns in the header."))
        row.check_names()
        row.check_class(classes)
        row.check_birth_date(today)
        row.check_contacts()
        row.check_duplicate(seen, existing)
        if row.errors:
            report.errors.extend(row.errors)
        else:
            report.rows.append(row.student_row())
    return report
