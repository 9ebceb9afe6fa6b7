"""The pure colour rules of attendance types: parsing, WCAG contrast, the chip's text colour."""

import pytest

from kajet.attendance import colours
from kajet.attendance.services import STANDARD_TYPES


@pytest.mark.parametrize(
    ("value", "ok"),
    [("#7c3aed", True), ("#ABCDEF", True), ("#abc", False), ("7c3aed", False), ("", False)],
)
def test_is_hex_colour(value: str, ok: bool) -> None:
    assert colours.is_hex_colour(value) is ok


def test_normalise() -> None:
    assert colours.normalise(" #ABCDEF ") == "#abcdef"
    with pytest.raises(ValueError):
        colours.normalise("red")


def test_contrast_of_black_and_white() -> None:
    assert colours.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert colours.contrast("#777777", "#777777") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#fde047", "#000000"),
        ("#ffffff", "#000000"),
        ("#1d4ed8", "#ffffff"),
        ("#000000", "#ffffff"),
    ],
)
def test_text_colour_for(background: str, text: str) -> None:
    assert colours.text_colour_for(background) == text


@pytest.mark.parametrize("n", range(0, 256, 15))
def test_every_grey_gets_readable_text(n: int) -> None:
    background = f"#{n:02x}{n:02x}{n:02x}"
    assert colours.contrast(background, colours.text_colour_for(background)) >= colours.MIN_CONTRAST


@pytest.mark.parametrize("background", [c for _code, _kind, c, _name in STANDARD_TYPES])
def test_standard_colours_are_readable(background: str) -> None:
    assert colours.contrast(background, colours.text_colour_for(background)) >= 4.5
