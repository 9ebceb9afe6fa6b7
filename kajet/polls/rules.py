"""Pure rules of polls (no ORM): what makes a set of questions publishable, what makes an
answer complete, and how counts become percentages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_QUESTIONS = 10
MAX_OPTIONS = 12
MAX_TEXT_ANSWER = 500
CHOICE_KINDS = frozenset({"single", "multiple"})


@dataclass(frozen=True)
class QuestionDraft:
    text: str
    kind: str
    options: tuple[str, ...] = ()


def question_problems(questions: Sequence[QuestionDraft]) -> list[str]:
    """Why these questions cannot be published (empty: they can). A choice question needs
    at least two different options; a text question takes none."""
    if not questions:
        return [_("Add at least one question.")]
    if len(questions) > MAX_QUESTIONS:
        return [_("A poll has at most %(n)d questions.") % {"n": MAX_QUESTIONS}]
    problems = []
    for number, q in enumerate(questions, start=1):
        if not q.text.strip():
            problems.append(_("Question %(n)d has no text.") % {"n": number})
        if q.kind in CHOICE_KINDS:
            options = [o.strip() for o in q.options if o.strip()]
            if len(options) < 2:
                problems.append(
                    _("Question %(n)d needs at least two options (one per line).") % {"n": number}
                )
            elif len(set(options)) != len(options):
                problems.append(_("Question %(n)d lists an option twice.") % {"n": number})
            elif len(options) > MAX_OPTIONS:
                problems.append(
                    _("Question %(n)d has more than %(max)d options.")
                    % {"n": number, "max": MAX_OPTIONS}
                )
        elif q.kind == "text":
            if any(o.strip() for o in q.options):
                problems.append(
                    _("Question %(n)d asks for a short text: leave its options empty.")
                    % {"n": number}
                )
        else:
            problems.append(_("Question %(n)d has no kind.") % {"n": number})
    return problems


def answer_problems(
    kinds: Mapping[int, str],
    options_of: Mapping[int, frozenset[int]],
    chosen: Mapping[int, Sequence[int]],
    texts: Mapping[int, str],
) -> dict[int, str]:
    """Per question id, why the answer cannot be taken. Every choice question needs an
    answer (exactly one option for single choice, one or more for multiple); a text answer
    may be empty but not too long. ``chosen`` must name options of that question only."""
    problems: dict[int, str] = {}
    for qid, kind in kinds.items():
        picked = list(chosen.get(qid, ()))
        if kind in CHOICE_KINDS:
            if any(o not in options_of.get(qid, frozenset()) for o in picked):
                problems[qid] = _("Choose one of the options given.")
            elif not picked:
                problems[qid] = _("Answer this question.")
            elif kind == "single" and len(picked) > 1:
                problems[qid] = _("Choose one option.")
            elif len(set(picked)) != len(picked):
                problems[qid] = _("Choose each option once.")
        elif len(texts.get(qid, "")) > MAX_TEXT_ANSWER:
            problems[qid] = _("The answer is too long (at most %(n)d characters).") % {
                "n": MAX_TEXT_ANSWER
            }
    return problems


def percent(count: int, total: int) -> int:
    """Whole percent of ``total`` (0 when nobody answered), rounded half up."""
    if total <= 0:
        return 0
    return (200 * count + total) // (2 * total)
