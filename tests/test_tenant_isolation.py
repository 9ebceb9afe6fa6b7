"""Nothing of one school is reachable from another.

1. Every URL pattern of the project that takes an object id (walked recursively through every
   ``include``, the API under /api/v1/ too) is filled with the ids of real objects of school A
   and requested by each role of school B: GET and POST (pages) or GET/POST/PUT/PATCH/DELETE
   (API). Every answer must be 404 (405 only for a method the view does not take); a redirect to
   the sign-in, a 403 or a page is a failure. A positive control proves each URL is real: some
   user of school A gets something other than 404 from it.
2. Tenant models refuse queries outside a school scope (ScopeError).
3. No list page (every URL without arguments) shows a school-A user anything of school B.

A new URL whose id argument the walk cannot fill fails with "add a mapping for <name>", so new
pages cannot be skipped silently. Arguments are found in this order: ``ROUTE_VARIANTS`` (routes
whose arguments depend on each other), ``ROUTE_KWARGS`` (one route's kwarg), ``ID_KWARGS`` (a
kwarg name: the world's student, class, course …), ``VALUE_KWARGS`` (dates and other plain
values), then the model of the route's app whose name ends with the kwarg (``grade_id`` →
Grade, ``category_id`` → GradeCategory): the school's first row of it — from every app's demo
seeding hooks (``kajet.demo.hooks``) — or one made up by ``autocreate``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from kajet.accounts import services as account_services
from kajet.accounts.models import Role, User, UserSession
from kajet.core.models import TenantModel
from kajet.testutils.factories import SchoolWorld, make_world
from tests.urlwalk import Route, all_routes, close_response, plain_routes

#: B's roles that request A's objects (every role).
INTRUDER_ROLES = [str(r.value) for r in Role]
#: The order in which A's roles try to open a URL for the positive control.
OWNER_ROLES = [
    "secretariat",
    "school_admin",
    "principal",
    "teacher",
    "homeroom_teacher",
    "guardian",
    "student",
    "pedagogue",
    "psychologist",
]
#: Every user of school B gets this in their name, so a leak on a page is easy to find.
MARKER = "Zzbeta"
TODAY = datetime.date(2026, 11, 16)  # a Monday inside the worlds' school year 2026/2027
PAGE_METHODS = ("get", "post")
API_METHODS = ("get", "post", "put", "patch", "delete")


ALL_ROUTES = all_routes()
ID_ROUTES = [r for r in ALL_ROUTES if r.int_kwargs()]
PLAIN_ROUTES = plain_routes()


# --- two schools ------------------------------------------------------------------------------


@dataclass
class Side:
    """One school's world, its users' signed-in clients and API tokens."""

    world: SchoolWorld
    clients: dict[str, Client] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    device: UserSession | None = None
    hook_error: str = ""
    filled: dict[str, list[dict[str, Any]] | Exception] = field(default_factory=dict)

    def fill(self, route: Route) -> list[dict[str, Any]]:
        """The argument sets for ``route`` (found once, when the module's data was built)."""
        found = self.filled[route.label]
        if isinstance(found, Exception):
            raise found
        return found

    @property
    def school_id(self) -> int:
        return int(self.world.school.pk)

    def request(self, role: str, method: str, url: str, *, api: bool) -> Any:
        """``method`` on ``url`` as this school's ``role`` (the API with a bearer token)."""
        client = self.clients[role]
        if not api:
            return client.post(url, {}) if method == "post" else client.get(url)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[role]}"}
        if method == "get":
            return client.get(url, **auth)
        send = getattr(client, method)
        return send(url, data="{}", content_type="application/json", **auth)

    def status(self, role: str, method: str, url: str, *, api: bool) -> Any:
        """Like ``request``, with the response closed (file downloads hold a file open)."""
        response = self.request(role, method, url, api=api)
        close_response(response)
        return response


@dataclass
class Schools:
    a: Side
    b: Side


