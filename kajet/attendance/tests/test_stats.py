import pytest

from kajet.attendance import stats


@pytest.mark.parametrize(
    ("attended", "counted", "threshold", "expected"),
    [
        (10, 10, 50, 10),  # 10/20 = 50% still fine
        (10, 11, 50, 9),
        (10, 20, 50, 0),  # exactly at the threshold
        (5, 20, 50, 0),  # already under
        (0, 0, 50, 0),
        (9, 10, 80, 1),  # 9/11 = 81.8%, 9/12 = 75%
        (3, 3, 75, 1),  # 3/4 = 75%
        (99, 100, 0, None),  # no threshold: no limit
        (1, 1, 100, 0),
        (7, 9, 33, 12),  # 7/21 = 33.3% ok, 7/22 = 31.8% not
    ],
)
def test_lessons_left_to_miss(
    attended: int, counted: int, threshold: int, expected: int | None
) -> None:
    assert stats.lessons_left_to_miss(attended, counted, threshold) == expected
    if expected is not None and 100 * attended >= threshold * counted:
        # missing ``expected`` more keeps the threshold, one more falls under it
        assert 100 * attended >= threshold * (counted + expected)
        assert 100 * attended < threshold * (counted + expected + 1)


def test_threshold_above_100_is_refused() -> None:
    with pytest.raises(ValueError):
        stats.lessons_left_to_miss(1, 1, 101)


@pytest.mark.parametrize(
    ("kinds", "percent", "counted", "unexcused"),
    [
        ([], None, 0, 0),
        (["present"] * 3 + ["absent"], 75.0, 4, 1),
        (["present", "late", "excused", "released"], 66.7, 3, 0),  # released left out
        (["released", "released"], None, 0, 0),
        (["absent", "absent", "excused"], 0.0, 3, 2),
        (["late"] * 2, 100.0, 2, 0),
    ],
)
def test_summarize(kinds: list[str], percent: float | None, counted: int, unexcused: int) -> None:
    summary = stats.summarize(kinds)
    assert summary.percent == percent
    assert summary.counted == counted
    assert summary.unexcused == unexcused
    assert summary.total == len(kinds)
