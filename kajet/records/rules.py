"""The certificate's rules — pure (no ORM): the average, "z wyróżnieniem", promotion, and the
ministry template a certificate is printed on.

Rozporządzenie MEiN z 7 czerwca 2023 r. w sprawie świadectw (§ 11–§ 19) and the Prawo
oświatowe (art. 44o): a student of classes IV and up is awarded a certificate *with
distinction* when the average of their final annual grades is at least 4.75 and their annual
behaviour grade is at least *bardzo dobre*. Classes I–III are graded descriptively and are
promoted unless the teachers' council decides otherwise; from class IV a student is promoted
when no final annual grade is *niedostateczny* (1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DISTINCTION_AVERAGE = Decimal("4.75")
DISTINCTION_BEHAVIOUR = 5  # bardzo dobre (behaviour grades are stored 6 wzorowe … 1 naganne)
LOWEST_PASSING = 2
#: The last class of a primary school: its students get a school-leaving certificate.
FINAL_LEVEL = 8

PROMOTION = "promotion"
LEAVING = "leaving"


def annual_average(values: Iterable[int | Decimal | None]) -> Decimal | None:
    """The plain mean of the final annual grades that have a value (descriptive grades and
    missing ones are left out), to two decimals (half up, as the certificate prints it); None
    when there is nothing to average."""
    numbers = [Decimal(v) for v in values if v is not None]
    if not numbers:
        return None
    mean = sum(numbers, Decimal(0)) / len(numbers)
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def with_distinction(
    average: Decimal | None, behaviour: int | None, *, descriptive: bool = False
) -> bool:
    """ "Z wyróżnieniem": the annual average at least 4.75 and behaviour at least very good;
    never on a descriptive certificate (classes I–III)."""
    if descriptive or average is None or behaviour is None:
        return False
    return average >= DISTINCTION_AVERAGE and behaviour >= DISTINCTION_BEHAVIOUR


def promoted(values: Iterable[int | Decimal | None], *, descriptive: bool = False) -> bool:
    """Promotion to the next class (or finishing the school): descriptive classes are
    promoted; otherwise no final annual grade may be 1 (niedostateczny)."""
    if descriptive:
        return True
    return all(v is None or v >= LOWEST_PASSING for v in values)


def certificate_kind(level: int) -> str:
    """A promotion certificate, or a school-leaving certificate in the last class."""
    return LEAVING if level >= FINAL_LEVEL else PROMOTION


@dataclass(frozen=True)
class Template:
    """A ministry template (wzór) a certificate is printed on: its symbol, as the annex of
    the regulation names it, printed small at the bottom of the form."""

    symbol: str
    title: str


#: (kind, descriptive, with distinction) → the template. Kept as data: when the ministry
#: issues a new annex the school's operator changes this table, not the code.
TEMPLATES: dict[tuple[str, bool, bool], Template] = {
    (PROMOTION, True, False): Template("MEiN-I/49", "Świadectwo szkolne promocyjne"),
    (PROMOTION, False, False): Template("MEiN-I/51", "Świadectwo szkolne promocyjne"),
    (PROMOTION, False, True): Template("MEiN-I/52", "Świadectwo szkolne promocyjne z wyróżnieniem"),
    (LEAVING, False, False): Template("MEiN-I/53", "Świadectwo ukończenia szkoły podstawowej"),
    (LEAVING, False, True): Template(
        "MEiN-I/54", "Świadectwo ukończenia szkoły podstawowej z wyróżnieniem"
    ),
}


def template_for(level: int, *, descriptive: bool, distinction: bool) -> Template:
    kind = certificate_kind(level)
    if descriptive:
        return TEMPLATES[(PROMOTION, True, False)]
    return TEMPLATES[(kind, False, distinction)]