def _seeded(world: SchoolWorld) -> Any:
    from kajet.demo.seeding.school import SeededSchool

    staff = [u for u in world.users.values() if u.kind == User.Kind.STAFF]
    return SeededSchool(
        school=world.school,
        year=world.year,
        classes=[world.school_class, world.other_class],
        teachers=[world.user("teacher"), world.user("homeroom_teacher")],
        staff_by_login={u.login: u for u in staff},
        subjects={world.subject.name: world.subject},
        courses=[world.course],
    )


def _run_data_hooks(side: Side) -> None:
    """Every app's demo data for this school (messages, grades, …), so ids exist to walk."""
    from kajet.demo.hooks import run_data_hooks

    try:
        with transaction.atomic():
            run_data_hooks(_seeded(side.world), today=TODAY, scale="xs")
    except Exception as error:  # reported when an id cannot be found
        side.hook_error = f"{type(error).__name__}: {error}"


def _side(world: SchoolWorld) -> Side:
    side = Side(world)
    factory = RequestFactory()
    for role in INTRUDER_ROLES:
        user = world.user(role)
        client = Client(raise_request_exception=False)  # a crash is a 500, not an exception
        client.force_login(user, backend="kajet.accounts.backends.LoginBackend")
        side.clients[role] = client
        side.tokens[role] = account_services.api_token_create(
            request=factory.get("/", REMOTE_ADDR="127.0.0.1"), user=user
        )
    side.device = UserSession.objects.create(
        user=world.user("guardian"),
        kind=UserSession.Kind.WEB,
        key=f"walk-{world.school.pk}",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    _run_data_hooks(side)
    return side


@pytest.fixture(scope="module")
def schools(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Schools]:
    """Both schools, built once for this module inside a transaction rolled back at the end
    (each test still runs in its own savepoint, so what a request changes is undone)."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), scopes_disabled(), media, transaction.atomic():
        a = _side(make_world("a"))
        b_world = make_world("b")
        b_world.school.name = f"{MARKER} Szkoła Druga"
        b_world.school.save()
        for n, user in enumerate(User.objects.filter(school=b_world.school).order_by("pk")):
            user.first_name, user.last_name = "Obca", f"{MARKER}{n}"
            user.save(update_fields=["first_name", "last_name"])
        for user in [*b_world.users.values(), b_world.student.user, b_world.other_student.user]:
            user.refresh_from_db()
        b = _side(b_world)
        for side in (a, b):
            for route in ID_ROUTES:
                try:
                    side.filled[route.label] = fill(route, side)
                except Exception as error:  # raised again by the route's own test
                    side.filled[route.label] = error
        yield Schools(a, b)
        transaction.set_rollback(True)


# --- filling the URL arguments ----------------------------------------------------------------

Getter = Callable[[Side], Any]

#: kwarg name → the object (or value) of a school to put in the URL.
ID_KWARGS: dict[str, Getter] = {
    "student_id": lambda s: s.world.student,
    "child_id": lambda s: s.world.student,
    "class_id": lambda s: s.world.school_class,
    "school_class_id": lambda s: s.world.school_class,
    "course_id": lambda s: s.world.course,
    "subject_id": lambda s: s.world.subject,
    "group_id": lambda s: s.world.group,
    "term_id": lambda s: s.world.term,
    "year_id": lambda s: s.world.year,
    "teacher_id": lambda s: s.world.user("teacher"),
    "staff_id": lambda s: s.world.user("teacher"),
    "guardian_id": lambda s: s.world.user("guardian"),
    "user_id": lambda s: s.world.user("teacher"),
    "login_id": lambda s: s.world.user("teacher"),
    "device_id": lambda s: s.device,
}


def _with_file(label: str) -> Getter:
    """A row of ``label`` ("app.Model") that has a file (for download URLs)."""

    def get(side: Side) -> Any:
        model = apps.get_model(label)
        name = next(f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField))
        rows = model._default_manager.filter(school_id=side.school_id).exclude(**{name: ""})
        return rows.order_by("pk").first() or autocreate(model, side, {})

    return get


def _excuse_sent_by_guardian(side: Side) -> Any:
    """An excuse the world's guardian sent (only its sender may withdraw it)."""
    model = apps.get_model("attendance.Excuse")
    guardian = side.world.user("guardian")
    rows = model._default_manager.filter(school_id=side.school_id, submitted_by=guardian)
    return rows.order_by("pk").first() or model._default_manager.create(
        school_id=side.school_id, student=side.world.student, submitted_by=guardian, reason="Walk"
    )


def _school_defined_type(side: Side) -> Any:
    """A school-defined attendance type (the standard ones have no pages of their own)."""
    model = apps.get_model("attendance.AttendanceType")
    rows = model._default_manager.filter(school_id=side.school_id, is_standard=False)
    return rows.order_by("pk").first() or model._default_manager.create(
        school_id=side.school_id, name="Walk", code="wk", kind="present"
    )


def _signed_archive(side: Side) -> Any:
    """A signed year-end archive with its ZIP (only a signed one can be downloaded)."""
    from django.core.files.base import ContentFile

    model = apps.get_model("records.YearArchive")
    found = model._default_manager.filter(school_id=side.school_id, status="signed").first()
    if found is not None:
        return found
    archive = model(
        school_id=side.school_id,
        year=side.world.year,
        requested_by=side.world.user("principal"),
        status="signed",
    )
    archive.file.save("walk.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    archive.save()
    return archive


def _ready_print_job(side: Side) -> Any:
    """A printout made in the background, ready, with its PDF (asked for by the principal:
    only the user who asked may open it)."""
    from django.core.files.base import ContentFile

    model = apps.get_model("records.PrintJob")
    found = model._default_manager.filter(school_id=side.school_id, status="done").first()
    if found is not None:
        return found
    job = model(
        school_id=side.school_id,
        kind="grades_summary",
        key=f"walk-{side.school_id}",
        title="Walk",
        filename="walk.pdf",
        requested_by=side.world.user("principal"),
        status="done",
    )
    job.file.save("walk.pdf", ContentFile(b"%PDF-1.4 walk"), save=False)
    job.save()
    return job


def _poll_asking_the_guardian(side: Side) -> Any:
    """A poll that asks the world's guardian (only those asked may answer it)."""
    poll_model = apps.get_model("polls.Poll")
    recipient = apps.get_model("polls.PollRecipient")
    guardian = side.world.user("guardian")
    found = recipient._default_manager.filter(school_id=side.school_id, user=guardian).first()
    if found is not None:
        return found.poll
    poll = poll_model._default_manager.create(
        school_id=side.school_id,
        author=side.world.user("teacher"),
        title="Walk",
        audience="class",
        school_class=side.world.school_class,
        families="guardians",
        deadline=TODAY + datetime.timedelta(days=7),
    )
    recipient._default_manager.create(school_id=side.school_id, poll=poll, user=guardian)
    return poll


#: (route name, kwarg) → the object, where the kwarg name alone does not say what it is.
_SLOTS_MADE = iter(range(1, 10_000))


def _consultation_slot(side: Side, *, booked: bool = False) -> Any:
    """A future slot of the world's teacher (free, or booked by the world's guardian — only
    they may cancel it); a new one each time, on its own day, since walking books and
    cancels."""
    slot_model = apps.get_model("meetings.ConsultationSlot")
    n = next(_SLOTS_MADE)
    slot = slot_model._default_manager.create(
        school_id=side.school_id,
        teacher=side.world.user("teacher"),
        date=timezone.localdate() + datetime.timedelta(days=2 + n),
        starts_at=datetime.time(16, 0),
        ends_at=datetime.time(16, 10),
    )
    if booked:
        apps.get_model("meetings.ConsultationBooking")._default_manager.create(
            school_id=side.school_id,
            slot=slot,
            guardian=side.world.user("guardian"),
            teacher=slot.teacher,
            date=slot.date,
        )
    return slot


ROUTE_KWARGS: dict[tuple[str, str], Getter] = {
    ("attendance:attachment", "excuse_id"): _with_file("attendance.Excuse"),
    ("attendance:withdraw", "excuse_id"): _excuse_sent_by_guardian,
    ("api:attendance-withdraw", "excuse_id"): _excuse_sent_by_guardian,
    ("attendance:type_edit", "type_id"): _school_defined_type,
    ("attendance:type_state", "type_id"): _school_defined_type,
    ("records:archive_download", "archive_id"): _signed_archive,
    ("records:print_job", "job_id"): _ready_print_job,
    ("records:print_job_file", "job_id"): _ready_print_job,
    ("api:poll-answer", "poll_id"): _poll_asking_the_guardian,
    ("meetings:book", "slot_id"): _consultation_slot,
    ("meetings:slot_remove", "slot_id"): _consultation_slot,
    ("meetings:cancel", "slot_id"): lambda side: _consultation_slot(side, booked=True),
    ("api:consultation-slot-book", "slot_id"): _consultation_slot,
    ("api:consultation-slot-cancel", "slot_id"): lambda side: _consultation_slot(side, booked=True),
}

#: Arguments that are not object ids: a fixed, valid value (by converter: int or str).
VALUE_KWARGS: dict[str, dict[str, Any]] = {
    "date": {"str": TODAY.isoformat()},
    "day": {"str": TODAY.isoformat(), "int": TODAY.day},
    "year": {"int": TODAY.year},
    "month": {"int": TODAY.month},
    "week": {"int": TODAY.isocalendar().week},
    "page": {"int": 1},
    "which": {"str": "proposed"},  # grades:term_grades — proposed or final grades
}


def _structure_variants(side: Side) -> list[dict[str, Any]]:
    """school:structure_edit takes a kind slug and an object of that kind: one of each."""
    from kajet.school.views.structure import KINDS

    variants = []
    for slug, kind in KINDS.items():
        obj = kind.model._default_manager.filter(school_id=side.school_id).order_by("pk").first()
        assert obj is not None, f"school has no {kind.model.__name__} for structure/{slug}"
        variants.append({"kind_slug": slug, "obj_id": obj})
    return variants


def _held_lesson(side: Side) -> list[dict[str, Any]]:
    """attendance:lesson names a held lesson by its course, day and period."""
    model = apps.get_model("attendance.Lesson")
    lesson = model._default_manager.filter(
        school_id=side.school_id, course=side.world.course
    ).first() or autocreate(model, side, {})
    return [
        {"course_id": lesson.course, "day": lesson.date.isoformat(), "period_id": lesson.period}
    ]


def _homework_attachment(side: Side) -> list[dict[str, Any]]:
    """api:homework-attachment names a homework and one of ITS attachments (the kwarg name
    alone would pick a messaging attachment)."""
    attachment = _with_file("homework.HomeworkAttachment")(side)
    return [{"homework_id": attachment.homework, "attachment_id": attachment}]


#: Routes whose arguments depend on each other: route name → all argument sets to try.
ROUTE_VARIANTS: dict[str, Callable[[Side], list[dict[str, Any]]]] = {
    "school:structure_edit": _structure_variants,
    "attendance:lesson": _held_lesson,
    "api:attendance-sheet": _held_lesson,
    "api:homework-attachment": _homework_attachment,
}


def _kajet_models(app: str) -> list[type[models.Model]]:
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("kajet.") and (not app or config.label == app):
            found += list(config.get_models())
    return found


def _model_for(kwarg: str, app: str) -> type[models.Model] | None:
    """The model a ``<thing>_id`` argument names: exact model name first, then a model whose
    name ends with the thing (``category_id`` → GradeCategory); the route's own app first."""
    thing = kwarg.removesuffix("_id").replace("_", "")
    for scope_app in (app, ""):
        candidates = _kajet_models(scope_app)
        exact = [m for m in candidates if m._meta.model_name == thing]
        if len(exact) == 1:
            return exact[0]
        ending = [m for m in candidates if m._meta.model_name.endswith(thing)]
        if len(ending) == 1:
            return ending[0]
    return None


def _generic(route: Route, kwarg: str, side: Side, chosen: dict[str, Any]) -> Any:
    """The school's first object of the model ``kwarg`` names (belonging to an object chosen
    before it, like an attachment of that homework), made up when the school has none."""
    model = _model_for(kwarg, route.app)
    if model is None or not issubclass(model, TenantModel):
        return None
    qs = model._default_manager.filter(school_id=side.school_id)
    for value in chosen.values():
        link = _link_to(model, value)
        if link:
            qs = qs.filter(**{link: value})
    found = qs.order_by("pk").first()
    if found is None:
        found = autocreate(model, side, chosen)
    return found


def _link_to(model: type[models.Model], value: Any) -> str:
    """The name of ``model``'s foreign key to ``value``'s model, or ""."""
    if not isinstance(value, models.Model):
        return ""
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and isinstance(value, f.related_model):
            return f.name
    return ""


#: A foreign key to a user, by field name → which of the world's users it points to.
USER_FIELDS = {"guardian": "guardian", "parent": "guardian", "student": "student"}


def _world_object(model: type[models.Model], field_name: str, side: Side) -> Any:
    from kajet.school import models as school

    w = side.world
    if issubclass(model, User):
        return w.user(USER_FIELDS.get(field_name, "teacher"))
    known = {
        school.Student: w.student,
        school.SchoolClass: w.school_class,
        school.Course: w.course,
        school.Subject: w.subject,
        school.ClassGroup: w.group,
        school.Term: w.term,
        school.SchoolYear: w.year,
    }
    if model in known:
        return known[model]
    if model._meta.label == "core.School":
        return w.school
    return None


#: A plain valid value per field type, most specific type first (an EmailField is a
#: CharField, a DateTimeField a DateField).
_PLAIN_VALUES: list[tuple[type | tuple[type, ...], Any]] = [
    (models.FileField, lambda f: ContentFile(b"walk", name="walk.txt")),
    (models.EmailField, lambda f: "walk@example.pl"),
    ((models.CharField, models.TextField), lambda f: "Walk"[: f.max_length or 4]),
    (models.BooleanField, lambda f: False),
    ((models.IntegerField, models.DecimalField, models.FloatField), lambda f: 1),
    (models.DateTimeField, lambda f: timezone.now()),
    (models.DateField, lambda f: TODAY),
    (models.TimeField, lambda f: datetime.time(8, 0)),
    (models.JSONField, lambda f: {}),
    (models.GenericIPAddressField, lambda f: "127.0.0.1"),
    (models.UUIDField, lambda f: uuid.uuid4()),
]


def _value_for(f: models.Field) -> Any:
    """A valid value for a required field without a default."""
    if f.choices:
        return f.choices[0][0]
    for kinds, make in _PLAIN_VALUES:
        if isinstance(f, kinds):
            return make(f)
    raise TypeError(f"cannot make up a value for {f.model.__name__}.{f.name} ({type(f).__name__})")


def autocreate(
    model: type[models.Model], side: Side, chosen: dict[str, Any], depth: int = 0
) -> Any:
    """Make one row of ``model`` in the school: foreign keys point at the world's objects (its
    course, student, teacher …) or at objects chosen for the URL; other required fields get a
    plain valid value. Used when no app's demo seeding gave the school such a row."""
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if isinstance(f, models.ForeignKey):
            rel = f.related_model
            hit = next((v for v in chosen.values() if isinstance(v, rel)), None)
            hit = hit or _world_object(rel, f.name, side)
            if hit is None and f.null:
                continue
            if hit is None and issubclass(rel, TenantModel):
                hit = rel._default_manager.filter(school_id=side.school_id).order_by("pk").first()
            if hit is None and depth < 3:
                hit = autocreate(rel, side, chosen, depth + 1)
            if hit is None:
                raise TypeError(f"cannot find a {rel.__name__} for {model.__name__}.{f.name}")
            values[f.name] = hit
        elif isinstance(f, models.FileField):  # download URLs need a real file
            values[f.name] = _value_for(f)
        elif f.has_default() or f.null or (f.blank and not f.choices):
            continue
        else:
            values[f.name] = _value_for(f)
    with transaction.atomic():
        return model._default_manager.create(**values)


def _missing(route: Route, kwarg: str, side: Side) -> AssertionError:
    model = _model_for(kwarg, route.app)
    detail = (
        f"no {model.__name__} of the school exists (seed one in kajet/demo/seeding/"
        f"{model._meta.app_label}.py or map it)"
        if model is not None
        else "no model matches the name"
    )
    hooks = f"; the demo data hooks failed: {side.hook_error}" if side.hook_error else ""
    return AssertionError(
        f"add a mapping for {kwarg} (route {route.label}: {detail}{hooks}) in "
        "tests/test_tenant_isolation.py (ID_KWARGS, ROUTE_KWARGS or VALUE_KWARGS)"
    )


def fill(route: Route, side: Side) -> list[dict[str, Any]]:
    """Every set of arguments to try for ``route`` with ``side``'s objects."""
    if route.name in ROUTE_VARIANTS:
        return ROUTE_VARIANTS[route.name](side)
    chosen: dict[str, Any] = {}
    for kwarg, conv in route.kwargs:
        if (route.name, kwarg) in ROUTE_KWARGS:
            chosen[kwarg] = ROUTE_KWARGS[(route.name, kwarg)](side)
        elif kwarg in ID_KWARGS:
            chosen[kwarg] = ID_KWARGS[kwarg](side)
        elif conv in VALUE_KWARGS.get(kwarg, {}):
            chosen[kwarg] = VALUE_KWARGS[kwarg][conv]
        elif conv == "int" or kwarg.endswith("_id"):
            chosen[kwarg] = _generic(route, kwarg, side, chosen)
            if chosen[kwarg] is None:
                raise _missing(route, kwarg, side)
        else:
            raise _missing(route, kwarg, side)
    return [chosen]


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, models.Model) else v) for k, v in values.items()}


