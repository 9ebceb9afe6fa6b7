import pytest
from django.utils import translation

from kajet.timetable.rooms import room_label


@pytest.mark.parametrize(
    ("name", "polish", "english"),
    [
        ("12", "sala 12", "room 12"),
        ("104a", "sala 104a", "room 104a"),
        ("2.15", "sala 2.15", "room 2.15"),
        ("B-3", "sala B-3", "room B-3"),
        ("Sala gimnastyczna", "Sala gimnastyczna", "Sala gimnastyczna"),
        ("sala 12", "sala 12", "sala 12"),
        ("Aula", "Aula", "Aula"),
        ("Biblioteka", "Biblioteka", "Biblioteka"),
        ("Pracownia chemiczna", "Pracownia chemiczna", "Pracownia chemiczna"),
        ("", "", ""),
    ],
)
def test_room_label_prefixes_only_rooms_known_by_a_number(
    name: str, polish: str, english: str
) -> None:
    with translation.override("pl"):
        assert room_label(name) == polish
    with translation.override("en"):
        assert room_label(name) == english
