"""Demo and benchmark messages: teacher ↔ guardian threads, class messages from homeroom
teachers, a school-wide message from the principal, students asking teachers; some read, some
not; a parents' council in every class. Deterministic and bulk (a few INSERTs per kind)."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone

from kajet.accounts.models import Role, StaffRole, User
from kajet.core.models import School
from kajet.demo.seeding.rows import insert_rows
from kajet.demo.seeding.school import SeededSchool
from kajet.messaging.models import CouncilMember, Delivery, Folder, Message
from kajet.school.models import Guardianship, SchoolClass

GUARDIAN_OPENERS = [
    (
        "Nieobecność w piątek — {child}",
        "Dzień dobry,\n\n{child} w piątek nie będzie w szkole z powodu wizyty u lekarza. "
        "Proszę o usprawiedliwienie.\n\nZ poważaniem,\n{guardian}",
    ),
    (
        "Pytanie o sprawdzian z matematyki",
        "Dzień dobry,\n\nczy mogłabym prosić o informację, jaki zakres materiału obejmie "
        "sprawdzian w przyszłym tygodniu? {child} chce się dobrze przygotować.\n\n"
        "Pozdrawiam,\n{guardian}",
    ),
    (
        "Zgoda na wycieczkę",
        "Dzień dobry,\n\nprzesyłam informację, że wyrażam zgodę na udział w wycieczce do Muzeum "
        "II Wojny Światowej (dotyczy: {child}). Zaliczkę wpłacę do końca tygodnia.\n\n{guardian}",
    ),
    (
        "Prośba o rozmowę",
        "Dzień dobry,\n\nchciałbym umówić się na krótką rozmowę w sprawie zachowania na "
        "przerwach (dotyczy: {child}). Czy pasowałby Pani/Panu wtorek po lekcjach?\n\n{guardian}",
    ),
]
TEACHER_REPLIES = [
    "Dzień dobry,\n\ndziękuję za informację. Nieobecność zostanie usprawiedliwiona.\n\n"
    "Pozdrawiam,\n{teacher}",
    "Dzień dobry,\n\nsprawdzian obejmie dział „Ułamki zwykłe” (podręcznik str. 45–78). "
    "Materiały powtórzeniowe są tutaj: https://example.org/powtorka\n\n{teacher}",
    "Dzień dobry,\n\ndziękuję, zgoda przyjęta. Zbiórka o 8:00 przed szkołą.\n\n{teacher}",
    "Dzień dobry,\n\noczywiście, zapraszam we wtorek o 14:30 do sali 12.\n\n{teacher}",
]
GUARDIAN_THANKS = "Dziękuję bardzo za odpowiedź.\n\n{guardian}"
CLASS_MESSAGES = [
    (
        "Zebranie z rodzicami klasy {klass}",
        "Szanowni Państwo,\n\nzapraszam na zebranie z rodzicami w czwartek o 17:30 w sali 12. "
        "Tematy: wyniki śródroczne, wycieczka, sprawy bieżące.\n\n{teacher}, wychowawca",
    ),
    (
        "Wycieczka klasowa — informacje",
        "Szanowni Państwo,\n\nwycieczka odbędzie się 15 maja. Koszt: 85 zł. Proszę o zgody "
        "do piątku.\nSzczegóły: https://example.org/wycieczka\n\n{teacher}",
    ),
]
SCHOOL_MESSAGE = (
    "Dni wolne od zajęć dydaktycznych",
    "Szanowni Rodzice,\n\nuprzejmie informuję, że dniami wolnymi od zajęć dydaktycznych są: "
    "2 maja, 5–7 maja (egzamin ósmoklasisty) oraz 4 czerwca. W tych dniach świetlica "
    "szkolna pracuje bez zmian.\n\nZ wyrazami szacunku,\n{principal}, dyrektor szkoły",
)
STUDENT_QUESTIONS = [
    (
        "Zadanie domowe",
        "Dzień dobry, nie zapisałem zadania z ostatniej lekcji. Czy to były ćwiczenia 3 i 4?",
    ),
    ("Konkurs", "Dzień dobry, czy mogę jeszcze zapisać się na konkurs przedmiotowy?"),
]


#: School hours (minutes after midnight, local time): messages of the demo are sent then.
SCHOOL_HOURS = (7 * 60 + 40, 16 * 60)


def _clock(minute: int) -> datetime.time:
    return datetime.time(minute // 60, minute % 60)


def previous_school_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while day.weekday() > 4:
        day -= datetime.timedelta(days=1)
    return day


def next_school_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    return day


def school_moment(day: datetime.date, minute: int, now: datetime.datetime) -> datetime.datetime:
    """``minute`` (within ``SCHOOL_HOURS``) of the school day ``day`` — or of the school day
    before it, when ``day`` is a weekend or that moment is still to come."""
    if day.weekday() > 4:
        day = previous_school_day(day)
    while True:
        moment = timezone.make_aware(datetime.datetime.combine(day, _clock(minute)))
        if moment <= now:
            return moment
        day = previous_school_day(day)


def latest_school_moment(now: datetime.datetime) -> datetime.datetime:
    """The latest moment in school hours not after ``now`` (for what a service wrote while
    the demo was loaded, e.g. an excuse and its message)."""
    local = timezone.localtime(now)
    minute = local.hour * 60 + local.minute
    if local.weekday() < 5 and SCHOOL_HOURS[0] <= minute <= SCHOOL_HOURS[1]:
        return now
    day = local.date() if minute > SCHOOL_HOURS[1] else previous_school_day(local.date())
    return school_moment(day, SCHOOL_HOURS[1] - 30, now)


@dataclass
class _Plan:
    """Messages and copies to insert in bulk: (message, [(owner, read_at or None)])."""

    rows: list[tuple[Message, list[tuple[int, datetime.datetime | None]]]] = field(
        default_factory=list
    )

    def add(
        self,
        message: Message,
        recipients: list[tuple[int, datetime.datetime | None]],
    ) -> None:
        message.recipient_count = len(recipients)
        message.read_count = sum(1 for _, r in recipients if r is not None)
        self.rows.append((message, recipients))


@dataclass
class _Writer:
    """Writes one school's demo messages into a plan, in school hours, never after now."""

    school: School
    rng: random.Random
    today: datetime.date
    now: datetime.datetime
    staff: dict[int, User]
    teacher_of_class: dict[int, list[int]]
    plan: _Plan = field(default_factory=_Plan)

    def at(self, days_ago: float) -> datetime.datetime:
        """A moment in school hours about ``days_ago`` days before the demo date (a school
        day), never later than now."""
        day = self.today - datetime.timedelta(days=int(days_ago))
        minute = self.rng.randrange(SCHOOL_HOURS[0], SCHOOL_HOURS[1] - 30)
        return school_moment(day, minute, self.now)

    def later(self, when: datetime.datetime) -> datetime.datetime | None:
        """An answer's time: one to three hours after ``when`` in school hours (the next
        school day's morning when the day is over), or None when that is still to come."""
        local = timezone.localtime(when)
        minute = local.hour * 60 + local.minute + self.rng.randint(50, 180)
        day = local.date()
        if minute > SCHOOL_HOURS[1]:
            day = next_school_day(day)
            minute = SCHOOL_HOURS[0] + self.rng.randint(5, 90)
        moment = timezone.make_aware(datetime.datetime.combine(day, _clock(minute)))
        return moment if moment <= self.now else None

    def message(
        self, sender: User, subject: str, body: str, when: datetime.datetime, label: str, **kw: Any
    ) -> Message:
        return Message(
            school=self.school,
            sender=sender,
            subject=subject[:150],
            body=body,
            created_at=when,
            recipients_label=label[:300],
            **kw,
        )

    def maybe_read(self, when: datetime.datetime, share: float) -> datetime.datetime | None:
        if self.rng.random() >= share:
            return None
        return min(self.now, when + datetime.timedelta(minutes=self.rng.randint(5, 60 * 30)))

    def class_message(
        self, homeroom: User, school_class: SchoolClass, guardians: list[int]
    ) -> None:
        """A class message from the homeroom teacher to all guardians of the class."""
        subject, body = CLASS_MESSAGES[self.rng.randrange(len(CLASS_MESSAGES))]
        when = self.at(self.rng.uniform(3, 20))
        self.plan.add(
            self.message(
                homeroom,
                subject.format(klass=school_class.name),
                body.format(teacher=homeroom.full_name),
                when,
                f"Rodzice klasy {school_class.name}",
            ),
            [(g, self.maybe_read(when, 0.7)) for g in guardians],
        )

    def thread_teacher(self, homeroom: User | None, class_id: int) -> User | None:
        """The homeroom teacher, or now and then another teacher of the class."""
        teacher_ids = self.teacher_of_class.get(class_id, [])
        if homeroom is None or (teacher_ids and self.rng.random() < 0.3):
            return self.staff.get(self.rng.choice(teacher_ids)) if teacher_ids else None
        return homeroom

    def thread(self, link: Guardianship, teacher: User, *, first_family: bool) -> None:
        """A guardian writes to a teacher; mostly answered (the first family's always)."""
        guardian, child = link.guardian, link.student
        pick = self.rng.randrange(len(GUARDIAN_OPENERS))
        subject, body = GUARDIAN_OPENERS[pick]
        first_at = self.at(self.rng.uniform(1, 10))
        words = {"child": child.user.first_name, "guardian": guardian.full_name}
        opener = self.message(
            guardian,
            subject.format(**words),
            body.format(**words),
            first_at,
            teacher.full_name,
            concerns_student=child,
        )
        reply_at = self.later(first_at)
        answered = reply_at is not None and (first_family or self.rng.random() < 0.75)
        # Read before it is answered.
        read_at = first_at + (reply_at - first_at) / 2 if reply_at and answered else None
        self.plan.add(opener, [(teacher.pk, read_at)])
        if answered and reply_at is not None:
            reply = self.message(
                teacher,
                f"Re: {opener.subject}",
                TEACHER_REPLIES[pick].format(teacher=teacher.full_name),
                reply_at,
                guardian.full_name,
                concerns_student=child,
                reply_to=opener,
            )
            read = None if first_family else self.maybe_read(reply_at, 0.6)
            self.plan.add(reply, [(guardian.pk, read)])

    def threads(
        self, families: list[Guardianship], homeroom: User | None, class_id: int, limit: int
    ) -> None:
        """Threads: guardian → homeroom teacher (or a teacher), reply."""
        seen: set[int] = set()
        for link in families:
            if len(seen) >= limit:
                break
            if link.guardian_id in seen:
                continue
            seen.add(link.guardian_id)
            teacher = self.thread_teacher(homeroom, class_id)
            if teacher is not None:
                self.thread(link, teacher, first_family=len(seen) == 1)

    def student_question(self, families: list[Guardianship], class_id: int) -> None:
        """A student asks a teacher (about every other class)."""
        for student in [f.student for f in families[:1]]:
            teacher_ids = self.teacher_of_class.get(class_id, [])
            if not teacher_ids or self.rng.random() < 0.5:
                continue
            teacher = self.staff.get(teacher_ids[0])
            if teacher is None:
                continue
            subject, body = STUDENT_QUESTIONS[self.rng.randrange(len(STUDENT_QUESTIONS))]
            when = self.at(self.rng.uniform(0.2, 6))
            self.plan.add(
                self.message(student.user, subject, body, when, teacher.full_name),
                [(teacher.pk, self.maybe_read(when, 0.5))],
            )

    def principal_messages(
        self, principal: User, guardian_ids: list[int], pedagogue_ids: list[int]
    ) -> None:
        """A school-wide message from the principal to every guardian; one to the pedagogues."""
        subject, body = SCHOOL_MESSAGE
        when = self.at(12)
        self.plan.add(
            self.message(
                principal,
                subject,
                body.format(principal=principal.full_name),
                when,
                "Wszyscy rodzice",
            ),
            [(g, self.maybe_read(when, 0.65)) for g in guardian_ids],
        )
        if pedagogue_ids:
            when = self.at(2)
            self.plan.add(
                self.message(
                    principal,
                    "Dyżury w czasie przerw",
                    "Proszę o zapoznanie się z nowym grafikiem dyżurów.",
                    when,
                    "Pedagog szkolny",
                ),
                [(p, self.maybe_read(when, 0.5)) for p in pedagogue_ids],
            )