def _school_of(value: Any) -> int | None:
    if isinstance(value, models.Model):
        school_id = getattr(value, "school_id", None)
        if school_id is None and isinstance(value, UserSession):
            school_id = value.user.school_id
        return school_id
    return None


def _describe(response: Any) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}" + (f" → {location}" if location else "")


# --- 1. every id URL, as every role of the other school ---------------------------------------


def _mixed_variants(route: Route, a_values: dict[str, Any], b: Side) -> list[dict[str, Any]]:
    """With two or more ids: A's object in one place, B's own objects in the others (a
    teacher of B asking for A's student inside B's own course)."""
    ids = [k for k in route.int_kwargs() if isinstance(a_values.get(k), models.Model)]
    if len(ids) < 2 or route.name in ROUTE_VARIANTS:
        return []
    try:
        b_values = b.fill(route)[0]
    except Exception:
        return []
    return [{**b_values, kwarg: a_values[kwarg]} for kwarg in ids]


@pytest.mark.parametrize("route", ID_ROUTES, ids=[r.label for r in ID_ROUTES])
def test_other_school_gets_404_for_every_object_url(
    route: Route, schools: Schools, db: Any
) -> None:
    a, b = schools.a, schools.b
    variants = a.fill(route)
    for values in variants:
        for kwarg, value in values.items():
            school_id = _school_of(value)
            assert school_id in (None, a.school_id), f"{kwarg} is not school A's object"
    methods = API_METHODS if route.is_api else PAGE_METHODS
    problems: list[str] = []
    tried = [v for values in variants for v in [values, *_mixed_variants(route, values, b)]]
    for values in tried:
        url = route.build(_plain(values))
        for role in INTRUDER_ROLES:
            statuses = {m: b.status(role, m, url, api=route.is_api) for m in methods}
            wrong = {m: r for m, r in statuses.items() if r.status_code not in (404, 405)}
            if wrong:
                problems += [
                    f"  {m.upper()} {url} as B's {role}: {_describe(r)}" for m, r in wrong.items()
                ]
            elif all(r.status_code == 405 for r in statuses.values()):
                problems.append(f"  {url} as B's {role}: 405 for every method")
    assert not problems, f"{route.label} must answer 404 to another school:\n" + "\n".join(problems)

    # The positive control: the URL names real objects — someone of school A gets through.
    for values in variants:
        url = route.build(_plain(values))
        if not any(
            a.status(role, m, url, api=route.is_api).status_code not in (404, 405)
            for role in OWNER_ROLES
            for m in methods
        ):
            pytest.fail(
                f"No user of school A can open {url} ({route.label}) either: the walk's "
                "objects are wrong for it — add a mapping in tests/test_tenant_isolation.py"
            )


