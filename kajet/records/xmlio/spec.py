"""What the XML export holds, element by element: one ``Entity`` per exported table, in the
order the document lists them (every reference points to an element written earlier, except a
grade's correction and a message's reply, which point to earlier rows of the same table).

The schema (``xsd.py``), the exporter and the importer are all driven by this list, so they
cannot drift apart. Field documentation comes from the model's ``verbose_name`` (English, and
its Polish translation) or, where a field has none, from ``FIELD_DOCS``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import translation

from kajet.accounts.models import StaffRole, User
from kajet.attendance.models import (
    AttendanceMark,
    AttendancePolicy,
    AttendanceType,
    Excuse,
    ExcuseItem,
    Lesson,
)
from kajet.core.models import HistoryEntry, School
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeCategory,
    GradeColumn,
    GradingPolicy,
    MarkScale,
    MarkScaleAssignment,
)
from kajet.homework.models import Homework, HomeworkDone
from kajet.messaging.models import CouncilMember, Delivery, Message
from kajet.noticeboard.models import Announcement, AnnouncementRead
from kajet.records.xmlio.field_docs import ENTITY_FIELD_DOCS, FIELD_DOCS
from kajet.remarks.models import Remark, RemarkAcknowledgement, RemarkCategory
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    Guardianship,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    Term,
)
from kajet.timetable.models import (
    CalendarPolicy,
    Event,
    LessonChange,
    LuckyNumber,
    Room,
    TimetableEntry,
    TimetablePlan,
)

NAMESPACE = "https://kajet.org.pl/xml/register/1"
FORMAT_VERSION = "1"


@dataclass(frozen=True)
class Scope:
    """The exported school year: its school, the year and the half-open range of instants
    [``start``, ``end``) that dated rows without a year (messages, history) are taken from —
    from the year's first day until the next year's first day (corrections made after the
    year's last day still belong to it)."""

    school: School
    year: SchoolYear
    start: datetime.date
    end: datetime.date | None

    def instants(self, field: str) -> Q:
        q = Q(**{f"{field}__date__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field}__date__lt": self.end})
        return q


@dataclass(frozen=True)
class Field:
    """One XML attribute (or, for JSON values, one child element) of an entity."""

    name: str  # the model field's name; a reference holds the referenced row's id
    kind: str  # id | ref | str | int | bool | date | datetime | time | decimal | json
    required: bool
    en: str
    pl: str
    target: str = ""  # for a reference: the tag of the referenced entity
    choices: tuple[str, ...] = ()

    @property
    def attname(self) -> str:
        return f"{self.name}_id" if self.kind == "ref" else self.name


@dataclass(frozen=True)
class Entity:
    tag: str
    group: str
    model: type[models.Model]
    en: str
    pl: str
    rows: Callable[[Scope], QuerySet[Any]]
    exclude: tuple[str, ...] = ()
    single: bool = False  # at most one row (a school's policy)

    @property
    def fields(self) -> tuple[Field, ...]:
        return fields_of(self)

    @property
    def tenant(self) -> bool:
        """Rows carry the school (a tenant table); the many-to-many link tables do not."""
        return any(f.name == "school" for f in self.model._meta.concrete_fields)


def _kind_of(field: models.Field[Any, Any]) -> str:
    if field.primary_key:
        return "id"
    if isinstance(field, models.ForeignKey):
        return "ref"
    if isinstance(field, models.BooleanField):
        return "bool"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.TimeField):
        return "time"
    if isinstance(field, models.DecimalField):
        return "decimal"
    if isinstance(field, models.IntegerField):
        return "int"
    if isinstance(field, models.JSONField):
        return "json"
    if isinstance(field, models.CharField | models.TextField):
        return "str"
    raise TypeError(f"no XML kind for {field!r}")


