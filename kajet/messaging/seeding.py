"""Demo and benchmark messages: teacher ↔ guardian threads, class messages from homeroom
teachers, a school-wide message from the principal, students asking teachers; some read, some
not; a parents' council in every class. Deterministic and bulk (a few INSERTs per kind)."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from kajet.accounts.models import Role, StaffRole, User
from kajet.messaging.models import CouncilMember, Delivery, Folder, Message
from kajet.school.models import Guardianship
from kajet.school.seeding import SeededSchool

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


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    school = seeded.school
    rng = random.Random(f"messaging-{school.name}")
    tz = timezone.get_current_timezone()
    now = timezone.now()
    base = datetime.datetime.combine(today, datetime.time(8, 0), tzinfo=tz)
    if base > now:
        base = now

    def at(days_ago: float, hour: int = 0) -> datetime.datetime:
        return base - datetime.timedelta(days=days_ago) + datetime.timedelta(hours=hour)

    links = list(
        Guardianship.objects.filter(school=school)
        .select_related("guardian", "student__user", "student__school_class")
        .order_by("student__school_class_id", "student__class_number", "id")
    )
    children: dict[int, int] = defaultdict(int)
    for link in links:
        children[link.guardian_id] += 1
    by_class: dict[int, list[Guardianship]] = defaultdict(list)
    # Families with several children first: the demo family is one, and its threads show
    # which child a message concerns.
    for link in sorted(links, key=lambda lk: -children[lk.guardian_id]):
        by_class[link.student.school_class_id].append(link)
    principal = (
        User.objects.filter(role_rows__role=Role.PRINCIPAL, school=school).order_by("id").first()
    )
    teacher_of_class: dict[int, list[int]] = defaultdict(list)
    for course in seeded.courses:
        if course.teacher_id not in teacher_of_class[course.school_class_id]:
            teacher_of_class[course.school_class_id].append(course.teacher_id)
    staff = {u.pk: u for u in seeded.teachers} | {u.pk: u for u in seeded.staff_by_login.values()}
    pedagogue_ids = list(
        StaffRole.objects.filter(school=school, role=Role.PEDAGOGUE).values_list(
            "user_id", flat=True
        )
    )
    threads_per_class = 3 if scale == "demo" else 1
    plan = _Plan()

    def message(
        sender: User, subject: str, body: str, when: datetime.datetime, label: str, **kw: object
    ) -> Message:
        return Message(
            school=school,
            sender=sender,
            subject=subject[:150],
            body=body,
            created_at=when,
            recipients_label=label[:300],
            **kw,
        )

    def maybe_read(when: datetime.datetime, share: float) -> datetime.datetime | None:
        if rng.random() >= share:
            return None
        return min(now, when + datetime.timedelta(minutes=rng.randint(5, 60 * 30)))

    for school_class in seeded.classes:
        families = by_class.get(school_class.pk, [])
        homeroom = staff.get(school_class.homeroom_teacher_id or 0)
        if homeroom is None and school_class.homeroom_teacher_id:
            homeroom = User.objects.get(pk=school_class.homeroom_teacher_id)
        # A class message from the homeroom teacher to all guardians of the class.
        if homeroom is not None and families:
            subject, body = CLASS_MESSAGES[rng.randrange(len(CLASS_MESSAGES))]
            when = at(rng.uniform(3, 20))
            guardians = sorted({f.guardian_id for f in families})
            plan.add(
                message(
                    homeroom,
                    subject.format(klass=school_class.name),
                    body.format(teacher=homeroom.full_name),
                    when,
                    f"Rodzice klasy {school_class.name}",
                ),
                [(g, maybe_read(when, 0.7)) for g in guardians],
            )
        # Threads: guardian → homeroom teacher (or a teacher), reply, thanks.
        seen: set[int] = set()
        for link in families:
            if len(seen) >= threads_per_class:
                break
            if link.guardian_id in seen:
                continue
            seen.add(link.guardian_id)
            teacher = homeroom
            teacher_ids = teacher_of_class.get(school_class.pk, [])
            if teacher is None or (teacher_ids and rng.random() < 0.3):
                teacher = staff.get(rng.choice(teacher_ids)) if teacher_ids else None
            if teacher is None:
                continue
            guardian, child = link.guardian, link.student
            pick = rng.randrange(len(GUARDIAN_OPENERS))
            subject, body = GUARDIAN_OPENERS[pick]
            first_at = at(rng.uniform(1, 10), hour=rng.randint(0, 10))
            words = {"child": child.user.first_name, "guardian": guardian.full_name}
            opener = message(
                guardian,
                subject.format(**words),
                body.format(**words),
                first_at,
                teacher.full_name,
                concerns_student=child,
            )
            first_family = len(seen) == 1
            answered = first_family or rng.random() < 0.75
            plan.add(
                opener, [(teacher.pk, first_at + datetime.timedelta(hours=1) if answered else None)]
            )
            if answered:
                reply_at = first_at + datetime.timedelta(hours=2)
                reply = message(
                    teacher,
                    f"Re: {opener.subject}",
                    TEACHER_REPLIES[pick].format(teacher=teacher.full_name),
                    reply_at,
                    guardian.full_name,
                    concerns_student=child,
                    reply_to=opener,
                )
                plan.add(
                    reply, [(guardian.pk, None if first_family else maybe_read(reply_at, 0.6))]
                )
        # A student asks a teacher.
        students = [f.student for f in families[:1]]
        for student in students:
            teacher_ids = teacher_of_class.get(school_class.pk, [])
            if not teacher_ids or rng.random() < 0.5:
                continue
            teacher = staff.get(teacher_ids[0])
            if teacher is None:
                continue
            subject, body = STUDENT_QUESTIONS[rng.randrange(len(STUDENT_QUESTIONS))]
            when = at(rng.uniform(0.2, 6))
            plan.add(
                message(student.user, subject, body, when, teacher.full_name),
                [(teacher.pk, maybe_read(when, 0.5))],
            )
    # A school-wide message from the principal to every guardian.
    guardian_ids = sorted({link.guardian_id for link in links})
    if principal is not None and guardian_ids:
        subject, body = SCHOOL_MESSAGE
        when = at(12)
        plan.add(
            message(
                principal,
                subject,
                body.format(principal=principal.full_name),
                when,
                "Wszyscy rodzice",
            ),
            [(g, maybe_read(when, 0.65)) for g in guardian_ids],
        )
        if pedagogue_ids:
            when = at(2)
            plan.add(
                message(
                    principal,
                    "Dyżury w czasie przerw",
                    "Proszę o zapoznanie się z nowym grafikiem dyżurów.",
                    when,
                    "Pedagog szkolny",
                ),
                [(p, maybe_read(when, 0.5)) for p in pedagogue_ids],
            )
    _insert(plan, school_id=school.pk)

    # A parents' council of three guardians in every class.
    members = []
    for school_class in seeded.classes:
        chosen = sorted({f.guardian_id for f in by_class.get(school_class.pk, [])})[:3]
        members += [
            CouncilMember(
                school=school,
                school_class=school_class,
                guardian_id=g,
                appointed_by_id=school_class.homeroom_teacher_id,
            )
            for g in chosen
        ]
    CouncilMember.objects.bulk_create(members, batch_size=500)


def _insert(plan: _Plan, *, school_id: int) -> None:
    # Replies point at openers, so openers are inserted first (they come first in the plan).
    messages = [m for m, _ in plan.rows]
    openers = [m for m in messages if m.reply_to is None]
    replies = [m for m in messages if m.reply_to is not None]
    Message.objects.bulk_create(openers, batch_size=500)
    for reply in replies:
        reply.reply_to_id = reply.reply_to.pk if reply.reply_to else None
    Message.objects.bulk_create(replies, batch_size=500)
    copies: list[Delivery] = []
    for msg, recipients in plan.rows:
        copies.append(
            Delivery(
                school_id=school_id,
                message=msg,
                owner_id=msg.sender_id,
                is_sender_copy=True,
                folder=Folder.SENT,
                is_unread=False,
                created_at=msg.created_at,
            )
        )
        for owner_id, read_at in recipients:
            if owner_id == msg.sender_id:
                continue
            copies.append(
                Delivery(
                    school_id=school_id,
                    message=msg,
                    owner_id=owner_id,
                    folder=Folder.INBOX,
                    is_unread=read_at is None,
                    first_read_at=read_at,
                    created_at=msg.created_at,
                )
            )
    Delivery.objects.bulk_create(copies, batch_size=1000)