# --- 2. tenant models refuse unscoped queries -------------------------------------------------


def _tenant_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if issubclass(m, TenantModel) and not m._meta.abstract and not m._meta.proxy
    ]


@pytest.mark.parametrize("model", _tenant_models(), ids=lambda m: m._meta.label)
def test_tenant_model_refuses_unscoped_queries(model: type[models.Model], db: Any) -> None:
    with scope():  # a scope with no school: what a request without a school gets
        with pytest.raises(ScopeError):
            list(model._default_manager.all())
        with pytest.raises(ScopeError):
            model._default_manager.filter(pk=1).exists()
        with pytest.raises(ScopeError):
            model._default_manager.count()
    with scope(school=1):
        list(model._default_manager.all()[:1])  # scoped: allowed


def test_scoped_query_sees_only_its_school(schools: Schools, db: Any) -> None:
    from kajet.school.models import Student

    with scope(school=schools.a.school_id):
        seen = set(Student.objects.values_list("school_id", flat=True))
    assert seen == {schools.a.school_id}


#: Kajet models with a school column that are deliberately not scoped (docs/adr/0003).
NOT_SCOPED = {"accounts.User"}


def test_every_model_with_a_school_is_a_tenant_model() -> None:
    unscoped = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("kajet.")
        and any(f.name == "school" for f in m._meta.get_fields())
        and not issubclass(m, TenantModel)
        and m._meta.label not in NOT_SCOPED
    ]
    assert not unscoped, f"models with a school but no scoped manager: {unscoped}"


