"""The OpenAPI schema's view of what every API write shares: the ``Idempotency-Key`` header."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from kajet.api import idempotency

IDEMPOTENCY_KEY = OpenApiParameter(
    name=idempotency.HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description=(
        "Any unique string (a UUID) per intended write. A retry with the same key gets the "
        "first answer again (header `Idempotent-Replayed: true`) and creates nothing; the same "
        "key with a different request is refused with 422. Keys are kept for a day per user."
    ),
)


class KajetAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        from kajet.api.base import ScopedAPIView  # the views that honour the key

        if self.method in idempotency.WRITES and isinstance(self.view, ScopedAPIView):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters
