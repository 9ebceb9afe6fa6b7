"""Polls pages (/ankiety/): the list (polls I was asked, polls I wrote), publishing a poll,
one poll (answering it, or what I answered), its results for the author and the reminder."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.polls import access, selectors, services
from kajet.polls.forms import PollAnswerForm, PollCreateForm


def _errors_to_form(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            elif f"q{name}" in form.fields:
                form.add_error(f"q{name}", errors)
            else:
                form.add_error(None, errors)
    else:
        form.add_error(None, error)


@login_required
def poll_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "poll.view")
    lists = selectors.poll_list_for_user(user=user)
    return render(
        request,
        "polls/list.html",
        {"lists": lists, "can_create": access.can(user, "poll.create")},
    )


@login_required
def poll_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "poll.create")
    form_kwargs: dict[str, Any] = {
        "audiences": access.audiences_for(user),
        "classes": access.classes_for_polls(user),
        "groups": access.groups_for_polls(user),
    }
    if request.method == "POST":
        form = PollCreateForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                poll = services.poll_create(
                    actor=user,
                    school=request.school,
                    title=data["title"],
                    description=data["description"],
                    audience=data["audience"],
                    school_class=data["school_class"],
                    group=data["group"],
                    families=data["families"],
                    anonymous=data["anonymous"],
                    deadline=data["deadline"],
                    questions=form.questions(),
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request, _("The poll is published; those asked have been notified.")
                )
                return redirect("polls:results", poll.pk)
    else:
        form = PollCreateForm(**form_kwargs)
    return render(request, "polls/create.html", {"form": form})


@login_required
def poll_detail(request: AuthedRequest, poll_id: int) -> HttpResponse:
    """The poll as its recipient sees it (GET) and their answer (POST)."""
    user = request.user
    poll = access.access_poll(user, poll_id)
    is_author = poll.author_id == user.pk
    mine = None
    form = None
    if not is_author or request.method == "POST":
        poll = access.access_poll_to_answer(user, poll_id)
        mine = selectors.poll_for_recipient(poll=poll, user=user)
        locked = not poll.is_open or (poll.anonymous and mine.answered)
        if request.method == "POST" and not locked:
            form = PollAnswerForm(request.POST, questions=mine.questions)
            if form.is_valid():
                try:
                    services.poll_answer(
                        actor=user, poll=poll, chosen=form.chosen(), texts=form.texts()
                    )
                except ValidationError as error:
                    _errors_to_form(form, error)
                else:
                    messages.success(request, _("Thank you, your answer is saved."))
                    return redirect("polls:detail", poll.pk)
        elif request.method == "POST":
            messages.error(
                request,
                _("The poll is closed.")
                if not poll.is_open
                else _("You have already answered this anonymous poll."),
            )
            return redirect("polls:detail", poll.pk)
        else:
            initial: dict[str, Any] = {f"q{qid}": ids for qid, ids in mine.chosen.items()}
            for qid, ids in mine.chosen.items():
                question = next(q for q in mine.questions if q.pk == qid)
                if question.kind == "single":
                    initial[f"q{qid}"] = ids[0]
            initial |= {f"q{qid}": text for qid, text in mine.texts.items()}
            form = PollAnswerForm(initial=initial, questions=mine.questions, disabled=locked)
    return render(
        request,
        "polls/detail.html",
        {"poll": poll, "is_author": is_author, "mine": mine, "form": form},
    )


@login_required
def poll_results(request: AuthedRequest, poll_id: int) -> HttpResponse:
    poll = access.access_poll_results(request.user, poll_id)
    return render(request, "polls/results.html", {"results": selectors.poll_results(poll=poll)})


@login_required
@require_POST
def poll_remind(request: AuthedRequest, poll_id: int) -> HttpResponse:
    poll = access.access_poll_results(request.user, poll_id)
    try:
        n = services.poll_remind(actor=request.user, poll=poll)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if n:
            messages.success(
                request,
                _("A reminder was sent to %(n)d person(s) who have not answered.") % {"n": n},
            )
        else:
            messages.info(request, _("Everyone has answered; nobody to remind."))
    return redirect("polls:results", poll.pk)
