"""Writes to polls: publish (with its fixed list of recipients), answer, remind.

Every write runs in one transaction. Publishing and reminding write history
(``polls.poll.created``, ``polls.poll.reminded``) and notify on commit; a named answer writes
``polls.poll.answered`` / ``polls.poll.answer_changed`` with the answer. An anonymous answer
writes no history and stores nobody's id with it (see ``kajet.polls.models``); it is final.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.core.models import School
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.polls import rules
from kajet.polls.models import (
    Audience,
    Families,
    Poll,
    PollAnswer,
    PollOption,
    PollQuestion,
    PollRecipient,
    PollResponse,
)
from kajet.school.models import ClassGroup, Guardianship, SchoolClass, Student

MAX_TITLE = 150

#: Polls go out as notifications of the "announcement" kind: a school notice asking for an
#: answer (one more kind would change the notification settings of every user).
NOTIFICATION_KIND = Notification.Kind.ANNOUNCEMENT


class AlreadyAnswered(ValidationError):
    pass


def recipient_ids(
    *,
    audience: str,
    school_class: SchoolClass | None,
    group: ClassGroup | None,
    families: str,
    author: User,
) -> list[int]:
    """The users a poll for this audience asks (active logins; never its author)."""
    if audience == Audience.STAFF:
        ids = set(
            User.objects.filter(
                school=author.school, kind=User.Kind.STAFF, is_active=True
            ).values_list("pk", flat=True)
        )
    else:
        students = Student.objects.filter(
            school_id=author.school_id, left_on__isnull=True, school_class__year__is_current=True
        )
        if audience == Audience.CLASS:
            students = students.filter(school_class=school_class)
        elif audience == Audience.GROUP:
            students = students.filter(memberships__group=group)
        ids = set()
        if audience == Audience.ALL_GUARDIANS or families in (Families.GUARDIANS, Families.BOTH):
            ids |= set(
                Guardianship.objects.filter(
                    student__in=students, guardian__is_active=True
                ).values_list("guardian_id", flat=True)
            )
        if audience != Audience.ALL_GUARDIANS and families in (Families.STUDENTS, Families.BOTH):
            ids |= set(students.filter(user__is_active=True).values_list("user_id", flat=True))
    ids.discard(author.pk)
    return sorted(ids)


def _validate_header(
    *,
    title: str,
    audience: str,
    school_class: SchoolClass | None,
    group: ClassGroup | None,
    families: str,
    deadline: datetime.date,
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the poll a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("The title is too long.")
    if audience == Audience.CLASS and school_class is None:
        errors["school_class"] = _("Choose the class.")
    if audience == Audience.GROUP and group is None:
        errors["group"] = _("Choose the group.")
    if audience in (Audience.CLASS, Audience.GROUP) and families not in Families.values:
        errors["families"] = _("Choose who of the class or group is asked.")
    if deadline < timezone.localdate():
        errors["deadline"] = _("The deadline has already passed.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def poll_create(
    *,
    actor: User,
    school: School,
    title: str,
    description: str,
    audience: str,
    school_class: SchoolClass | None,
    group: ClassGroup | None,
    families: str,
    anonymous: bool,
    deadline: datetime.date,
    questions: Sequence[rules.QuestionDraft],
) -> Poll:
    """Publish a poll (the caller has checked the actor may ask this audience): its
    questions, its recipients, a history entry; the recipients are notified on commit.
    Nothing is stored when the questions or the header are not valid, or nobody is asked."""
    _validate_header(
        title=title,
        audience=audience,
        school_class=school_class,
        group=group,
        families=families,
        deadline=deadline,
    )
    problems = rules.question_problems(questions)
    if problems:
        raise ValidationError({"questions": problems})
    if audience not in (Audience.CLASS, Audience.GROUP):
        school_class, group, families = None, None, ""
    elif audience == Audience.CLASS:
        group = None
    else:
        school_class = None
    user_ids = recipient_ids(
        audience=audience,
        school_class=school_class,
        group=group,
        families=families,
        author=actor,
    )
    if not user_ids:
        raise ValidationError(_("Nobody would be asked: the chosen audience has no one to answer."))
    poll = Poll.objects.create(
        school=school,
        author=actor,
        title=title.strip(),
        description=description.strip(),
        audience=audience,
        school_class=school_class,
        group=group,
        families=families,
        anonymous=anonymous,
        deadline=deadline,
    )
    for q_order, draft in enumerate(questions):
        question = PollQuestion.objects.create(
            school=school, poll=poll, order=q_order, text=draft.text.strip(), kind=draft.kind
        )
        if draft.kind in rules.CHOICE_KINDS:
            PollOption.objects.bulk_create(
                PollOption(school=school, question=question, order=o_order, text=text.strip())
                for o_order, text in enumerate(o for o in draft.options if o.strip())
            )
    PollRecipient.objects.bulk_create(
        (PollRecipient(school=school, poll=poll, user_id=uid) for uid in user_ids),
        batch_size=1000,
    )
    history_record(
        school=school,
        actor=actor,
        code="polls.poll.created",
        object_type="poll",
        object_id=poll.pk,
        new={
            "title": poll.title,
            "audience": audience,
            "class": school_class.pk if school_class else None,
            "group": group.pk if group else None,
            "families": families,
            "anonymous": anonymous,
            "deadline": deadline.isoformat(),
            "questions": [
                {"text": q.text, "kind": q.kind, "options": q.options} for q in questions
            ],
            "recipients": len(user_ids),
        },
    )
    notify(
        school=school,
        user_ids=user_ids,
        kind=NOTIFICATION_KIND,
        title=_("New poll: %(title)s (answers until %(date)s)")
        % {"title": poll.title, "date": deadline.strftime("%d.%m.%Y")},
        url=reverse("polls:detail", args=[poll.pk]),
    )
    return poll


def _answer_rows(
    poll: Poll, chosen: Mapping[int, Sequence[int]], texts: Mapping[int, str]
) -> list[tuple[int, int | None, str]]:
    """Validate an answer against the poll's questions; (question, option, text) rows."""
    questions = list(poll.questions.prefetch_related("options"))
    kinds = {q.pk: q.kind for q in questions}
    options_of = {q.pk: frozenset(o.pk for o in q.options.all()) for q in questions}
    problems = rules.answer_problems(kinds, options_of, chosen, texts)
    if problems:
        raise ValidationError({str(qid): msg for qid, msg in problems.items()})
    rows: list[tuple[int, int | None, str]] = []
    for q in questions:
        if q.kind in rules.CHOICE_KINDS:
            rows += [(q.pk, oid, "") for oid in chosen.get(q.pk, ())]
        elif texts.get(q.pk, "").strip():
            rows.append((q.pk, None, texts[q.pk].strip()))
    return rows


