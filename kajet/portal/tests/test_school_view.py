"""The school sees on the student's page whether a guardian's login is on a Kajet account and
when it was last used, never the account's e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kajet.portal.models import PortalAccount
from kajet.portal.tests.conftest import link, portal_client
from kajet.testutils.factories import SchoolWorld, guardian_for

pytestmark = pytest.mark.django_db


def test_office_sees_link_and_last_use_not_the_email(
    account: PortalAccount, world: SchoolWorld, client_for: Any
) -> None:
    url = reverse("school:student_detail", args=[world.student.pk])
    office = client_for(world.user("secretariat"))
    before = office.get(url).content.decode()
    assert "Not on a Kajet account" in before
    own = link(account, world.user("guardian"))
    page = office.get(url).content.decode()
    assert "On a Kajet account, not used yet" in page
    portal_client(account).post(reverse("portal:switch"), {"link": own.pk})
    page = office.get(url).content.decode()
    assert "On a Kajet account, last used" in page
    assert account.email not in page


def test_student_page_query_count_does_not_grow_with_links(
    account: PortalAccount,
    world: SchoolWorld,
    client_for: Any,
    django_assert_num_queries: Any,
) -> None:
    url = reverse("school:student_detail", args=[world.student.pk])
    office = client_for(world.user("secretariat"))
    office.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        office.get(url)
    for n in range(3):
        extra = guardian_for(world.student, login=f"88000{n}")
        link(PortalAccount.objects.create(email=f"g{n}@example.pl", age_range="18+"), extra)
    link(account, world.user("guardian"))
    with CaptureQueriesContext(connection) as large:
        office.get(url)
    assert len(large) == len(small)
