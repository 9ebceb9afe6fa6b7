from __future__ import annotations

import pytest

from kajet.polls.rules import QuestionDraft, answer_problems, percent, question_problems


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        ([], ["Add at least one question."]),
        ([QuestionDraft("Q", "single", ("a", "b"))], []),
        ([QuestionDraft("Q", "multiple", ("a", "b", "c"))], []),
        ([QuestionDraft("Q", "text")], []),
        (
            [QuestionDraft("Q", "single", ())],
            ["Question 1 needs at least two options (one per line)."],
        ),
        (
            [QuestionDraft("Q", "single", ("a", "  "))],
            ["Question 1 needs at least two options (one per line)."],
        ),
        ([QuestionDraft("Q", "multiple", ("a", "a"))], ["Question 1 lists an option twice."]),
        (
            [QuestionDraft("Q", "text"), QuestionDraft("", "single", ("a", "b"))],
            ["Question 2 has no text."],
        ),
        (
            [QuestionDraft("Q", "text", ("a",))],
            ["Question 1 asks for a short text: leave its options empty."],
        ),
        ([QuestionDraft("Q", "rating", ("a", "b"))], ["Question 1 has no kind."]),
        (
            [QuestionDraft("Q", "single", tuple(str(i) for i in range(13)))],
            ["Question 1 has more than 12 options."],
        ),
        ([QuestionDraft("Q", "text")] * 11, ["A poll has at most 10 questions."]),
    ],
)
def test_question_problems(questions: list[QuestionDraft], expected: list[str]) -> None:
    assert question_problems(questions) == expected


KINDS = {1: "single", 2: "multiple", 3: "text"}
OPTIONS = {1: frozenset({10, 11}), 2: frozenset({20, 21, 22}), 3: frozenset()}


@pytest.mark.parametrize(
    ("chosen", "texts", "expected"),
    [
        ({1: [10], 2: [20, 22]}, {3: "ok"}, {}),
        ({1: [10], 2: [21]}, {}, {}),
        ({2: [20]}, {}, {1: "Answer this question."}),
        ({1: [10, 11], 2: [20]}, {}, {1: "Choose one option."}),
        ({1: [20], 2: [20]}, {}, {1: "Choose one of the options given."}),
        ({1: [10], 2: []}, {}, {2: "Answer this question."}),
        ({1: [10], 2: [20, 20]}, {}, {2: "Choose each option once."}),
        (
            {1: [10], 2: [20]},
            {3: "x" * 501},
            {3: "The answer is too long (at most 500 characters)."},
        ),
    ],
)
def test_answer_problems(
    chosen: dict[int, list[int]], texts: dict[int, str], expected: dict[int, str]
) -> None:
    assert answer_problems(KINDS, OPTIONS, chosen, texts) == expected


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [(0, 0, 0), (1, 0, 0), (0, 3, 0), (1, 3, 33), (2, 3, 67), (1, 2, 50), (1, 8, 13), (3, 3, 100)],
)
def test_percent(count: int, total: int, expected: int) -> None:
    assert percent(count, total) == expected