@transaction.atomic
def poll_answer(
    *,
    actor: User,
    poll: Poll,
    chosen: Mapping[int, Sequence[int]],
    texts: Mapping[int, str],
) -> None:
    """Take the actor's answer (the caller has checked they were asked). A named answer
    replaces the earlier one until the deadline; an anonymous poll takes one answer per
    person and keeps no link between it and them."""
    recipient = PollRecipient.objects.select_for_update().get(poll=poll, user=actor)
    if not poll.is_open:
        raise ValidationError(_("The poll is closed: the deadline has passed."))
    if poll.anonymous and recipient.answered:
        raise AlreadyAnswered(_("You have already answered this anonymous poll."))
    rows = _answer_rows(poll, chosen, texts)
    changed = recipient.answered
    old: list[tuple[int, int | None, str]] = []
    if poll.anonymous:
        response = PollResponse.objects.create(school_id=poll.school_id, poll=poll)
    else:
        response, _created = PollResponse.objects.update_or_create(
            poll=poll,
            user=actor,
            defaults={"school_id": poll.school_id, "updated_at": timezone.now()},
        )
        old = list(response.answers.values_list("question_id", "option_id", "text"))
        response.answers.all().delete()
    PollAnswer.objects.bulk_create(
        PollAnswer(school_id=poll.school_id, response=response, question_id=q, option_id=o, text=t)
        for q, o, t in rows
    )
    recipient.answered = True
    recipient.save(update_fields=["answered"])
    if poll.anonymous:
        # PostgreSQL stamps every row a transaction writes with its id (``xmin``): the new
        # response and this person's flag would carry the same one. Rewriting every flag of
        # the poll here gives all of them that id, so it points at nobody in particular.
        PollRecipient.objects.filter(poll=poll).update(answered=F("answered"))
    if not poll.anonymous:
        history_record(
            school=poll.school,
            actor=actor,
            code="polls.poll.answer_changed" if changed else "polls.poll.answered",
            object_type="poll",
            object_id=poll.pk,
            old=[list(r) for r in old] if changed else None,
            new=[list(r) for r in rows],
        )


@transaction.atomic
def poll_remind(*, actor: User, poll: Poll) -> int:
    """Remind those who have not answered yet (the caller has checked the actor wrote the
    poll); how many were reminded."""
    if not poll.is_open:
        raise ValidationError(_("The poll is closed: there is no one to remind."))
    ids = list(
        PollRecipient.objects.filter(poll=poll, answered=False).values_list("user_id", flat=True)
    )
    if not ids:
        return 0
    poll.reminded_at = timezone.now()
    poll.save(update_fields=["reminded_at"])
    history_record(
        school=poll.school,
        actor=actor,
        code="polls.poll.reminded",
        object_type="poll",
        object_id=poll.pk,
        new={"reminded": len(ids)},
    )
    notify(
        school=poll.school_id,
        user_ids=ids,
        kind=NOTIFICATION_KIND,
        title=_("Reminder: please answer the poll “%(title)s” by %(date)s")
        % {"title": poll.title, "date": poll.deadline.strftime("%d.%m.%Y")},
        url=reverse("polls:detail", args=[poll.pk]),
    )
    return len(ids)
