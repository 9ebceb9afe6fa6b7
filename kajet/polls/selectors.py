"""Page-shaped reads of polls, each with a fixed number of queries whatever the number of
recipients and answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q

from kajet.accounts.models import User
from kajet.polls import rules
from kajet.polls.access import polls_asked_of, polls_authored_by
from kajet.polls.models import Poll, PollAnswer, PollQuestion, PollRecipient, PollResponse

#: How many written answers a results page lists per question (the newest are not known for
#: anonymous polls: the list is in no particular order).
TEXT_ANSWERS_SHOWN = 200


@dataclass
class PollLists:
    asked: Sequence[Poll]
    authored: Sequence[Poll]


def poll_list_for_user(*, user: User) -> PollLists:
    """The polls the user was asked (each with ``my_answered``) and those they wrote (each
    with ``n_recipients`` and ``n_answered``): two queries."""
    asked = list(
        polls_asked_of(user)
        .annotate(
            my_answered=Count(
                "recipients", filter=Q(recipients__user=user, recipients__answered=True)
            )
        )
        .select_related("author")
        .order_by("-deadline", "-pk")
    )
    authored = list(
        polls_authored_by(user)
        .annotate(
            n_recipients=Count("recipients"),
            n_answered=Count("recipients", filter=Q(recipients__answered=True)),
        )
        .order_by("-created_at", "-pk")
    )
    return PollLists(asked=asked, authored=authored)


@dataclass
class OptionResult:
    id: int
    text: str
    count: int
    percent: int


@dataclass
class QuestionResult:
    question: PollQuestion
    options: list[OptionResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    text_count: int = 0


@dataclass
class PollResults:
    poll: Poll
    n_recipients: int
    n_answered: int
    questions: list[QuestionResult]
    not_answered: list[User]  # named polls only

    @property
    def answered_percent(self) -> int:
        return rules.percent(self.n_answered, self.n_recipients)


def poll_results(*, poll: Poll) -> PollResults:
    """Counts and percentages per option (of those who answered), the written answers and,
    for a named poll, who has not answered yet. Five queries, however many answers."""
    counts = PollRecipient.objects.filter(poll=poll).aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    questions = list(poll.questions.prefetch_related("options"))  # 2 queries
    per_option = dict(
        PollAnswer.objects.filter(question__poll=poll, option__isnull=False)
        .values_list("option")
        .annotate(n=Count("pk"))
        .values_list("option", "n")
    )
    texts = PollAnswer.objects.filter(question__poll=poll, option__isnull=True).exclude(text="")
    text_rows: dict[int, list[str]] = {}
    text_counts: dict[int, int] = {}
    for qid, text in texts.values_list("question_id", "text").order_by("question_id"):
        text_counts[qid] = text_counts.get(qid, 0) + 1
        if text_counts[qid] <= TEXT_ANSWERS_SHOWN:
            text_rows.setdefault(qid, []).append(text)
    answered = counts["answered"]
    results = []
    for q in questions:
        item = QuestionResult(question=q)
        for option in q.options.all():
            n = per_option.get(option.pk, 0)
            item.options.append(OptionResult(option.pk, option.text, n, rules.percent(n, answered)))
        item.texts = text_rows.get(q.pk, [])
        item.text_count = text_counts.get(q.pk, 0)
        results.append(item)
    not_answered: list[User] = []
    if not poll.anonymous:
        not_answered = [
            r.user
            for r in PollRecipient.objects.filter(poll=poll, answered=False)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "pk")
        ]
    return PollResults(
        poll=poll,
        n_recipients=counts["total"],
        n_answered=answered,
        questions=results,
        not_answered=not_answered,
    )


@dataclass
class PollForRecipient:
    poll: Poll
    questions: list[PollQuestion]
    answered: bool
    #: The user's answer of a named poll: question id → chosen option ids / text.
    chosen: dict[int, list[int]]
    texts: dict[int, str]


def poll_for_recipient(*, poll: Poll, user: User) -> PollForRecipient:
    """The poll's questions with the user's own answer (named polls; an anonymous answer
    cannot be found again). Four queries."""
    questions = list(poll.questions.prefetch_related("options"))
    answered = PollRecipient.objects.filter(poll=poll, user=user, answered=True).exists()
    chosen: dict[int, list[int]] = {}
    texts: dict[int, str] = {}
    if answered and not poll.anonymous:
        rows = PollAnswer.objects.filter(
            response__in=PollResponse.objects.filter(poll=poll, user=user)
        ).values_list("question_id", "option_id", "text")
        for qid, oid, text in rows:
            if oid is not None:
                chosen.setdefault(qid, []).append(oid)
            else:
                texts[qid] = text
    return PollForRecipient(
        poll=poll, questions=questions, answered=answered, chosen=chosen, texts=texts
    )


def polls_asked_with_questions(*, user: User) -> list[Poll]:
    """The polls the user was asked, each with ``my_answered``, its author and its questions
    with their options (for the API): three queries."""
    return list(
        polls_asked_of(user)
        .annotate(
            my_answered=Count(
                "recipients", filter=Q(recipients__user=user, recipients__answered=True)
            )
        )
        .select_related("author")
        .prefetch_related("questions__options")
        .order_by("-deadline", "-pk")
    )
