"""The class register PDF of a 500-student class (issue 12): time, queries, pages and peak
memory of the background job that renders it in parts (kajet/records/printing.py).

Seeds a throw-away SQLite database (the test factories' school, a class of ``--students``
students, ``--days`` school days of six lessons with everyone's attendance, a grade column a
day with everyone's mark), asks for the register as the homeroom teacher would and runs the
job in process:

    .venv/bin/python bench/register_pdf.py --students 500 --days 20

Prints one Markdown row (``--record`` appends it to bench/RESULTS.md). Peak memory is the
process's maximum RSS (``ru_maxrss``) after seeding and after rendering.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = "## Printouts: class register PDF in parts (bench/register_pdf.py)"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--record", action="store_true", help="append the row to RESULTS.md")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kajet-bench-register-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["KAJET_MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope, scopes_disabled

    call_command("migrate", verbosity=0)
    from kajet.attendance import services as attendance_services
    from kajet.attendance.models import AttendanceMark, Lesson
    from kajet.grades.models import Grade, GradeCategory, GradeColumn
    from kajet.records import printing
    from kajet.records.models import PrintJob
    from kajet.school.models import LessonPeriod, Student

    # The tests' factories (not type-checked: kajet/testutils is outside mypy's files).
    factories: Any = importlib.import_module("kajet.testutils.factories")
    CourseFactory, StudentFactory = factories.CourseFactory, factories.StudentFactory

    seed_start = time.perf_counter()
    with scopes_disabled():
        world = factories.make_world("a")
        school = world.school
        for number in (4, 5, 6):
            LessonPeriod.objects.create(
                school=school, number=number, starts_at=f"1{number}:00", ends_at=f"1{number}:45"
            )
        for number in range(2, args.students + 1):
            StudentFactory(school_class=world.school_class, class_number=number)
        students = list(Student.objects.filter(school_class=world.school_class))
        courses = [world.course] + [
            CourseFactory(
                school=school,
                school_class=world.school_class,
                subject__name=name,
                subject__short_name=name[:3].upper(),
                teacher=world.user("teacher"),
            )
            for name in ("Język polski", "Historia", "Biologia", "Geografia", "Angielski")
        ]
        periods = list(LessonPeriod.objects.filter(school=school).order_by("number"))
        types = attendance_services.attendance_types_for(school)
        present = attendance_services.standard_type(types, "present")
        absent = attendance_services.standard_type(types, "absent")
        category = GradeCategory.objects.create(school=school, name="Kartkówka", weight=1)
        day = datetime.date(2026, 11, 2)
        days = 0
        while days < args.days:
            if day.weekday() < 5:
                days += 1
                with transaction.atomic():
                    for i, period in enumerate(periods):
                        course = courses[(i + days) % len(courses)]
                        lesson = Lesson.objects.create(
                            school=school,
                            course=course,
                            date=day,
                            period=period,
                            topic=f"Temat {days}.{i + 1}",
                            teacher=course.teacher,
                        )
                        AttendanceMark.objects.bulk_create(
                            AttendanceMark(
                                school=school,
                                lesson=lesson,
                                student=s,
                                type=absent if (s.pk + days + i) % 17 == 0 else present,
                            )
                            for s in students
                        )
                    course = courses[days % len(courses)]
                    column = GradeColumn.objects.create(
                        school=school, course=course, term=world.term, category=category, date=day
                    )
                    Grade.objects.bulk_create(
                        Grade(
                            school=school,
                            student=s,
                            course=course,
                            term=world.term,
                            column=column,
                            text=str(2 + s.pk % 4),
                            value=2 + s.pk % 4,
                        )
                        for s in students
                    )
            day += datetime.timedelta(days=1)
        last_day = day - datetime.timedelta(days=1)
    seed_seconds = time.perf_counter() - seed_start
    rss_before = _rss_mb()

    user = world.user("homeroom_teacher")
    start = time.perf_counter()
    cpu = time.process_time()
    # In the embedded default the job runs in process right after the request's commit
    # (Celery eager), as in `make run`: asking for it renders it.
    with scope(school=school), CaptureQueriesContext(connection) as captured:
        job = printing.print_job_request(
            actor=user,
            kind=PrintJob.Kind.CLASS_REGISTER,
            params={
                "class": world.school_class.pk,
                "start": "2026-11-02",
                "end": last_day.isoformat(),
            },
            title="bench",
            filename="dziennik.pdf",
        )
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    with scopes_disabled():
        job.refresh_from_db()
        result = job.status
        size = job.file.size if job.file else 0
    load = os.getloadavg()[0]
    row = (
        f"| {datetime.date.today()} | {args.students} students, {args.days} school days "
        f"({args.days * len(periods)} lessons, {args.students * args.days * len(periods)} marks, "
        f"{args.days} grade columns) | {result} | {seconds:.1f} s (CPU {cpu_seconds:.1f} s) "
        f"| {job.total} parts, {len(captured)} queries "
        f"({len(captured) / max(job.total, 1):.1f}/part incl. progress updates) "
        f"| {job.pages} pages, {size / 1024 / 1024:.1f} MB "
        f"| {rss_before:.0f} → {_rss_mb():.0f} MB "
        f"| SQLite, 2 cores, load {load:.1f} (other helpers' tests running) |"
    )
    print(f"seeded in {seed_seconds:.0f} s in {work}")
    print(row)
    if args.record:
        results = ROOT / "bench" / "RESULTS.md"
        text = results.read_text()
        if HEADER not in text:
            text += (
                f"\n{HEADER}\n\n"
                "The job that renders the class register in parts (five school days or four "
                "subjects a part, joined with pypdf), run in process on a seeded SQLite "
                "database. Command: `.venv/bin/python bench/register_pdf.py --students 500 "
                "--days 20 --record`. Peak RSS is the process's maximum after seeding → after "
                "rendering.\n\n"
                "| date | data | result | time | queries | output | peak RSS | machine |\n"
                "|---|---|---|---:|---|---|---|---|\n"
            )
        results.write_text(text.rstrip("\n") + "\n" + row + "\n")


if __name__ == "__main__":
    main()
