from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.core.models import HistoryEntry
from kajet.notifications.models import Notification
from kajet.remarks.models import Remark, RemarkAcknowledgement, RemarkCategory
from kajet.remarks.tests.conftest import make_remark
from kajet.testutils.factories import StudentFactory, guardian_for

pytestmark = pytest.mark.django_db

LIST = reverse("remarks:list")
ADD = reverse("remarks:add")


# --- the list and one remark -------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        "guardian",
        "student",
        "teacher",
        "homeroom_teacher",
        "principal",
        "pedagogue",
        "psychologist",
    ],
)
def test_list_shows_the_remark_to_right_roles(
    world: Any, client_for: Any, remark: Remark, role: str
) -> None:
    response = client_for(world.user(role)).get(LIST)
    assert response.status_code == 200
    assert "Rozmawiała na lekcji." in response.content.decode()


@pytest.mark.parametrize("role", ["secretariat", "school_admin"])
def test_list_refused_to_office_roles(world: Any, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(LIST).status_code == 404


def test_other_school_sees_nothing_and_gets_404(
    world: Any, other_world: Any, client_for: Any, remark: Remark
) -> None:
    for role in ("guardian", "student", "teacher", "principal", "pedagogue"):
        client = client_for(other_world.user(role))
        page = client.get(LIST)
        assert page.status_code == 200
        assert "Rozmawiała" not in page.content.decode()
        assert client.get(reverse("remarks:detail", args=[remark.pk])).status_code == 404
    guardian = client_for(other_world.user("guardian"))
    url = reverse("remarks:acknowledge", args=[remark.pk])
    assert guardian.post(url).status_code == 404
    assert (
        client_for(other_world.user("teacher"))
        .post(reverse("remarks:remove", args=[remark.pk]), {"reason": "x"})
        .status_code
        == 404
    )


def test_student_does_not_see_a_family_only_remark(
    world: Any, client_for: Any, category: RemarkCategory
) -> None:
    hidden = make_remark(world, category, text="Tylko dla rodziców.", visible_to_student=False)
    student = client_for(world.user("student"))
    assert "Tylko dla rodziców." not in student.get(LIST).content.decode()
    assert student.get(reverse("remarks:detail", args=[hidden.pk])).status_code == 404
    assert "Tylko dla rodziców." in client_for(world.user("guardian")).get(LIST).content.decode()


def test_a_teacher_sees_only_their_own_remarks_and_the_homeroom_class(
    world: Any, client_for: Any, category: RemarkCategory
) -> None:
    mine = make_remark(world, category, text="Moja uwaga.")
    others = make_remark(world, category, text="Cudza uwaga.", author=world.user("principal"))
    teacher = client_for(world.user("teacher"))
    page = teacher.get(LIST).content.decode()
    assert "Moja uwaga." in page and "Cudza uwaga." not in page
    assert teacher.get(reverse("remarks:detail", args=[others.pk])).status_code == 404
    homeroom = client_for(world.user("homeroom_teacher")).get(LIST).content.decode()
    assert "Moja uwaga." in homeroom and "Cudza uwaga." in homeroom
    assert mine.pk


# --- writing -----------------------------------------------------------------------------


def _post_data(world: Any, category: RemarkCategory, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "students": [world.student.pk],
        "category": category.pk,
        "kind": "",
        "text": "Przeszkadzał w lekcji.",
        "date": timezone.localdate().isoformat(),
        "visible_to_student": "on",
    }
    data.update(kw)
    return data


def test_teacher_writes_a_remark_for_several_students_and_families_are_told(
    world: Any, client_for: Any, category: RemarkCategory, django_capture_on_commit_callbacks: Any
) -> None:
    second = StudentFactory(school=world.school, school_class=world.school_class, class_number=2)
    second_guardian = guardian_for(second)
    client = client_for(world.user("teacher"))
    url = f"{ADD}?klasa={world.school_class.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert world.student.user.last_name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, _post_data(world, category, students=[world.student.pk, second.pk])
        )
    assert response.status_code == 302
    remarks = list(Remark.objects.order_by("pk"))
    assert [r.student_id for r in remarks] == [world.student.pk, second.pk]
    assert all(r.kind == "negative" and r.points == -5 for r in remarks)  # from the category
    assert HistoryEntry.objects.filter(code="remarks.remark.created").count() == 2
    told = set(Notification.objects.filter(kind="remark").values_list("user_id", flat=True))
    assert told == {
        world.user("guardian").pk,
        world.student.user_id,
        second_guardian.pk,
        second.user_id,
    }


