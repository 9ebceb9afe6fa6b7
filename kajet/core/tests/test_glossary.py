"""The Polish words a school uses, as ../shared/DESIGN.md's glossary gives them. A word that
means something else in a school ("Przedmiot" for a message's subject) reads wrong to every
parent and teacher, so the key terms are pinned here."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

GLOSSARY = [
    # (context, English, Polish)
    ("message", "Subject", "Temat"),
    ("message", "subject", "temat"),
    (None, "Subject", "Przedmiot"),
    (None, "Topic", "Temat"),
    (None, "Grades", "Oceny"),
    (None, "Term", "Okres"),
    (None, "Term grade", "Ocena śródroczna"),
    (None, "Annual grade", "Ocena roczna"),
    (None, "Correction", "Poprawa"),
    (None, "Weight", "Waga"),
    (None, "Attendance", "Frekwencja"),
    (None, "Excuse", "Usprawiedliwienie"),
    (None, "Homeroom teacher", "Wychowawca"),
    (None, "Class", "Klasa"),
    (None, "Lesson", "Lekcja"),
    (None, "Timetable", "Plan lekcji"),
    (None, "Calendar", "Terminarz"),
    (None, "Substitution", "Zastępstwo"),
    (None, "Homework", "Zadania domowe"),
    (None, "Announcements", "Ogłoszenia"),
    (None, "Messages", "Wiadomości"),
    (None, "Inbox", "Odebrane"),
    (None, "Trash", "Kosz"),
    (None, "Lucky number", "Szczęśliwy numerek"),
    (None, "School year", "Rok szkolny"),
    (None, "Day off", "Dzień wolny"),
    (None, "Secretariat", "Sekretariat"),
    (None, "Principal", "Dyrektor"),
    (None, "Behaviour", "Zachowanie"),
    # "Arkusz ocen" is the statutory record sheet, not the teacher's grade sheet.
    (None, "Record sheet", "Arkusz ocen"),
    (None, "Grade sheet, term %(n)s", "Dziennik ocen, okres %(n)s"),
    (None, "Back to the sheet", "Powrót do dziennika ocen"),
    (None, "Course", "Przydział"),
    (None, "Room", "Sala"),
    (None, "Remark", "Uwaga"),
    (None, "Descriptive grade", "Ocena opisowa"),
]


@pytest.mark.parametrize(("context", "english", "polish"), GLOSSARY)
def test_key_school_terms_are_the_schools_own_polish_words(
    context: str | None, english: str, polish: str
) -> None:
    with translation.override("pl"):
        got = pgettext(context, english) if context else gettext(english)
    assert got == polish


#: Sentences that name a person are phrased so that the name stays in the nominative (Polish
#: would otherwise decline it: "nieobecności Zofii Wójcik", "zamiast Jana Kowalskiego").
NO_DECLENSION = [
    ("Please excuse the absences of %(name)s:", "(uczeń: Zofia Wójcik):"),
    ("Your excuse for %(name)s has been approved.", "(uczeń: Zofia Wójcik)."),
    ("Your excuse for %(name)s has been rejected.", "(uczeń: Zofia Wójcik)."),
    ("Excuse withdrawn: %(name)s", ": Zofia Wójcik"),
    ("guardian of %(name)s", "rodzic: Zofia Wójcik"),
    ("Homework of %(name)s (%(cls)s)", "Zadania domowe: Zofia Wójcik"),
    ("Remarks about %(name)s (%(cls)s)", "Uwagi: Zofia Wójcik"),
    ("New message from %(name)s: %(subject)s", "— Zofia Wójcik:"),
    ("Instead of: %(name)s", ": Zofia Wójcik"),
    ("Written by %(name)s", ": Zofia Wójcik"),
    ("Hello %(name)s,", "Dzień dobry,"),
]


@pytest.mark.parametrize(("english", "shown"), NO_DECLENSION)
def test_sentences_naming_a_person_need_no_declension(english: str, shown: str) -> None:
    with translation.override("pl"):
        sentence = gettext(english) % {"name": "Zofia Wójcik", "cls": "6b", "subject": "X"}
    assert shown in sentence


def test_the_planned_teacher_of_a_substitution_needs_no_declension() -> None:
    """ "zamiast Jan Kowalski" would need the genitive; a label does not."""
    with translation.override("pl"):
        assert gettext("instead of") == "planowo:"
