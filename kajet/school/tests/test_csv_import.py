"""The pure CSV reader and validator, as tables of cases."""

from __future__ import annotations

import datetime

import pytest

from kajet.school.csv_import import (
    MAX_FILE_BYTES,
    CsvFileError,
    normalise_column,
    parse_date,
    read_csv,
    student_key,
    validate_rows,
)

TODAY = datetime.date(2026, 9, 1)
HEADER = (
    "imie;nazwisko;klasa;data_urodzenia;opiekun1_imie;opiekun1_nazwisko;opiekun1_email;"
    "opiekun2_imie;opiekun2_nazwisko;opiekun2_email"
)
GOOD = "Zofia;Wójcik;1a;2019-03-14;Małgorzata;Wójcik;m.wojcik@example.pl;Jędrzej;Wójcik;"


def report_for(body: str, *, existing: set = frozenset(), header: str = HEADER):  # type: ignore[no-untyped-def]
    table = read_csv(f"{header}\n{body}\n".encode())
    return validate_rows(table, class_names={"1a", "2b"}, existing=set(existing), today=TODAY)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("imie", "imie"),
        (" Imię ", "imie"),
        ("NAZWISKO", "nazwisko"),
        ("opiekun1 imię", "opiekun1_imie"),
        ("data-urodzenia", "data_urodzenia"),
        ("Łódź", "lodz"),
    ],
)
def test_column_names_are_normalised(raw: str, expected: str) -> None:
    assert normalise_column(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-03-14", datetime.date(2019, 3, 14)),
        ("14.03.2019", datetime.date(2019, 3, 14)),
        ("14/03/2019", datetime.date(2019, 3, 14)),
        ("2019-02-30", None),
        ("wczoraj", None),
        ("", None),
    ],
)
def test_dates(raw: str, expected: datetime.date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + "\n" + GOOD + "\n").encode("utf-8"),
        (HEADER + "\n" + GOOD + "\n").encode("utf-8-sig"),  # Excel's byte-order mark
        (HEADER.replace(";", ",") + "\n" + GOOD.replace(";", ",") + "\n").encode(),
        (HEADER + "\r\n" + GOOD + "\r\n\r\n").encode(),  # Windows line ends, blank line
        ("\n" + HEADER.upper() + "\n" + GOOD + "\n").encode(),
    ],
    ids=["utf8", "bom", "comma", "crlf", "leading-blank-upper-header"],
)
def test_good_files_read_the_same(data: bytes) -> None:
    table = read_csv(data)
    report = validate_rows(table, class_names={"1a"}, existing=set(), today=TODAY)
    assert report.ok, report.errors
    (row,) = report.rows
    assert (row.first_name, row.last_name, row.class_name) == ("Zofia", "Wójcik", "1a")
    assert row.birth_date == datetime.date(2019, 3, 14)
    assert [g.first_name for g in row.guardians] == ["Małgorzata", "Jędrzej"]


