"""Demo polls on top of a small school."""

from __future__ import annotations

import datetime

import pytest

from kajet.accounts.models import Role
from kajet.demo.seeding.polls import seed_school_data as seed_polls
from kajet.demo.seeding.school import SchoolSpec, StaffSpec, seed_school
from kajet.polls.models import Poll, PollRecipient, PollResponse
from kajet.polls.selectors import poll_results

pytestmark = pytest.mark.django_db


def test_seed_polls() -> None:
    today = datetime.date(2026, 11, 20)
    spec = SchoolSpec(
        name="SP Test",
        short_name="SP T",
        city="Gdańsk",
        class_names=["4a", "5a"],
        students_per_class=6,
        teachers=6,
        first_login_number=6400001,
        seed=5,
        named_staff=[StaffSpec("t.principal", "Halina", "Kaczmarek", [Role.PRINCIPAL])],
    )
    seeded = seed_school(spec, today=today, password="x-Pass-2026")
    seed_polls(seeded, today=today, scale="demo")

    polls = list(Poll.objects.order_by("pk"))
    assert len(polls) == 3  # one per class, one for the staff
    staff_poll = polls[-1]
    assert staff_poll.anonymous and staff_poll.audience == "staff"
    assert not PollResponse.objects.filter(poll=staff_poll, user__isnull=False).exists()
    for poll in polls:
        answered = PollRecipient.objects.filter(poll=poll, answered=True).count()
        assert PollResponse.objects.filter(poll=poll).count() == answered
        results = poll_results(poll=poll)
        assert sum(o.count for o in results.questions[0].options) == answered
    named = polls[0]
    assert set(PollResponse.objects.filter(poll=named).values_list("user_id", flat=True)) == set(
        PollRecipient.objects.filter(poll=named, answered=True).values_list("user_id", flat=True)
    )
    # The benchmark scales get none.
    Poll.objects.all().delete()
    seed_polls(seeded, today=today, scale="s")
    assert not Poll.objects.exists()