def _docs(tag: str, field: models.Field[Any, Any]) -> tuple[str, str]:
    key = f"{tag}.{field.name}"
    if key in ENTITY_FIELD_DOCS:
        return ENTITY_FIELD_DOCS[key]
    if field.name in FIELD_DOCS:
        return FIELD_DOCS[field.name]
    with translation.override("en"):
        en = str(field.verbose_name)
    with translation.override("pl"):
        pl = str(field.verbose_name)
    if en == field.name.replace("_", " ") and en == pl:
        raise LookupError(f"document {tag}.{field.name} in FIELD_DOCS")
    return en[:1].upper() + en[1:] + ".", pl[:1].upper() + pl[1:] + "."


@cache
def fields_of(entity: Entity) -> tuple[Field, ...]:
    tags: dict[Any, str] = {e.model: e.tag for e in ENTITIES}
    tags[SchoolYear] = "schoolYear"
    result = []
    for field in entity.model._meta.concrete_fields:
        if field.name == "school" or field.name in entity.exclude:
            continue
        kind = _kind_of(field)
        en, pl = _docs(entity.tag, field)
        target = ""
        if kind == "ref":
            target = tags[field.related_model]
        choices = tuple(str(value) for value, _label in field.choices or ())
        if kind == "int":
            choices = ()
        result.append(
            Field(
                name=field.name,
                kind=kind,
                required=not field.null,
                en=en,
                pl=pl,
                target=target,
                choices=choices,
            )
        )
    return tuple(result)


def _year_classes(s: Scope) -> Q:
    return Q(school_class__year=s.year)


EventClass = Event.classes.through
AnnouncementClass = Announcement.classes.through

