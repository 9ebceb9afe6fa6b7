"""Just-issued logins: shown once, printed as slips (one page per family), then forgotten.
Also the guardian's own "new password for my child" page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.school import services
from kajet.school.access import access_child_for_reset, children_of, require, roles_of
from kajet.school.slips import slips_clear, slips_load


@login_required
@never_cache
def issued(request: AuthedRequest) -> HttpResponse:
    """The logins and passwords just issued, once, with a button to print the slips."""
    user = request.user
    require(user, "login_slips.print")
    return render(request, "school/issued.html", {"slips": slips_load(request)})


@login_required
@never_cache
def slips_print(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "login_slips.print")
    return render(
        request,
        "school/slips_print.html",
        {
            "slips": slips_load(request),
            "school": user.school,
            "signin_url": request.build_absolute_uri(reverse("accounts:login")),
        },
    )


@login_required
@require_POST
def slips_forget(request: AuthedRequest) -> HttpResponse:
    """Forget the just-issued passwords (the slip page calls this when left or printed)."""
    user = request.user
    require(user, "login_slips.print")
    if request.POST.get("beacon"):
        response = HttpResponse(status=204)
    else:
        messages.info(request, _("The passwords have been removed from this browser."))
        response = redirect("school:hub")
    slips_clear(request, response)
    return response


@login_required
def children(request: AuthedRequest) -> HttpResponse:
    """A guardian's children, each with "issue a new password"."""
    user = request.user
    if "guardian" not in roles_of(user):
        raise Http404
    return render(request, "school/children.html", {"children": children_of(user)})


@login_required
@never_cache
def child_password_reset(request: AuthedRequest, student_id: int) -> HttpResponse:
    """A guardian issues a new password for their own child; it is shown once, here."""
    user = request.user
    child = access_child_for_reset(user, student_id)
    if request.method == "POST":
        child.user.school = child.school
        issued_login = services.login_password_reset(actor=user, user=child.user)
        return render(
            request,
            "school/child_password.html",
            {
                "child": child,
                "issued": issued_login,
                "signin_url": request.build_absolute_uri(reverse("accounts:login")),
            },
        )
    return render(request, "school/child_password.html", {"child": child})
