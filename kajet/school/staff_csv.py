"""Reading and validating a CSV file of staff members (pure: no ORM).

The file is read like the students' file (``kajet.school.csv_import``: UTF-8, ``;`` or ``,``,
columns in any order, diacritics in column names do not matter), one staff member a line:

========  ========  ==============================================================
column    required  meaning
========  ========  ==============================================================
imie      yes       first name
nazwisko  yes       last name
role      yes       one or more roles, separated by ``,`` ``/`` ``|`` or ``+``:
                    nauczyciel, pedagog, psycholog, sekretariat, administrator,
                    dyrektor (the English codes such as ``teacher`` work too)
login     no        the login (``j.kowalska``); when empty one is made from the name
email     no        e-mail address
========  ========  ==============================================================

Homeroom teacher is not a role to give: it follows from leading a class. Validation reports
every problem by line and column; the caller creates nothing unless the report is empty.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kajet.school.csv_import import CellError, CsvTable, email_error, name_error

LOGIN_RE = re.compile(r"^[a-z][a-z0-9._-]{2,63}$")

REQUIRED_COLUMNS = ("imie", "nazwisko", "role")
COLUMNS = ("imie", "nazwisko", "role", "login", "email")
EXAMPLE = (
    "imie;nazwisko;role;login;email\n"
    "Grażyna;Żółkiewska;nauczyciel;;g.zolkiewska@example.pl\n"
    "Jędrzej;Łęcki;nauczyciel, dyrektor;j.lecki;\n"
    "Ewa;Nowak;sekretariat;;\n"
)

#: Role names accepted in the ``role`` column (normalised: lower case, no diacritics) →
#: the role code. Polish words as a school writes them, and the codes themselves.
ROLE_WORDS: dict[str, str] = {
    "nauczyciel": "teacher",
    "nauczycielka": "teacher",
    "pedagog": "pedagogue",
    "psycholog": "psychologist",
    "sekretariat": "secretariat",
    "administrator": "school_admin",
    "administrator_szkoly": "school_admin",
    "dyrektor": "principal",
    "dyrektorka": "principal",
    "teacher": "teacher",
    "pedagogue": "pedagogue",
    "psychologist": "psychologist",
    "secretariat": "secretariat",
    "school_admin": "school_admin",
    "principal": "principal",
}
HOMEROOM_WORDS = frozenset({"wychowawca", "wychowawczyni", "homeroom_teacher"})
#: How many numbered variants of a made-up login (``j.nowak2`` …) are tried.
LOGIN_VARIANTS = 9


@dataclass(frozen=True)
class StaffRow:
    line: int
    first_name: str
    last_name: str
    login: str
    email: str
    roles: tuple[str, ...]


@dataclass
class StaffReport:
    """Valid rows (usable only when ``errors`` is empty) and every problem found."""

    rows: list[StaffRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_line(self) -> dict[int, dict[str, list[str]]]:
        by_line: dict[int, dict[str, list[str]]] = {}
        for error in self.errors:
            by_line.setdefault(error.line, {}).setdefault(error.column, []).append(error.message)
        return by_line


def _ascii(text: str) -> str:
    text = text.strip().lower().replace("ł", "l")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def login_base(first_name: str, last_name: str) -> str:
    """``Grażyna``, ``Żółkiewska-Nowak`` → ``g.zolkiewska-nowak``: the first letter of the first
    name, a dot, the last name, in ASCII lower case (what a school usually hands out)."""
    first = re.sub(r"[^a-z]", "", _ascii(first_name))[:1]
    last = re.sub(r"[^a-z0-9-]", "", _ascii(last_name).replace(" ", "-")).strip("-")
    base = f"{first}.{last}" if first else last
    if not base or not base[0].isalpha():
        base = "n." + base.lstrip(".")
    return base[:60]


def login_candidates(first_name: str, last_name: str) -> list[str]:
    """The logins a row without one may get, in the order they are tried."""
    base = login_base(first_name, last_name)
    return [base] + [f"{base}{n}" for n in range(2, LOGIN_VARIANTS + 2)]


def parse_roles(value: str) -> tuple[tuple[str, ...], list[str]]:
    """The role codes named in a cell (in the order given, each once) and the words that are
    not roles."""
    roles: list[str] = []
    unknown: list[str] = []
    for word in re.split(r"[,/|+;]", value):
        key = re.sub(r"\s+", "_", _ascii(word))
        if not key:
            continue
        role = ROLE_WORDS.get(key)
        if role is None:
            unknown.append(word.strip())
        elif role not in roles:
            roles.append(role)
    return tuple(roles), unknown


def _roles_error(value: str) -> tuple[tuple[str, ...], str | None]:
    roles, unknown = parse_roles(value)
    if unknown and all(re.sub(r"\s+", "_", _ascii(w)) in HOMEROOM_WORDS for w in unknown):
        return roles, _(
            "“Homeroom teacher” is not given here: it follows from leading a class. "
            "Give the role “nauczyciel” and choose the teacher on the class's page."
        )
    if unknown:
        return roles, _("Unknown role: %(roles)s. Use: %(allowed)s.") % {
            "roles": ", ".join(unknown),
            "allowed": "nauczyciel, pedagog, psycholog, sekretariat, administrator, dyrektor",
        }
    if not roles:
        return roles, _("Required.")
    return roles, None


NameKey = tuple[str, str]


def name_key(first_name: str, last_name: str) -> NameKey:
    return (first_name.strip().casefold(), last_name.strip().casefold())


def _login_problem(login: str, taken: set[str], used: dict[str, int]) -> str | None:
    if not LOGIN_RE.match(login):
        return _("Use 3–64 letters, digits, dots or dashes, starting with a letter.")
    if login in taken:
        return _("This login is already taken.")
    if login in used:
        return _("The same login as on line %(line)s.") % {"line": used[login]}
    return None


def _made_up_login(
    first: str, last: str, taken: set[str], used: dict[str, int], existing: dict[NameKey, str]
) -> tuple[str, str, str | None]:
    """(column, login, problem) for a row without a login: one made from the name, unless the
    name already has a login here (a file imported twice) or every variant is taken."""
    known = existing.get(name_key(first, last))
    if known is not None:
        return (
            "imie",
            "",
            _(
                "A staff member with this name already has a login (%(login)s). "
                "For a namesake, give a login in the “login” column."
            )
            % {"login": known},
        )
    for candidate in login_candidates(first, last):
        if candidate not in taken and candidate not in used:
            return "login", candidate, None
    return "login", "", _("Give a login: the usual ones for this name are taken.")


def _row_errors(line: int, values: dict[str, str]) -> tuple[tuple[str, ...], list[CellError]]:
    """The row's roles and the problems found without looking at logins."""
    problems: list[tuple[str, str | None]] = []
    if values.get("_extra"):
        problems.append(("", _("More values than columns in the header.")))
    problems.append(("imie", name_error(values["imie"])))
    problems.append(("nazwisko", name_error(values["nazwisko"])))
    problems.append(("email", email_error(values["email"])))
    roles, roles_problem = _roles_error(values["role"])
    problems.append(("role", roles_problem))
    return roles, [CellError(line, column, msg) for column, msg in problems if msg]


def validate_staff_rows(
    table: CsvTable, *, taken_logins: set[str], existing_names: dict[NameKey, str]
) -> StaffReport:
    """Check every row; collect every problem (line, column, message) — nothing is saved.

    ``taken_logins`` are logins already in use (among those the file names or may be given);
    ``existing_names`` maps the names of the school's staff to their logins, so that a file
    imported twice is refused rather than doubling everyone.
    """
    report = StaffReport()
    used: dict[str, int] = {}  # login → the line that took it in this file
    for line, values in table.rows:
        roles, errors = _row_errors(line, values)
        first, last = values["imie"], values["nazwisko"]
        login = values["login"].strip().lower()
        if login:
            problem = _login_problem(login, taken_logins, used)
            if problem:
                errors.append(CellError(line, "login", problem))
        elif not errors:
            column, login, problem = _made_up_login(first, last, taken_logins, used, existing_names)
            if problem:
                errors.append(CellError(line, column, problem))
        if errors:
            report.errors.extend(errors)
            continue
        used[login] = line
        report.rows.append(StaffRow(line, first, last, login, values["email"], roles))
    return report