ENTITIES: list[Entity] = [
    Entity(
        "term",
        "terms",
        Term,
        "A term (okres) of the school year.",
        "Okres roku szkolnego.",
        lambda s: Term.objects.filter(year=s.year),
    ),
    Entity(
        "lessonPeriod",
        "lessonPeriods",
        LessonPeriod,
        "A period of the bell schedule.",
        "Godzina lekcyjna (dzwonki).",
        lambda s: LessonPeriod.objects.all(),
    ),
    Entity(
        "user",
        "users",
        User,
        "A school login: guardian, student or staff member. Passwords are never exported.",
        "Login szkolny: rodzic, uczeń lub pracownik. Hasła nigdy nie są eksportowane.",
        lambda s: User.objects.filter(school=s.school).exclude(kind=User.Kind.OPERATOR),
        exclude=(
            "password",
            "last_login",
            "is_superuser",
            "is_staff",
            "password_changed_at",
            "locked_until",
            "must_change_password",
        ),
    ),
    Entity(
        "staffRole",
        "staffRoles",
        StaffRole,
        "A role of a staff member (teacher, principal, …).",
        "Rola pracownika (nauczyciel, dyrektor, …).",
        lambda s: StaffRole.objects.all(),
    ),
    Entity(
        "gradingPolicy",
        "gradingPolicies",
        GradingPolicy,
        "The school's grading rules (values of + and -, thresholds, corrections).",
        "Zasady oceniania szkoły (wartości + i -, progi średnich, poprawy).",
        lambda s: GradingPolicy.objects.all(),
        single=True,
    ),
    Entity(
        "attendancePolicy",
        "attendancePolicies",
        AttendancePolicy,
        "The school's attendance rules.",
        "Zasady frekwencji szkoły.",
        lambda s: AttendancePolicy.objects.all(),
        single=True,
    ),
    Entity(
        "calendarPolicy",
        "calendarPolicies",
        CalendarPolicy,
        "The school's test-load rules and the lucky number switch.",
        "Zasady terminarza (limity sprawdzianów) i szczęśliwy numerek.",
        lambda s: CalendarPolicy.objects.all(),
        single=True,
    ),
    Entity(
        "subject",
        "subjects",
        Subject,
        "A subject (przedmiot).",
        "Przedmiot.",
        lambda s: Subject.objects.all(),
    ),
    Entity("room", "rooms", Room, "A classroom.", "Sala lekcyjna.", lambda s: Room.objects.all()),
    Entity(
        "gradeCategory",
        "gradeCategories",
        GradeCategory,
        "A grade category with its weight.",
        "Kategoria oceny z wagą.",
        lambda s: GradeCategory.objects.all(),
    ),
    Entity(
        "markScale",
        "markScales",
        MarkScale,
        "A school's scale for current marks (symbols, points or text comments).",
        "Skala ocen bieżących szkoły (symbole, punkty lub komentarze opisowe).",
        lambda s: MarkScale.objects.all(),
    ),
    Entity(
        "markScaleAssignment",
        "markScaleAssignments",
        MarkScaleAssignment,
        "Which courses use a scale: a class level, a subject, or a subject in one level.",
        "Które przydziały używają skali: poziom klas, przedmiot lub przedmiot na poziomie.",
        lambda s: MarkScaleAssignment.objects.all(),
    ),
    Entity(
        "attendanceType",
        "attendanceTypes",
        AttendanceType,
        "An attendance type (standard or the school's own).",
        "Typ frekwencji (standardowy lub własny szkoły).",
        lambda s: AttendanceType.objects.all(),
    ),
    Entity(
        "schoolClass",
        "classes",
        SchoolClass,
        "A class (oddział) of the year.",
        "Oddział (klasa) w roku szkolnym.",
        lambda s: SchoolClass.objects.filter(year=s.year),
    ),
    Entity(
        "classGroup",
        "classGroups",
        ClassGroup,
        "A group within a class.",
        "Grupa w oddziale.",
        lambda s: ClassGroup.objects.filter(_year_classes(s)),
    ),
    Entity(
        "student",
        "students",
        Student,
        "A student's enrolment in a class.",
        "Uczeń zapisany do oddziału.",
        lambda s: Student.objects.filter(_year_classes(s)),
    ),
    Entity(
        "groupMembership",
        "groupMemberships",
        GroupMembership,
        "A student's membership of a group.",
        "Przynależność ucznia do grupy.",
        lambda s: GroupMembership.objects.filter(group__school_class__year=s.year),
    ),
    Entity(
        "guardianship",
        "guardianships",
        Guardianship,
        "A guardian of a student, as the register holds them.",
        "Rodzic (opiekun) ucznia, jak go zapisano w dzienniku.",
        lambda s: Guardianship.objects.filter(student__school_class__year=s.year),
    ),
    Entity(
        "councilMember",
        "councilMembers",
        CouncilMember,
        "A member of a class parents' council.",
        "Członek rady oddziałowej rodziców.",
        lambda s: CouncilMember.objects.filter(_year_classes(s)),
    ),
    Entity(
        "course",
        "courses",
        Course,
        "A course (teaching assignment): teacher, subject, class or group.",
        "Przydział: nauczyciel, przedmiot, oddział lub grupa.",
        lambda s: Course.objects.filter(year=s.year),
    ),
    Entity(
        "timetablePlan",
        "timetablePlans",
        TimetablePlan,
        "A version of the weekly timetable, valid from a date.",
        "Wersja tygodniowego planu lekcji, obowiązująca od daty.",
        lambda s: TimetablePlan.objects.filter(year=s.year),
    ),
    Entity(
        "timetableEntry",
        "timetableEntries",
        TimetableEntry,
        "A weekly lesson of a timetable version.",
        "Lekcja tygodniowego planu.",
        lambda s: TimetableEntry.all_objects.filter(plan__year=s.year),
    ),
    Entity(
        "lessonChange",
        "lessonChanges",
        LessonChange,
        "A substitution, cancellation or move of one lesson on one date.",
        "Zastępstwo, odwołanie lub przeniesienie lekcji w danym dniu.",
        lambda s: LessonChange.all_objects.filter(entry__plan__year=s.year),
    ),
    Entity(
        "event",
        "events",
        Event,
        "A calendar event (test, trip, day off, …).",
        "Wydarzenie terminarza (sprawdzian, wycieczka, dzień wolny, …).",
        lambda s: Event.all_objects.filter(
            starts_on__lte=s.year.ends_on, ends_on__gte=s.year.starts_on
        ),
    ),
    Entity(
        "eventClass",
        "eventClasses",
        EventClass,
        "A class a calendar event concerns.",
        "Oddział, którego dotyczy wydarzenie terminarza.",
        lambda s: EventClass.objects.filter(
            event__school=s.school,
            event__starts_on__lte=s.year.ends_on,
            event__ends_on__gte=s.year.starts_on,
        ),
    ),
    Entity(
        "luckyNumber",
        "luckyNumbers",
        LuckyNumber,
        "The lucky number of a school day.",
        "Szczęśliwy numerek dnia.",
        lambda s: LuckyNumber.objects.filter(date__gte=s.year.starts_on, date__lte=s.year.ends_on),
    ),
    Entity(
        "lesson",
        "lessons",
        Lesson,
        "A lesson held, with its topic.",
        "Lekcja zrealizowana z tematem.",
        lambda s: Lesson.objects.filter(course__year=s.year),
    ),
    Entity(
        "attendanceMark",
        "attendanceMarks",
        AttendanceMark,
        "A student's attendance at a lesson held.",
        "Frekwencja ucznia na lekcji.",
        lambda s: AttendanceMark.objects.filter(lesson__course__year=s.year),
    ),
    Entity(
        "gradeColumn",
        "gradeColumns",
        GradeColumn,
        "A column of a course's grade sheet (a test on a date, in a category).",
        "Kolumna ocen przydziału (np. sprawdzian w danym dniu, w kategorii).",
        lambda s: GradeColumn.objects.filter(course__year=s.year),
    ),
    Entity(
        "grade",
        "grades",
        Grade,
        "A grade: current, proposed or final term grade, proposed or final annual grade.",
        "Ocena: cząstkowa, przewidywana lub śródroczna, przewidywana lub roczna.",
        lambda s: Grade.objects.filter(course__year=s.year),
    ),
    Entity(
        "behaviourGrade",
        "behaviourGrades",
        BehaviourGrade,
        "A behaviour grade for a term or the year.",
        "Ocena zachowania za okres lub rok.",
        lambda s: BehaviourGrade.objects.filter(year=s.year),
    ),
    Entity(
        "homework",
        "homeworkList",
        Homework,
        "Homework set for a course.",
        "Zadanie domowe zadane w przydziale.",
        lambda s: Homework.objects.filter(course__year=s.year),
    ),
    Entity(
        "homeworkDone",
        "homeworkDoneList",
        HomeworkDone,
        "A student's tick that homework is done.",
        "Oznaczenie przez ucznia: zadanie wykonane.",
        lambda s: HomeworkDone.objects.filter(homework__course__year=s.year),
    ),
    Entity(
        "remarkCategory",
        "remarkCategories",
        RemarkCategory,
        "A category of remarks (uwagi) the school defines, with its behaviour points.",
        "Kategoria uwag określona przez szkołę, z punktami zachowania.",
        lambda s: RemarkCategory.objects.all(),
    ),
    Entity(
        "remark",
        "remarks",
        Remark,
        "A remark (uwaga) about a student: positive, negative or neutral.",
        "Uwaga o uczniu: pozytywna, negatywna lub neutralna.",
        lambda s: Remark.objects.filter(date__gte=s.year.starts_on, date__lte=s.year.ends_on),
    ),
    Entity(
        "remarkAcknowledgement",
        "remarkAcknowledgements",
        RemarkAcknowledgement,
        "A guardian's acknowledgement of a remark (Zapoznałem się).",
        "Potwierdzenie zapoznania się rodzica z uwagą (Zapoznałem się).",
        lambda s: RemarkAcknowledgement.objects.filter(
            remark__date__gte=s.year.starts_on, remark__date__lte=s.year.ends_on
        ),
    ),
    Entity(
        "announcement",
        "announcements",
        Announcement,
        "A notice-board announcement.",
        "Ogłoszenie.",
        lambda s: Announcement.objects.filter(
            shown_from__gte=s.year.starts_on, shown_from__lte=s.year.ends_on
        ),
    ),
    Entity(
        "announcementClass",
        "announcementClasses",
        AnnouncementClass,
        "A class an announcement is for.",
        "Oddział, dla którego jest ogłoszenie.",
        lambda s: AnnouncementClass.objects.filter(
            announcement__school=s.school,
            announcement__shown_from__gte=s.year.starts_on,
            announcement__shown_from__lte=s.year.ends_on,
        ),
    ),
    Entity(
        "announcementRead",
        "announcementReads",
        AnnouncementRead,
        "When a user first read an announcement.",
        "Kiedy użytkownik pierwszy raz przeczytał ogłoszenie.",
        lambda s: AnnouncementRead.objects.filter(
            announcement__shown_from__gte=s.year.starts_on,
            announcement__shown_from__lte=s.year.ends_on,
        ),
    ),
    Entity(
        "message",
        "messages",
        Message,
        "A message's metadata (sender, subject, time, counts); the text is not exported.",
        "Metadane wiadomości (nadawca, temat, czas, liczby); treść nie jest eksportowana.",
        lambda s: Message.objects.filter(s.instants("created_at")),
        exclude=("body", "idempotency_key"),
    ),
    Entity(
        "delivery",
        "deliveries",
        Delivery,
        "A person's copy of a message with its read receipt.",
        "Kopia wiadomości u osoby, z potwierdzeniem przeczytania.",
        lambda s: Delivery.objects.filter(s.instants("message__created_at")),
    ),
    Entity(
        "excuse",
        "excuses",
        Excuse,
        "An excuse of absences and its decision.",
        "Usprawiedliwienie nieobecności i decyzja wychowawcy.",
        lambda s: Excuse.objects.filter(student__school_class__year=s.year),
        exclude=("attachment", "attachment_name"),
    ),
    Entity(
        "excuseItem",
        "excuseItems",
        ExcuseItem,
        "An absence an excuse asks to excuse.",
        "Nieobecność objęta usprawiedliwieniem.",
        lambda s: ExcuseItem.objects.filter(excuse__student__school_class__year=s.year),
    ),
    Entity(
        "historyEntry",
        "history",
        HistoryEntry,
        "One change to register data: who, when, what, old and new value.",
        "Jedna zmiana danych dziennika: kto, kiedy, co, wartość poprzednia i nowa.",
        lambda s: HistoryEntry.objects.filter(s.instants("at")),
    ),
]

#: Nullable references that may point outside the exported year (an older message answered,
#: an operator's change): the exporter leaves them out unless the target was exported.
CHECKED_TARGETS = ("user", "message")

BY_TAG = {e.tag: e for e in ENTITIES}

SCHOOL_FIELDS = (
    Field("id", "id", True, *FIELD_DOCS["id"]),
    Field("name", "str", True, "Name of the school.", "Nazwa szkoły."),
    Field("short_name", "str", True, "Short name.", "Nazwa skrócona."),
    Field("city", "str", True, "City.", "Miejscowość."),
)

YEAR_FIELDS = (
    Field("id", "id", True, *FIELD_DOCS["id"]),
    Field("name", "str", True, "Name of the school year (2026/2027).", "Nazwa roku (2026/2027)."),
    Field("starts_on", "date", True, "First day of the year.", "Pierwszy dzień roku."),
    Field("ends_on", "date", True, "Last day of the year.", "Ostatni dzień roku."),
    Field("is_current", "bool", True, "The school's current year.", "Bieżący rok szkoły."),
)
