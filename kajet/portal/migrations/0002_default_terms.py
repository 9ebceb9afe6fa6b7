"""The first version of the terms, so a fresh deployment can register accounts; the operator
replaces it with ``manage.py portal_terms FILE`` (a new version each time)."""

from django.db import migrations

DEFAULT_TERMS = """Regulamin Konta Kajet (wersja 1)

1. Konto Kajet zakłada rodzic, opiekun lub uczeń, podając adres e-mail, hasło i przedział wiekowy.
   Osoba poniżej 16 lat zakłada konto za zgodą rodzica lub opiekuna, który potwierdza je
   linkiem wysłanym na swój adres.
2. Link aktywacyjny działa 14 dni. Rejestracja nieaktywowana w tym czasie jest usuwana wraz z
   danymi podanymi w formularzu.
3. Do konta dodaje się loginy otrzymane w szkole. Konto nie daje dostępu do niczego ponad to,
   co widzi dany login szkolny; szkoła widzi, że login jest dodany do Konta Kajet i kiedy był
   ostatnio użyty, ale nie widzi adresu e-mail.
4. Konto można w każdej chwili usunąć; loginy szkolne i dane w dzienniku szkoły pozostają
   nienaruszone.
5. Administratorem danych konta jest operator tej instalacji Kajetu.
"""


def add_terms(apps, schema_editor):
    Terms = apps.get_model("portal", "Terms")
    if not Terms.objects.exists():
        Terms.objects.create(version=1, text=DEFAULT_TERMS)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(add_terms, migrations.RunPython.noop)]
