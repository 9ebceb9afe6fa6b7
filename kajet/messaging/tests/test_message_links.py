"""A message body's web addresses and Kajet's own paths become links; nothing else does."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from kajet.messaging.templatetags.message_text import message_links


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Approve here: /frekwencja/usprawiedliwienia/12/",
            'Approve here: <a href="/frekwencja/usprawiedliwienia/12/">'
            "/frekwencja/usprawiedliwienia/12/</a>",
        ),
        (
            "See /frekwencja/usprawiedliwienia/12/.",
            'See <a href="/frekwencja/usprawiedliwienia/12/">'
            "/frekwencja/usprawiedliwienia/12/</a>.",
        ),
        # Not one of Kajet's pages: text.
        ("Folder /home/user/docs", "Folder /home/user/docs"),
        ("and/or", "and/or"),
        ("a // b", "a // b"),
        # Escaped, never markup.
        ("<b>/oceny/</b>", "&lt;b&gt;/oceny/&lt;/b&gt;"),
        ("/oceny/<script>", "/oceny/&lt;script&gt;"),
        # Full addresses as urlize links them.
        (
            "https://example.org/powtorka",
            '<a href="https://example.org/powtorka" rel="nofollow">https://example.org/powtorka</a>',
        ),
        ("line one\nline two", "line one\nline two"),
    ],
)
def test_message_links(body: str, expected: str) -> None:
    assert message_links(body) == expected


def test_the_filter_in_a_template_keeps_line_breaks() -> None:
    rendered = Template("{% load message_text %}{{ body|message_links|linebreaksbr }}").render(
        Context({"body": "Proszę:\n/oceny/\n<i>"})
    )
    assert rendered == 'Proszę:<br><a href="/oceny/">/oceny/</a><br>&lt;i&gt;'
