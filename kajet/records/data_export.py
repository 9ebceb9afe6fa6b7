"""The family's data export (GDPR art. 15 and 20) as one ZIP: ``dane.json`` (the student's
data, see ``selectors.data_export``) and ``raport.pdf`` (the family report for the school
year, the same PDF as on the Printouts page)."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder

from kajet.accounts.models import User
from kajet.records.pdf import pdf_bytes
from kajet.records.selectors.data_export import family_data
from kajet.records.selectors.family import family_report
from kajet.school.models import Student, Term


def family_export_zip(student: Student, *, viewer: User) -> bytes:
    """The ZIP for ``viewer`` (a guardian of ``student`` or the student themself)."""
    data = family_data(student, viewer=viewer)
    terms = list(Term.objects.filter(year_id=student.school_class.year_id).order_by("number"))
    report = family_report(student, None, terms)
    pdf = pdf_bytes(
        "records/pdf/family_report.html", {"report": report}, school=student.school, user=viewer
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "dane.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        archive.writestr("raport.pdf", pdf)
    return buffer.getvalue()
