"""Demo polls (ankiety): in every class with a homeroom teacher, a named poll for guardians
and students about how homework should be handed in (about half of those asked have
answered), and one anonymous staff poll from the principal. Written row by row like the
service does (recipients from ``kajet.polls.services.recipient_ids``) but without
notifications. Demo only (the benchmark scales get none); deterministic."""

from __future__ import annotations

import datetime
import random

from kajet.accounts.models import Role
from kajet.demo.seeding.school import SeededSchool
from kajet.polls.models import (
    Audience,
    Families,
    Poll,
    PollAnswer,
    PollOption,
    PollQuestion,
    PollRecipient,
    PollResponse,
    QuestionKind,
)
from kajet.polls.services import recipient_ids

CLASS_POLL = (
    "Oddawanie zadań domowych",
    "Jak wolisz oddawać zadania domowe?",
    ("Na kartce w szkole", "Zdjęcie przez wiadomość w Kajecie", "E-mailem do nauczyciela"),
)
STAFF_POLL = (
    "Termin rady szkoleniowej",
    "Który dzień tygodnia pasuje Państwu na radę szkoleniową?",
    ("Poniedziałek", "Wtorek", "Środa", "Czwartek"),
)


def _poll(
    seeded: SeededSchool,
    *,
    author_id: int,
    spec: tuple[str, str, tuple[str, ...]],
    audience: str,
    school_class_id: int | None,
    families: str,
    anonymous: bool,
    deadline: datetime.date,
    rng: random.Random,
) -> None:
    school = seeded.school
    title, text, options = spec
    author = next(
        u for u in seeded.teachers + list(seeded.staff_by_login.values()) if u.pk == author_id
    )
    school_class = next((c for c in seeded.classes if c.pk == school_class_id), None)
    users = recipient_ids(
        audience=audience, school_class=school_class, group=None, families=families, author=author
    )
    if not users:
        return
    poll = Poll.objects.create(
        school=school,
        author_id=author_id,
        title=title,
        audience=audience,
        school_class=school_class,
        families=families,
        anonymous=anonymous,
        deadline=deadline,
    )
    question = PollQuestion.objects.create(
        school=school, poll=poll, order=0, text=text, kind=QuestionKind.SINGLE
    )
    option_rows = PollOption.objects.bulk_create(
        PollOption(school=school, question=question, order=i, text=t) for i, t in enumerate(options)
    )
    answered = {uid for uid in users if rng.random() < 0.5}
    PollRecipient.objects.bulk_create(
        PollRecipient(school=school, poll=poll, user_id=uid, answered=uid in answered)
        for uid in users
    )
    responses = PollResponse.objects.bulk_create(
        PollResponse(school=school, poll=poll, user_id=None if anonymous else uid)
        for uid in sorted(answered)
    )
    PollAnswer.objects.bulk_create(
        PollAnswer(school=school, response=r, question=question, option=rng.choice(option_rows))
        for r in responses
    )


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    if scale != "demo":
        return
    rng = random.Random(f"polls:{seeded.key}")
    deadline = today + datetime.timedelta(days=7)
    for school_class in seeded.classes:
        if school_class.homeroom_teacher_id is None:
            continue
        _poll(
            seeded,
            author_id=school_class.homeroom_teacher_id,
            spec=CLASS_POLL,
            audience=Audience.CLASS,
            school_class_id=school_class.pk,
            families=Families.BOTH,
            anonymous=False,
            deadline=deadline,
            rng=rng,
        )
    principal = next(
        (u for u in seeded.staff_by_login.values() if Role.PRINCIPAL in u.staff_roles), None
    )
    if principal is not None:
        _poll(
            seeded,
            author_id=principal.pk,
            spec=STAFF_POLL,
            audience=Audience.STAFF,
            school_class_id=None,
            families="",
            anonymous=True,
            deadline=deadline,
            rng=rng,
        )
