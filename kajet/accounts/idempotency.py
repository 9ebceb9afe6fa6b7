"""One-time keys on the pages' create forms (issue 14.10; the API's ``Idempotency-Key`` is
``kajet.api.idempotency``, on the same table).

A create form carries ``{% form_key %}``: a hidden ``form_key`` with a new UUID each time the
form is shown. ``FormKeyMiddleware`` runs a POST that has one in one transaction with a record
of the key: a successful save (a redirect) keeps the record and its target; the same key
again (a double click, a browser retrying after a dropped connection whose save had
committed) is answered with the same redirect and saves nothing. A form shown again with
errors keeps no record, so correcting it and saving again works.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from kajet.accounts.models import IdempotentWrite, User

FIELD = "form_key"
KEEP = datetime.timedelta(days=1)
MAX_KEY = 255


def page_fingerprint(request: HttpRequest) -> str:
    return hashlib.sha256(f"page\0{request.path}".encode()).hexdigest()


class FormKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.method != "POST"
            or not isinstance(user, User)
            or request.path.startswith("/api/")
        ):
            return self.get_response(request)
        key = request.POST.get(FIELD, "").strip()[:MAX_KEY]
        if not key:
            return self.get_response(request)
        IdempotentWrite.objects.filter(user=user, created_at__lt=timezone.now() - KEEP).delete()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotentWrite.objects.create(
                        user=user, key=key, fingerprint=page_fingerprint(request)
                    )
            except IntegrityError:
                earlier = IdempotentWrite.objects.filter(user=user, key=key).first()
                if earlier is not None and earlier.location:
                    return HttpResponseRedirect(earlier.location)
                return self.get_response(request)  # a different form reused a key: as usual
            response = self.get_response(request)
            if 300 <= response.status_code < 400 and response.get("Location"):
                record.status = response.status_code
                record.location = response["Location"][:500]
                record.save(update_fields=["status", "location"])
            else:
                record.delete()
            return response
