"""What each role's home page shows — composed from the lower apps' selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kajet.accounts.models import User
from kajet.accounts.services import last_successful_sign_in
from kajet.school.access import roles_of
from kajet.school.family import family_students
from kajet.school.models import Course, SchoolClass


def home_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    context: dict[str, Any] = {
        "roles": sorted(roles_of(user)),
        "last_sign_in": last_successful_sign_in(user),
    }
    if user.kind in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        students, selected = family_students(request)
        context["children"] = students
        context["selected"] = selected
        if selected is not None:
            context["homeroom_teacher"] = (
                SchoolClass.objects.select_related("homeroom_teacher")
                .get(pk=selected.school_class_id)
                .homeroom_teacher
            )
    elif user.kind == User.Kind.STAFF:
        context["homeroom_classes"] = list(
            SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True)
        )
        context["courses"] = list(
            Course.objects.filter(teacher=user, year__is_current=True).select_related(
                "subject", "school_class", "group"
            )
        )
    return context