def test_columns_in_any_order_and_optional_ones_left_out() -> None:
    table = read_csv(
        "klasa,nazwisko,imie,opiekun1_nazwisko,opiekun1_imie\n1a,Żak,Łukasz,Żak,Ewa\n".encode()
    )
    report = validate_rows(table, class_names={"1a"}, existing=set(), today=TODAY)
    assert report.ok
    assert report.rows[0].guardians[0].first_name == "Ewa"
    assert report.rows[0].birth_date is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        ("imię;nazwisko\n".encode("cp1250"), "UTF-8"),
        (b"imie;nazwisko;klasa;opiekun1_imie\nA;B;1a;C\n", "opiekun1_nazwisko"),
        (b"imie;nazwisko;klasa;opiekun1_imie;opiekun1_nazwisko;pesel\n", "pesel"),
        (b"imie;imie;nazwisko;klasa;opiekun1_imie;opiekun1_nazwisko\n", "Repeated"),
        (HEADER.encode() + b"\n", "no students"),
        (b"x" * (MAX_FILE_BYTES + 1), "too large"),
    ],
    ids=["empty", "blank", "cp1250", "missing", "unknown", "repeated", "no-rows", "size"],
)
def test_file_level_errors(data: bytes, message: str) -> None:
    with pytest.raises(CsvFileError, match=message):
        read_csv(data)


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (";Wójcik;1a;;Ewa;Wójcik;;;;", "imie", "Required"),
        ("Zofia;;1a;;Ewa;Wójcik;;;;", "nazwisko", "Required"),
        ("Zofia;Wójcik;;;Ewa;Wójcik;;;;", "klasa", "Required"),
        ("Zofia;Wójcik;9z;;Ewa;Wójcik;;;;", "klasa", "No class"),
        ("Zofia;Wójcik;1a;31.02.2019;Ewa;Wójcik;;;;", "data_urodzenia", "Not a date"),
        ("Zofia;Wójcik;1a;2030-01-01;Ewa;Wójcik;;;;", "data_urodzenia", "plausible"),
        ("Zofia;Wójcik;1a;;;Wójcik;;;;", "opiekun1_imie", "Required"),
        ("Zofia;Wójcik;1a;;Ewa;;;;;", "opiekun1_nazwisko", "Required"),
        ("Zofia;Wójcik;1a;;Ewa;Wójcik;ewa@;;;", "opiekun1_email", "e-mail"),
        ("Zofia;Wójcik;1a;;Ewa;Wójcik;;Jan;;", "opiekun2_nazwisko", "Required"),
        ("Zofia;Wójcik;1a;;Ewa;Wójcik;;;;jan@example.pl", "opiekun2_imie", "Required"),
        ("Zofia;Wójcik;1a;;Ewa;Wójcik;;Jan;Nowak;nie-mail", "opiekun2_email", "e-mail"),
        ("Zofia2;Wójcik;1a;;Ewa;Wójcik;;;;", "imie", "digits"),
        ("=HYPERLINK(x);Wójcik;1a;;Ewa;Wójcik;;;;", "imie", "formula"),
        ("Zofia;+Wójcik;1a;;Ewa;Wójcik;;;;", "nazwisko", "formula"),
        ("Zofia;Wójcik;1a;;@Ewa;Wójcik;;;;", "opiekun1_imie", "formula"),
        ("Zofia;Wójcik;1a;;Ewa;-Wójcik;;;;", "opiekun1_nazwisko", "formula"),
        ("Zofia;Wójcik;1a;;Ewa;Wójcik;;;;;nadmiar", "", "More values"),
        ("Z" * 101 + ";Wójcik;1a;;Ewa;Wójcik;;;;", "imie", "Too long"),
    ],
)
def test_row_errors_name_line_and_column(row: str, column: str, fragment: str) -> None:
    report = report_for(row)
    assert not report.ok
    assert report.rows == []
    assert any(
        e.line == 2 and e.column == column and fragment in e.message for e in report.errors
    ), report.errors


def test_class_names_match_regardless_of_case() -> None:
    report = report_for("Zofia;Wójcik;1A;;Ewa;Wójcik;;;;")
    assert report.ok
    assert report.rows[0].class_name == "1a"


def test_every_bad_row_is_reported_and_good_rows_are_not_errors() -> None:
    body = "\n".join(
        [GOOD, "Jan;Nowak;9z;;Ewa;Nowak;;;;", GOOD.replace("Zofia", "Ala"), ";;1a;;;;;;;"]
    )
    report = report_for(body)
    by_line = report.errors_by_line()
    assert set(by_line) == {3, 5}
    assert set(by_line[5]) == {"imie", "nazwisko", "opiekun1_imie", "opiekun1_nazwisko"}


def test_duplicates_within_the_file_and_with_enrolled_students() -> None:
    report = report_for(f"{GOOD}\n{GOOD}")
    assert [(e.line, e.column) for e in report.errors] == [(3, "imie")]
    assert "line 2" in report.errors[0].message
    existing = {student_key("zofia", "WÓJCIK", "1a", datetime.date(2019, 3, 14))}
    report = report_for(GOOD, existing=existing)
    assert "already enrolled" in report.errors[0].message
