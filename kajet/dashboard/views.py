from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.dashboard.selectors import home_context
from kajet.feeds.services import feed_token_of, feed_token_regenerate, feed_token_revoke
from kajet.school.family import select_child

#: The new feed token waits here between the POST that makes it and the page that shows it
#: once (post/redirect/get); the page removes it.
NEW_FEED_TOKEN_KEY = "kajet_new_feed_token"


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    context = home_context(request)
    if "unread_messages" in context:
        # Counted by the board's stamp; the navigation's badge need not count again.
        request.nav_badges = {"messages": context["unread_messages"]}
    return render(request, "dashboard/home.html", context)


@login_required
@require_POST
def switch_child(request: AuthedRequest, student_id: int) -> HttpResponse:
    if select_child(request, student_id) is None:
        raise Http404
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "dashboard:home"
    return redirect(target)


@login_required
def feed_settings(request: AuthedRequest) -> HttpResponse:
    """The calendar-feed page: whether a feed exists, and its URL right after it is made
    (only a hash is stored, so the URL cannot be shown again later)."""
    user = request.user
    token = request.session.pop(NEW_FEED_TOKEN_KEY, None)
    context = {
        "feed": feed_token_of(user),
        "feed_url": request.build_absolute_uri(reverse("dashboard:ical_feed", args=[token]))
        if token
        else None,
    }
    return render(request, "dashboard/feed_settings.html", context)


@login_required
@require_POST
def feed_regenerate(request: AuthedRequest) -> HttpResponse:
    user = request.user
    request.session[NEW_FEED_TOKEN_KEY] = feed_token_regenerate(actor=user)
    messages.success(request, _("A new feed address is ready; any previous one stopped working."))
    return redirect("dashboard:feed_settings")


@login_required
@require_POST
def feed_revoke(request: AuthedRequest) -> HttpResponse:
    if feed_token_revoke(actor=request.user):
        messages.success(request, _("The calendar feed is switched off."))
    return redirect("dashboard:feed_settings")