def test_the_walk_sees_every_app() -> None:
    apps_walked = {r.app for r in ALL_ROUTES}
    assert {"accounts", "school", "dashboard", "api"} <= apps_walked
    assert any(r.name == "api:student" for r in ID_ROUTES)
    assert any(r.name == "accounts:session_end" for r in ID_ROUTES)


# --- 3. list pages show nothing of another school ---------------------------------------------


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("route", PLAIN_ROUTES, ids=[r.label for r in PLAIN_ROUTES])
def test_list_pages_show_nothing_of_another_school(route: Route, schools: Schools, db: Any) -> None:
    a, b = schools.a, schools.b
    markers = [MARKER, b.world.school.name] + [
        u.login for u in b.world.users.values() if len(u.login) >= 6
    ]
    url = route.build({})
    problems = []
    for role in INTRUDER_ROLES:
        response = a.request(role, "get", url, api=route.is_api)
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        text = _text(response)
        leaked = [m for m in markers if m in text]
        if leaked:
            problems.append(f"  {role}: shows {leaked}")
    assert not problems, f"GET {url} shows school B's data to school A's users:\n" + "\n".join(
        problems
    )


def test_the_office_student_list_shows_own_school_only(schools: Schools, db: Any) -> None:
    a, b = schools.a, schools.b
    text = _text(a.request("secretariat", "get", reverse("school:student_list"), api=False))
    assert a.world.student.user.last_name in text
    assert MARKER not in text
    text = _text(b.request("secretariat", "get", reverse("school:student_list"), api=False))
    assert MARKER in text
