"""Printouts as PDF (WeasyPrint): an HTML template laid out for A4 by print CSS, rendered in
Polish (the statutory documents are Polish whatever the interface language), each page with
the school's name, the date and who printed it."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kajet.accounts.models import User
from kajet.core.models import School


def pdf_bytes(
    template: str, context: dict[str, Any], *, school: School, user: User | None
) -> bytes:
    """The PDF of ``template`` with the header and footer fields in the context."""
    from weasyprint import HTML  # imported here: loading pango is not free for other pages

    full = {
        "school": school,
        "printed_at": timezone.localtime(),
        "printed_by": user.full_name if user is not None else "",
        **context,
    }
    with translation.override("pl"):
        html = render_to_string(template, full)
    return bytes(HTML(string=html).write_pdf())


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