def _families_by_class(links: list[Guardianship]) -> dict[int, list[Guardianship]]:
    """Each class's guardianships; families with several children first: the demo family is
    one, and its threads show which child a message concerns."""
    children: dict[int, int] = defaultdict(int)
    for link in links:
        children[link.guardian_id] += 1
    by_class: dict[int, list[Guardianship]] = defaultdict(list)
    for link in sorted(links, key=lambda lk: -children[lk.guardian_id]):
        by_class[link.student.school_class_id].append(link)
    return by_class


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    school = seeded.school
    links = list(
        Guardianship.objects.filter(school=school)
        .select_related("guardian", "student__user", "student__school_class")
        .order_by("student__school_class_id", "student__class_number", "id")
    )
    by_class = _families_by_class(links)
    principal = (
        User.objects.filter(role_rows__role=Role.PRINCIPAL, school=school).order_by("id").first()
    )
    teacher_of_class: dict[int, list[int]] = defaultdict(list)
    for course in seeded.courses:
        if course.teacher_id not in teacher_of_class[course.school_class_id]:
            teacher_of_class[course.school_class_id].append(course.teacher_id)
    staff = {u.pk: u for u in seeded.teachers} | {u.pk: u for u in seeded.staff_by_login.values()}
    pedagogue_ids = list(
        StaffRole.objects.filter(school=school, role=Role.PEDAGOGUE)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    writer = _Writer(
        school=school,
        rng=random.Random(f"messaging-{school.name}"),
        today=today,
        now=timezone.now(),
        staff=staff,
        teacher_of_class=teacher_of_class,
    )
    threads_per_class = 3 if scale == "demo" else 1
    for school_class in seeded.classes:
        families = by_class.get(school_class.pk, [])
        homeroom = staff.get(school_class.homeroom_teacher_id or 0)
        if homeroom is None and school_class.homeroom_teacher_id:
            homeroom = User.objects.get(pk=school_class.homeroom_teacher_id)
        if homeroom is not None and families:
            guardians = sorted({f.guardian_id for f in families})
            writer.class_message(homeroom, school_class, guardians)
        writer.threads(families, homeroom, school_class.pk, threads_per_class)
        writer.student_question(families, school_class.pk)
    guardian_ids = sorted({link.guardian_id for link in links})
    if principal is not None and guardian_ids:
        writer.principal_messages(principal, guardian_ids, pedagogue_ids)
    _insert(writer.plan, school_id=school.pk)
    _council(seeded, by_class)


def _council(seeded: SeededSchool, by_class: dict[int, list[Guardianship]]) -> None:
    """A parents' council of three guardians in every class."""
    members = []
    for school_class in seeded.classes:
        chosen = sorted({f.guardian_id for f in by_class.get(school_class.pk, [])})[:3]
        members += [
            CouncilMember(
                school=seeded.school,
                school_class=school_class,
                guardian_id=g,
                appointed_by_id=school_class.homeroom_teacher_id,
            )
            for g in chosen
        ]
    CouncilMember.objects.bulk_create(members, batch_size=500)


#: The columns of the message copies ``_insert`` writes (the rest take the model's defaults).
DELIVERY_COLUMNS = (
    "school_id",
    "message_id",
    "owner_id",
    "is_sender_copy",
    "folder",
    "is_unread",
    "first_read_at",
    "created_at",
)


def _insert(plan: _Plan, *, school_id: int) -> None:
    # Replies point at openers, so openers are inserted first (they come first in the plan).
    messages = [m for m, _ in plan.rows]
    openers = [m for m in messages if m.reply_to is None]
    replies = [m for m in messages if m.reply_to is not None]
    Message.objects.bulk_create(openers, batch_size=500)
    for reply in replies:
        reply.reply_to_id = reply.reply_to.pk if reply.reply_to else None
    Message.objects.bulk_create(replies, batch_size=500)
    # The sender's copy, then one a recipient (rows of DELIVERY_COLUMNS).
    copies: list[tuple[object, ...]] = []
    sent, inbox = Folder.SENT.value, Folder.INBOX.value
    for msg, recipients in plan.rows:
        at = msg.created_at
        copies.append((school_id, msg.pk, msg.sender_id, True, sent, False, None, at))
        copies += [
            (school_id, msg.pk, owner_id, False, inbox, read_at is None, read_at, at)
            for owner_id, read_at in recipients
            if owner_id != msg.sender_id
        ]
    insert_rows(Delivery, DELIVERY_COLUMNS, copies)


def settle_service_messages(*, school_id: int, since: datetime.datetime) -> None:
    """Messages, excuses and history entries the services wrote while the demo was loaded
    (an excuse sent to the homeroom teacher, the default remark categories) carry the
    loading time; move them to the latest moment in school hours, like every other demo
    message."""
    from kajet.attendance.models import Excuse
    from kajet.core.models import HistoryEntry

    moment = latest_school_moment(timezone.now())
    HistoryEntry.objects.filter(school_id=school_id, at__gte=since).update(at=moment)
    Message.objects.filter(school_id=school_id, created_at__gte=since).update(created_at=moment)
    Delivery.objects.filter(school_id=school_id, created_at__gte=since).update(created_at=moment)
    Excuse.objects.filter(school_id=school_id, created_at__gte=since).update(created_at=moment)


STAFF_MEETING = (
    "Posiedzenie rady pedagogicznej",
    "Szanowni Państwo,\n\nzapraszam na posiedzenie rady pedagogicznej w przyszły wtorek o 15:00 "
    "w pokoju nauczycielskim. Porządek obrad prześlę osobno.\n\n{principal}, dyrektor szkoły",
)


def leave_unread(users: list[User], *, principal: User | None) -> None:
    """Each of ``users`` has at least one unread message: when all are read, the newest one
    received becomes unread again (its sender's read count follows); with none at all, the
    principal's invitation to the staff meeting arrives (staff only)."""
    for user in users:
        inbox = Delivery.objects.filter(owner=user, folder=Folder.INBOX, is_sender_copy=False)
        if inbox.filter(is_unread=True).exists():
            continue
        newest = inbox.order_by("-created_at", "-pk").first()
        if newest is not None:
            inbox.filter(pk=newest.pk).update(is_unread=True, first_read_at=None)
            Message.objects.filter(pk=newest.message_id, read_count__gt=0).update(
                read_count=F("read_count") - 1
            )
        elif principal is not None and user.kind == User.Kind.STAFF and user != principal:
            subject, body = STAFF_MEETING
            plan = _Plan()
            plan.add(
                Message(
                    school_id=user.school_pk,
                    sender=principal,
                    subject=subject,
                    body=body.format(principal=principal.full_name),
                    created_at=latest_school_moment(timezone.now()),
                    recipients_label=user.full_name,
                ),
                [(user.pk, None)],
            )
            _insert(plan, school_id=user.school_pk)
