"""The API's parsers: DRF's own, with invisible characters removed from every string of the
body (``kajet.core.text``; pages get the same through ``CleanInputMiddleware``)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework import parsers

from kajet.core.text import clean_data, strip_invisible


def _clean_query_dict(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(key, [strip_invisible(v) if isinstance(v, str) else v for v in values])
    cleaned._mutable = False
    return cleaned


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return clean_data(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return _clean_query_dict(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(_clean_query_dict(parsed.data), parsed.files)
