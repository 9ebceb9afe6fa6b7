"""Who may touch which portal object: only the signed-in portal account its own links.

Portal pages are not role-based (a portal account has no role in any school), so there is no
``PERMISSIONS`` table here; every object comes through ``access_*`` and answers 404 for
"missing" and "not yours" alike."""

from __future__ import annotations

from django.http import Http404

from kajet.portal.models import LoginLink, PortalAccount


def access_login_link(account: PortalAccount, link_id: int | None) -> LoginLink:
    if link_id is None:
        raise Http404
    link = (
        LoginLink.objects.select_related("user", "user__school")
        .filter(pk=link_id, account=account)
        .first()
    )
    if link is None:
        raise Http404
    return link
