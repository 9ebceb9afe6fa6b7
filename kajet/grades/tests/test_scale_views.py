"""Scales for current marks: the administrator's page, entry on the course's scale (sheet
and API), what families and the API show, and the averages that skip marks without value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from kajet.core.models import HistoryEntry
from kajet.grades.models import Grade, GradeCategory, GradeColumn, MarkScale, MarkScaleAssignment
from kajet.grades.tests.helpers import category
from kajet.testutils.factories import SchoolWorld

EARLY_SYMBOLS = (
    "W = wspaniale = 6\nB = bardzo dobrze = 5\nD = dobrze = 4\n"
    "P = poprawnie = 3\nS = słabo = 2\nN = nie opanował(a) = 1"
)


def _scale(world: SchoolWorld, **kw: Any) -> MarkScale:
    kw.setdefault("name", "Klasy 1–3")
    kw.setdefault("kind", MarkScale.Kind.SYMBOLS)
    kw.setdefault(
        "symbols",
        [
            {"symbol": "W", "meaning": "wspaniale", "value": "6"},
            {"symbol": "B", "meaning": "bardzo dobrze", "value": "5"},
            {"symbol": "P", "meaning": "poprawnie", "value": None},
        ],
    )
    return MarkScale.objects.create(school=world.school, **kw)


def _assign(world: SchoolWorld, scale: MarkScale) -> None:
    MarkScaleAssignment.objects.create(
        school=world.school, scale=scale, level=world.school_class.level, subject=world.subject
    )


def _entry(world: SchoolWorld, client_for: Any, text: str) -> Any:
    cat = GradeCategory.objects.filter(school=world.school).first() or category(world.school)
    url = reverse("grades:column_new", args=[world.course.pk, world.term.pk])
    return client_for(world.user("teacher")).post(
        url, {"category": cat.pk, "date": "2026-10-05", f"mark-{world.student.pk}": text}
    )


def test_scales_page_three_ways(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any
) -> None:
    scale = _scale(world)
    url = reverse("grades:scales")
    response = client_for(world.user("school_admin")).get(url)
    assert response.status_code == 200 and "Klasy 1–3" in response.content.decode()
    for role in ("teacher", "principal", "guardian", "secretariat"):
        assert client_for(world.user(role)).get(url).status_code == 404
    other_admin = client_for(other_world.user("school_admin"))
    assert "Klasy 1–3" not in other_admin.get(url).content.decode()
    assert other_admin.get(reverse("grades:scale_edit", args=[scale.pk])).status_code == 404


def test_admin_creates_a_scale_and_assigns_it(world: SchoolWorld, client_for: Any) -> None:
    client = client_for(world.user("school_admin"))
    response = client.post(
        reverse("grades:scale_new"),
        {"name": "Wczesnoszkolna", "kind": "symbols", "symbols": EARLY_SYMBOLS},
    )
    assert response.status_code == 302
    scale = MarkScale.objects.get()
    assert scale.symbols[0] == {"symbol": "W", "meaning": "wspaniale", "value": "6"}
    assert HistoryEntry.objects.filter(code="grades.scale.created", object_id=scale.pk).exists()
    response = client.post(
        reverse("grades:scale_assign"), {"scale": scale.pk, "level": "1", "subject": ""}
    )
    assert response.status_code == 302
    assignment = MarkScaleAssignment.objects.get()
    assert (assignment.level, assignment.subject_id) == (1, None)
    assert HistoryEntry.objects.filter(code="grades.scale.assigned").exists()
    # neither a level nor a subject: refused, nothing saved
    bad = client.post(reverse("grades:scale_assign"), {"scale": scale.pk})
    assert bad.status_code == 400 and MarkScaleAssignment.objects.count() == 1
    client.post(reverse("grades:scale_unassign", args=[assignment.pk]))
    assert not MarkScaleAssignment.objects.exists()
    assert HistoryEntry.objects.filter(code="grades.scale.unassigned").exists()


def test_bad_scales_are_refused_in_polish_and_nothing_is_saved(
    world: SchoolWorld, client_for: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "pl"
    client = client_for(world.user("school_admin"))
    url = reverse("grades:scale_new")
    cases = [
        ({"name": "Pusta", "kind": "symbols", "symbols": ""}, "co najmniej jednego symbolu"),
        (
            {"name": "Podwójna", "kind": "symbols", "symbols": "W = wspaniale\nw = wow"},
            "powtarza się",
        ),
        (
            {"name": "Punkty", "kind": "points", "thresholds": "50 = 3\n40 = 4"},
            "Progi muszą rosnąć",
        ),
        ({"name": "Zła linia", "kind": "symbols", "symbols": "W"}, "Wiersz 1"),
    ]
    for data, message in cases:
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="pl")
        assert response.status_code == 400
        assert message in response.content.decode(), message
    assert not MarkScale.objects.exists()


def test_changing_a_scale_keeps_history_and_revalues_this_years_marks(
    world: SchoolWorld, client_for: Any
) -> None:
    scale = _scale(world)
    _assign(world, scale)
    assert _entry(world, client_for, "b").status_code == 302
    grade = Grade.objects.get()
    assert (grade.text, grade.value) == ("B", Decimal(5))
    client = client_for(world.user("school_admin"))
    response = client.post(
        reverse("grades:scale_edit", args=[scale.pk]),
        {"name": "Klasy 1–3", "kind": "symbols", "symbols": "W = wspaniale = 6\nB = bardzo"},
    )
    assert response.status_code == 302
    grade.refresh_from_db()
    assert grade.value is None  # B has no value any more: it leaves the averages
    entry = HistoryEntry.objects.get(code="grades.scale.changed")
    assert entry.old["symbols"][1]["value"] == "5" and entry.new["marks_recomputed"] == 1
    # the kind cannot change once marks use the scale
    bad = client.post(
        reverse("grades:scale_edit", args=[scale.pk]), {"name": "Klasy 1–3", "kind": "text"}
    )
    assert bad.status_code == 400
    scale.refresh_from_db()
    assert scale.kind == "symbols"


def test_entry_on_a_symbols_scale(world: SchoolWorld, client_for: Any) -> None:
    scale = _scale(world)
    _assign(world, scale)
    form = client_for(world.user("teacher")).get(
        reverse("grades:column_new", args=[world.course.pk, world.term.pk])
    )
    assert "wspaniale" in form.content.decode()
    bad = _entry(world, client_for, "5")
    assert bad.status_code == 400
    assert "use W, B, P" in bad.content.decode()
    assert not GradeColumn.objects.exists() and not Grade.objects.exists()
    assert _entry(world, client_for, "w").status_code == 302
    grade = Grade.objects.get()
    assert (grade.text, grade.value, grade.column.scale_id) == ("W", Decimal(6), scale.pk)
    # editing checks the column's scale too
    client = client_for(world.user("teacher"))
    edit = reverse("grades:grade_edit", args=[grade.pk])
    refused = client.post(edit, {"text": "4", "comment": "", "version": grade.version})
    assert refused.status_code == 400 and "use W, B, P" in refused.content.decode()
    assert (
        client.post(edit, {"text": "p", "comment": "", "version": grade.version}).status_code == 302
    )
    grade.refresh_from_db()
    assert (grade.text, grade.value) == ("P", None)


def test_family_sees_meaning_and_averages_skip_marks_without_value(
    world: SchoolWorld, client_for: Any
) -> None:
    scale = _scale(world)
    _assign(world, scale)
    assert _entry(world, client_for, "P").status_code == 302  # no value
    assert _entry(world, client_for, "W").status_code == 302
    body = client_for(world.user("guardian")).get(reverse("grades:index")).content.decode()
    assert "poprawnie" in body and "wspaniale" in body
    assert "6,00" in body or "6.00" in body  # only W counts
    api = client_for(world.user("guardian")).get(
        reverse("api:grades-student", args=[world.student.pk])
    )
    marks = [m for s in api.json()["subjects"] for t in s["terms"] for m in t["marks"]]
    assert {(m["text"], m["meaning"], m["scale"], m["value"]) for m in marks} == {
        ("P", "poprawnie", "Klasy 1–3", None),
        ("W", "wspaniale", "Klasy 1–3", "6.00"),
    }


def test_points_and_text_scales(world: SchoolWorld, client_for: Any) -> None:
    points = _scale(
        world,
        name="Punkty",
        kind="points",
        symbols=[],
        thresholds=[{"percent": "50", "grade": 3}, {"percent": "90", "grade": 5}],
    )
    _assign(world, points)
    assert _entry(world, client_for, "19/20").status_code == 302
    grade = Grade.objects.get()
    assert (grade.text, grade.value, grade.meaning) == ("19/20", Decimal(5), "95%")
    MarkScaleAssignment.objects.all().delete()
    text = _scale(world, name="Komentarz", kind="text", symbols=[])
    _assign(world, text)
    assert _entry(world, client_for, "Pięknie czyta ze zrozumieniem.").status_code == 302
    comment = Grade.objects.get(column__scale=text)
    assert (comment.text, comment.value) == ("", None)
    assert comment.descriptive == "Pięknie czyta ze zrozumieniem."


def test_api_entry_uses_the_course_scale(world: SchoolWorld, client_for: Any) -> None:
    _assign(world, _scale(world))
    cat = category(world.school)
    client = client_for(world.user("teacher"))
    url = reverse("api:grades-columns", args=[world.course.pk, world.term.pk])
    body = {"category_id": cat.pk, "date": "2026-10-05"}
    bad = client.post(
        url,
        {**body, "marks": [{"student_id": world.student.pk, "text": "5"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "W, B, P" in bad.json()["cell_errors"][str(world.student.pk)]
    assert not Grade.objects.exists()
    good = client.post(
        url,
        {**body, "marks": [{"student_id": world.student.pk, "text": "B"}]},
        content_type="application/json",
    )
    assert good.status_code == 201
    sheet = client.get(reverse("api:grades-sheet", args=[world.course.pk, world.term.pk])).json()
    assert sheet["columns"][0]["scale"] == "Klasy 1–3"
    cell = sheet["rows"][0]["cells"][0]["mark"]
    assert (cell["text"], cell["meaning"]) == ("B", "bardzo dobrze")


def test_a_changed_meaning_shows_on_the_next_family_visit(
    world: SchoolWorld, client_for: Any
) -> None:
    """The family page is cached (page_cache): a scale's change is part of its stamp."""
    scale = _scale(world)
    _assign(world, scale)
    assert _entry(world, client_for, "W").status_code == 302
    guardian = client_for(world.user("guardian"))
    guardian.get(reverse("grades:index"))  # the visit moves "last seen": a new key
    assert "wspaniale" in guardian.get(reverse("grades:index")).content.decode()  # cached
    client_for(world.user("school_admin")).post(
        reverse("grades:scale_edit", args=[scale.pk]),
        {"name": "Klasy 1–3", "kind": "symbols", "symbols": "W = znakomicie = 6\nB = b\nP = p"},
    )
    body = guardian.get(reverse("grades:index")).content.decode()
    assert "znakomicie" in body and "wspaniale" not in body