def test_a_family_only_remark_does_not_notify_the_student(
    world: Any, client_for: Any, category: RemarkCategory, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.user("teacher"))
    data = _post_data(world, category)
    del data["visible_to_student"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{ADD}?klasa={world.school_class.pk}", data)
    told = set(Notification.objects.filter(kind="remark").values_list("user_id", flat=True))
    assert told == {world.user("guardian").pk}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "  "}, "This field is required."),
        ({"students": []}, "This field is required."),
        ({"date": "2099-01-01"}, "A remark cannot be dated in the future."),
        ({"kind": "bad"}, "Select a valid choice."),
    ],
)
def test_bad_input_changes_nothing(
    world: Any, client_for: Any, category: RemarkCategory, change: dict[str, Any], message: str
) -> None:
    client = client_for(world.user("teacher"))
    response = client.post(
        f"{ADD}?klasa={world.school_class.pk}", _post_data(world, category, **change)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Remark.objects.exists()
    assert not Notification.objects.exists()


def test_teacher_cannot_write_about_a_class_they_do_not_teach(
    world: Any, client_for: Any, category: RemarkCategory
) -> None:
    client = client_for(world.user("teacher"))
    assert client.get(f"{ADD}?klasa={world.other_class.pk}").status_code == 404
    # a student of another class smuggled into the form is refused by the form
    response = client.post(
        f"{ADD}?klasa={world.school_class.pk}",
        _post_data(world, category, students=[world.other_student.pk]),
    )
    assert response.status_code == 200
    assert not Remark.objects.exists()


@pytest.mark.parametrize("role", ["guardian", "student", "secretariat", "school_admin"])
def test_add_refused_to_wrong_roles(world: Any, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(ADD).status_code == 404


def test_other_school_teacher_cannot_open_this_schools_class(
    world: Any, other_world: Any, client_for: Any
) -> None:
    client = client_for(other_world.user("teacher"))
    assert client.get(f"{ADD}?klasa={world.school_class.pk}").status_code == 404


def test_first_remark_form_gives_the_school_the_default_categories(
    world: Any, client_for: Any
) -> None:
    client_for(world.user("teacher")).get(f"{ADD}?klasa={world.school_class.pk}")
    assert RemarkCategory.objects.count() >= 5


# --- correcting, removing, acknowledging ------------------------------------------------------


def test_author_corrects_with_history(world: Any, client_for: Any, remark: Remark) -> None:
    client = client_for(world.user("teacher"))
    url = reverse("remarks:edit", args=[remark.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "category": remark.category_id,
            "kind": "neutral",
            "text": "Poprawiona treść.",
            "date": remark.date.isoformat(),
        },
    )
    assert response.status_code == 302
    remark.refresh_from_db()
    assert (remark.text, remark.kind, remark.visible_to_student, remark.version) == (
        "Poprawiona treść.",
        "neutral",
        False,
        2,
    )
    entry = HistoryEntry.objects.get(code="remarks.remark.corrected")
    assert entry.old["text"] == "Rozmawiała na lekcji."
    detail = client.get(reverse("remarks:detail", args=[remark.pk])).content.decode()
    assert "Rozmawiała na lekcji." in detail  # the history shows the text before


@pytest.mark.parametrize("role", ["homeroom_teacher", "principal", "guardian"])
def test_only_the_author_corrects(world: Any, client_for: Any, remark: Remark, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(reverse("remarks:edit", args=[remark.pk])).status_code == 404


def test_remove_is_soft_with_a_reason(world: Any, client_for: Any, remark: Remark) -> None:
    client = client_for(world.user("teacher"))
    url = reverse("remarks:remove", args=[remark.pk])
    client.post(url, {"reason": ""})
    remark.refresh_from_db()
    assert remark.deleted_at is None
    client.post(url, {"reason": "Pomyłka — inny uczeń."})
    remark.refresh_from_db()
    assert remark.deleted_at is not None
    assert HistoryEntry.objects.get(code="remarks.remark.removed").new == {
        "reason": "Pomyłka — inny uczeń."
    }
    assert "Rozmawiała" not in client_for(world.user("guardian")).get(LIST).content.decode()


def test_guardian_acknowledges_and_the_school_sees_who_and_when(
    world: Any, client_for: Any, remark: Remark
) -> None:
    guardian = client_for(world.user("guardian"))
    assert "I have read it" in guardian.get(LIST).content.decode()
    url = reverse("remarks:acknowledge", args=[remark.pk])
    assert guardian.post(url).status_code == 302
    assert guardian.post(url).status_code == 302  # twice: still one
    assert RemarkAcknowledgement.objects.filter(remark=remark).count() == 1
    assert "Read on" in guardian.get(LIST).content.decode()
    staff = client_for(world.user("teacher")).get(reverse("remarks:detail", args=[remark.pk]))
    assert world.user("guardian").full_name in staff.content.decode()


@pytest.mark.parametrize("role", ["student", "teacher", "principal"])
def test_only_guardians_acknowledge(world: Any, client_for: Any, remark: Remark, role: str) -> None:
    url = reverse("remarks:acknowledge", args=[remark.pk])
    assert client_for(world.user(role)).post(url).status_code == 404


# --- class summary ---------------------------------------------------------------------------


def test_homeroom_teacher_sees_points_per_student(
    world: Any, client_for: Any, category: RemarkCategory
) -> None:
    praise = RemarkCategory.objects.create(
        school=world.school, name="Pochwała", kind="positive", points=10
    )
    make_remark(world, category)
    make_remark(world, praise)
    make_remark(world, praise, deleted_at=timezone.now())  # removed: not counted
    url = reverse("remarks:class_summary", args=[world.school_class.pk])
    page = client_for(world.user("homeroom_teacher")).get(url)
    assert page.status_code == 200
    assert "+5" in page.content.decode()
    behaviour = reverse("grades:behaviour", args=[world.school_class.pk])
    assert behaviour in page.content.decode()
    pedagogue = client_for(world.user("pedagogue")).get(url)
    assert pedagogue.status_code == 200
    assert behaviour not in pedagogue.content.decode()
    for role in ("teacher", "guardian", "student", "secretariat"):
        assert client_for(world.user(role)).get(url).status_code == 404


def test_homeroom_summary_of_another_class_or_school_is_404(
    world: Any, other_world: Any, client_for: Any
) -> None:
    client = client_for(world.user("homeroom_teacher"))
    assert (
        client.get(reverse("remarks:class_summary", args=[world.other_class.pk])).status_code == 404
    )
    other = reverse("remarks:class_summary", args=[world.school_class.pk])
    assert client_for(other_world.user("homeroom_teacher")).get(other).status_code == 404
    assert client_for(other_world.user("principal")).get(other).status_code == 404


# --- categories -----------------------------------------------------------------------------


def test_admin_manages_categories(world: Any, client_for: Any) -> None:
    client = client_for(world.user("school_admin"))
    url = reverse("remarks:categories")
    assert client.get(url).status_code == 200
    client.post(reverse("remarks:categories_defaults"))
    assert RemarkCategory.objects.count() >= 5
    response = client.post(
        url,
        {"name": "Brak stroju", "kind": "negative", "points": -3, "order": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        url, {"name": "Wycieczka", "kind": "neutral", "points": 0, "order": 5, "is_active": "on"}
    )
    assert response.status_code == 302
    category = RemarkCategory.objects.get(name="Wycieczka")
    edit = reverse("remarks:category_edit", args=[category.pk])
    client.post(edit, {"name": "Wycieczka", "kind": "positive", "points": 2, "order": 1})
    category.refresh_from_db()
    assert (category.kind, category.points, category.is_active) == ("positive", 2, False)
    assert HistoryEntry.objects.filter(code="remarks.category.saved").count() == 3
    assert HistoryEntry.objects.filter(code="remarks.category.defaults").count() == 1


def test_duplicate_category_name_is_refused(
    world: Any, client_for: Any, category: RemarkCategory
) -> None:
    client = client_for(world.user("school_admin"))
    response = client.post(
        reverse("remarks:categories"),
        {"name": "zachowanie na lekcji", "kind": "negative", "points": 0, "order": 0},
    )
    assert "already has a category" in response.content.decode()
    assert RemarkCategory.objects.count() == 1


@pytest.mark.parametrize("role", ["teacher", "principal", "guardian", "secretariat"])
def test_categories_refused_to_other_roles(
    world: Any, client_for: Any, role: str, category: RemarkCategory
) -> None:
    client = client_for(world.user(role))
    assert client.get(reverse("remarks:categories")).status_code == 404
    assert client.get(reverse("remarks:category_edit", args=[category.pk])).status_code == 404


def test_other_school_admin_gets_404_for_a_category(
    world: Any, other_world: Any, client_for: Any, category: RemarkCategory
) -> None:
    client = client_for(other_world.user("school_admin"))
    assert client.get(reverse("remarks:category_edit", args=[category.pk])).status_code == 404


# --- query counts ---------------------------------------------------------------------------


def _queries_for(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["guardian", "homeroom_teacher"])
def test_list_queries_do_not_grow(
    world: Any, client_for: Any, category: RemarkCategory, role: str
) -> None:
    client = client_for(world.user(role))
    guardian = world.user("guardian")
    for i in range(10):
        r = make_remark(world, category, date=timezone.localdate() - datetime.timedelta(days=i))
        RemarkAcknowledgement.objects.create(school=world.school, remark=r, user=guardian)
    client.get(LIST)
    small = _queries_for(client, LIST)
    for i in range(90):
        make_remark(world, category, date=timezone.localdate() - datetime.timedelta(days=i))
    large = _queries_for(client, LIST)
    assert small == large
    summary = reverse("remarks:class_summary", args=[world.school_class.pk])
    if role == "homeroom_teacher":
        a = _queries_for(client, summary)
        for _i in range(20):
            make_remark(
                world,
                category,
                student=StudentFactory(school=world.school, school_class=world.school_class),
            )
        assert _queries_for(client, summary) == a


def test_nothing_leaks_across_schools_in_the_database(
    world: Any, other_world: Any, remark: Remark
) -> None:
    with scopes_disabled():
        assert Remark.objects.filter(school=other_world.school).count() == 0
