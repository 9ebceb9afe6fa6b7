"""The seed's registration path: Rozpocznij → Pierwszy raz → the notice → Utwórz Konto Kajet."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kajet.portal.models import PortalAccount
from kajet.portal.services import terms_current, terms_publish

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "Ala.Kowalska@Example.pl",
    "password": "Zeszyt-w-kratke-7",
    "password_again": "Zeszyt-w-kratke-7",
    "age_range": "18+",
    "guardian_email": "",
    "accept_terms": "on",
}


def test_path_from_the_family_sign_in_page(committed: Any, client: Client) -> None:
    family = client.get(reverse("accounts:login") + "?jako=rodzina")
    assert reverse("portal:start") in family.content.decode()
    start = client.get(reverse("portal:start"))
    assert reverse("portal:first_time") in start.content.decode()
    notice = client.get(reverse("portal:first_time"))
    assert reverse("portal:register") in notice.content.decode()
    form = client.get(reverse("portal:register"))
    assert form.status_code == 200
    assert terms_current() is not None and terms_current().text[:20] in form.content.decode()


def test_polish_wording_of_the_path(committed: Any, client: Client, settings: Any) -> None:
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        family = client.get(reverse("accounts:login") + "?jako=rodzina").content.decode()
        start = client.get(reverse("portal:start")).content.decode()
        notice = client.get(reverse("portal:first_time")).content.decode()
        form = client.get(reverse("portal:register")).content.decode()
    assert "Rozpocznij" in family
    assert "Czy korzystasz z Kajetu pierwszy raz?" in start
    assert "Pierwszy raz" in start
    assert "Rozumiem, zakładam Konto Kajet" in notice
    assert "Utwórz Konto Kajet" in form
    assert "poniżej 13" in form and "18 lub więcej" in form


def test_register_sends_the_activation_link_and_the_terms(committed: Any, client: Client) -> None:
    response = committed(client.post, reverse("portal:register"), GOOD)
    assert response.status_code == 302
    account = PortalAccount.objects.get()
    assert account.email == "ala.kowalska@example.pl"
    assert account.activated_at is None
    assert account.password != GOOD["password"] and account.check_password(GOOD["password"])
    (message,) = mail.outbox
    assert message.to == ["ala.kowalska@example.pl"]
    assert "/konto-kajet/aktywuj/?t=" in message.body
    terms = terms_current()
    assert terms is not None
    assert terms.text.splitlines()[0] in message.body
    assert (
        f"(wersja {terms.version})" in message.body or f"(version {terms.version})" in message.body
    )
    assert client.get(response["Location"]).status_code == 200


def test_under_16_sends_the_link_to_the_guardian(committed: Any, client: Client) -> None:
    data = GOOD | {"age_range": "13-15", "guardian_email": "mama@example.pl"}
    assert committed(client.post, reverse("portal:register"), data).status_code == 302
    to_guardian, to_child = mail.outbox
    assert to_guardian.to == ["mama@example.pl"] and "aktywuj/?t=" in to_guardian.body
    assert to_child.to == ["ala.kowalska@example.pl"] and "aktywuj/?t=" not in to_child.body
    assert PortalAccount.objects.get().guardian_email == "mama@example.pl"


def test_adult_guardian_address_is_not_kept(committed: Any, client: Client) -> None:
    committed(client.post, reverse("portal:register"), GOOD | {"guardian_email": "mama@example.pl"})
    assert PortalAccount.objects.get().guardian_email == ""


BAD = [
    ({"email": "nie-adres"}, "email", "Podaj poprawny adres e-mail."),
    ({"password": "1234567890", "password_again": "1234567890"}, "password", "Hasło"),
    ({"password_again": "Inne-haslo-99"}, "password_again", "Oba hasła są różne."),
    ({"age_range": "13-15"}, "guardian_email", "Poniżej 16 lat potrzebny jest adres e-mail"),
    (
        {"age_range": "u13", "guardian_email": "ala.kowalska@example.pl"},
        "guardian_email",
        "Adres opiekuna musi być inny niż Twój.",
    ),
    ({"accept_terms": ""}, "accept_terms", "Musisz zaakceptować regulamin."),
    ({"age_range": "99"}, "age_range", "Wybierz poprawną wartość."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_bad_input_is_refused_in_polish_and_nothing_changes(
    committed: Any, client: Client, settings: Any, change: dict[str, str], field: str, message: str
) -> None:
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        response = committed(client.post, reverse("portal:register"), GOOD | change)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not PortalAccount.objects.exists()
    assert not mail.outbox


def test_taken_address_is_refused(committed: Any, client: Client, settings: Any) -> None:
    committed(client.post, reverse("portal:register"), GOOD)
    mail.outbox.clear()
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        response = committed(
            client.post, reverse("portal:register"), GOOD | {"email": "ALA.kowalska@example.pl"}
        )
    assert response.status_code == 400
    assert "Konto Kajet z tym adresem e-mail już istnieje." in response.content.decode()
    assert PortalAccount.objects.count() == 1
    assert not mail.outbox


def test_registration_records_the_language(committed: Any, client: Client, settings: Any) -> None:
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        committed(client.post, reverse("portal:register"), GOOD)
    assert PortalAccount.objects.get().language == "pl"
    assert mail.outbox[0].subject == "Aktywuj Konto Kajet"


def test_new_terms_version_is_the_one_sent(committed: Any, client: Client) -> None:
    terms_publish(text="Regulamin w wersji drugiej.")
    committed(client.post, reverse("portal:register"), GOOD)
    assert "Regulamin w wersji drugiej." in mail.outbox[0].body
