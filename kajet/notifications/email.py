"""E-mail for notifications.

``send_transactional`` (re-exported from ``kajet.core.mail``, where apps below this one in the
layer order can import it too) sends one message in the user's language after commit: see
that module's docstring for the template convention.
"""

from __future__ import annotations

from kajet.core.mail import RenderedEmail, render_email, send_transactional

__all__ = ["RenderedEmail", "render_email", "send_transactional"]
