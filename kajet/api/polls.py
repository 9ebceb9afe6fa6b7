"""Polls (ankiety) over the API: the polls I was asked (and those I wrote), answering one,
and its results for the author. Same access helpers, selectors and services as the pages
(kajet.polls)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kajet.accounts.models import User
from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdField, IdListField
from kajet.api.serializers import ErrorOutput
from kajet.polls import access, rules, selectors, services
from kajet.polls.models import QuestionKind

# --- Serializers (input and output apart) ----------------------------------------------------


class PollPersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class PollOptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class PollQuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    options = PollOptionOutput(many=True, source="options.all")


class AskedPollOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    author = PollPersonOutput()
    deadline = serializers.DateField(help_text="Answers are taken up to and including this day.")
    anonymous = serializers.BooleanField(
        help_text="An anonymous answer is stored with no link to you and cannot be changed."
    )
    is_open = serializers.BooleanField()
    answered = serializers.BooleanField(source="my_answered")
    questions = PollQuestionOutput(many=True, source="questions.all")


class AuthoredPollOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    deadline = serializers.DateField()
    anonymous = serializers.BooleanField()
    is_open = serializers.BooleanField()
    recipients = serializers.IntegerField(source="n_recipients")
    answered = serializers.IntegerField(source="n_answered")


class PollListOutput(serializers.Serializer):
    asked = AskedPollOutput(many=True, help_text="Polls you were asked.")
    authored = AuthoredPollOutput(many=True, help_text="Polls you published (staff).")


class PollAnswerItemInput(serializers.Serializer):
    question_id = IdField()
    option_ids = IdListField(required=False, default=list)
    text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=rules.MAX_TEXT_ANSWER
    )


class PollAnswerInput(serializers.Serializer):
    answers = PollAnswerItemInput(many=True)


class PollAnsweredOutput(serializers.Serializer):
    poll_id = IdField()
    answered = serializers.BooleanField()


class OptionResultOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Of those who answered (whole percent).")


class QuestionResultOutput(serializers.Serializer):
    id = serializers.IntegerField(source="question.pk")
    text = serializers.CharField(source="question.text")
    kind = serializers.ChoiceField(choices=QuestionKind.choices, source="question.kind")
    options = OptionResultOutput(many=True)
    texts = serializers.ListField(
        child=serializers.CharField(), help_text="Written answers (at most 200)."
    )
    text_count = serializers.IntegerField()


class PollResultsOutput(serializers.Serializer):
    poll_id = IdField(source="poll.pk")
    title = serializers.CharField(source="poll.title")
    anonymous = serializers.BooleanField(source="poll.anonymous")
    recipients = serializers.IntegerField(source="n_recipients")
    answered = serializers.IntegerField(source="n_answered")
    questions = QuestionResultOutput(many=True)
    not_answered = PollPersonOutput(
        many=True, help_text="Who has not answered yet (named polls; empty for anonymous ones)."
    )


# --- Views -------------------------------------------------------------------------------------


class PollsView(ScopedAPIView):
    @extend_schema(
        responses={200: PollListOutput, 404: ErrorOutput},
        summary="The polls you were asked (with their questions) and those you published",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "poll.view")
        payload = {
            "asked": selectors.polls_asked_with_questions(user=user),
            "authored": selectors.poll_list_for_user(user=user).authored,
        }
        return Response(PollListOutput(payload).data)


class PollAnswerView(ScopedAPIView):
    """Answering takes no ``Idempotency-Key``: its record would keep the user with a hash of
    the request body, and a hash of a few choices is easily reversed — for an anonymous poll
    that would link the answer to its author. Answering needs no key anyway: a repeated named
    answer replaces itself, a repeated anonymous one is refused as already answered."""

    def _begin_write(self, request: Request, user: User) -> None:
        return None

    @extend_schema(
        request=PollAnswerInput,
        responses={200: PollAnsweredOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="Answer a poll you were asked (a named answer replaces the earlier one until "
        "the deadline; an anonymous answer is final)",
    )
    def post(self, request: AuthedAPIRequest, poll_id: int) -> Response:
        user = request.user
        poll = access.access_poll_to_answer(user, poll_id)
        data = PollAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        items: list[dict[str, Any]] = data.validated_data["answers"]
        chosen = {i["question_id"]: list(i["option_ids"]) for i in items if i["option_ids"]}
        texts = {i["question_id"]: i["text"] for i in items if i["text"]}
        try:
            services.poll_answer(actor=user, poll=poll, chosen=chosen, texts=texts)
        except ValidationError as error:
            return Response(
                {"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(PollAnsweredOutput({"poll_id": poll.pk, "answered": True}).data)


class PollResultsView(ScopedAPIView):
    @extend_schema(
        responses={200: PollResultsOutput, 404: ErrorOutput},
        summary="The results of a poll you published: counts, percentages, written answers "
        "and (named polls) who has not answered",
    )
    def get(self, request: AuthedAPIRequest, poll_id: int) -> Response:
        poll = access.access_poll_results(request.user, poll_id)
        return Response(PollResultsOutput(selectors.poll_results(poll=poll)).data)
