"""The staff CSV rules (pure): roles from a column, logins made from names, every problem."""

from __future__ import annotations

import pytest

from kajet.school.csv_import import CsvTable
from kajet.school.staff_csv import (
    COLUMNS,
    login_base,
    login_candidates,
    name_key,
    parse_roles,
    validate_staff_rows,
)


@pytest.mark.parametrize(
    ("cell", "roles", "unknown"),
    [
        ("nauczyciel", ("teacher",), []),
        ("Nauczyciel, Dyrektor", ("teacher", "principal"), []),
        ("sekretariat/administrator", ("secretariat", "school_admin"), []),
        ("pedagog + psycholog", ("pedagogue", "psychologist"), []),
        ("Administrator szkoły", ("school_admin",), []),
        ("teacher|principal|teacher", ("teacher", "principal"), []),
        ("woźny", (), ["woźny"]),
        ("", (), []),
    ],
)
def test_parse_roles(cell: str, roles: tuple[str, ...], unknown: list[str]) -> None:
    assert parse_roles(cell) == (roles, unknown)


@pytest.mark.parametrize(
    ("first", "last", "login"),
    [
        ("Grażyna", "Żółkiewska", "g.zolkiewska"),
        ("Łukasz", "Łęcki-Wąs", "l.lecki-was"),
        ("Anna Maria", "Nowak Kowalska", "a.nowak-kowalska"),
        ("Ósemka", "Ćma", "o.cma"),
    ],
)
def test_login_base(first: str, last: str, login: str) -> None:
    assert login_base(first, last) == login
    assert login_candidates(first, last)[:2] == [login, login + "2"]


def table(*rows: dict[str, str]) -> CsvTable:
    return CsvTable(
        columns=list(COLUMNS),
        rows=[(i + 2, {c: r.get(c, "") for c in COLUMNS}) for i, r in enumerate(rows)],
    )


ROW = {"imie": "Ewa", "nazwisko": "Nowak", "role": "nauczyciel"}


@pytest.mark.parametrize(
    ("rows", "taken", "existing", "problems", "logins"),
    [
        ([ROW], set(), {}, [], ["e.nowak"]),
        ([ROW, {**ROW, "imie": "Eryk"}], set(), {}, [], ["e.nowak", "e.nowak2"]),
        ([ROW], {"e.nowak", "e.nowak2"}, {}, [], ["e.nowak3"]),
        ([{**ROW, "login": "E.Nowak"}], set(), {}, [], ["e.nowak"]),
        ([{**ROW, "login": "e.nowak"}], {"e.nowak"}, {}, [(2, "login")], []),
        ([{**ROW, "login": "1x"}], set(), {}, [(2, "login")], []),
        (
            [{**ROW, "login": "ewa"}, {**ROW, "imie": "Eryk", "login": "ewa"}],
            set(),
            {},
            [(3, "login")],
            [],
        ),
        ([{**ROW, "role": "wychowawca"}], set(), {}, [(2, "role")], []),
        ([{**ROW, "role": ""}], set(), {}, [(2, "role")], []),
        ([{**ROW, "imie": "", "email": "x@"}], set(), {}, [(2, "imie"), (2, "email")], []),
        ([{**ROW, "nazwisko": "=SUMA(A1)"}], set(), {}, [(2, "nazwisko")], []),
        ([ROW], set(), {name_key("ewa", "NOWAK"): "ewa.n"}, [(2, "imie")], []),
        # A namesake with a login of their own is fine.
        ([{**ROW, "login": "ewa.n2"}], set(), {name_key("Ewa", "Nowak"): "ewa.n"}, [], ["ewa.n2"]),
    ],
)
def test_validate_staff_rows(
    rows: list[dict[str, str]],
    taken: set[str],
    existing: dict[tuple[str, str], str],
    problems: list[tuple[int, str]],
    logins: list[str],
) -> None:
    report = validate_staff_rows(table(*rows), taken_logins=taken, existing_names=existing)
    assert [(e.line, e.column) for e in report.errors] == problems
    assert all(e.message for e in report.errors)
    if not problems:
        assert [r.login for r in report.rows] == logins
        assert report.rows[0].roles == ("teacher",)


def test_homeroom_teacher_gets_its_own_explanation() -> None:
    report = validate_staff_rows(
        table({**ROW, "role": "wychowawca"}), taken_logins=set(), existing_names={}
    )
    assert "class" in report.errors[0].message
