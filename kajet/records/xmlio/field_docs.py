"""The documentation (English, Polish) of exported fields whose model gives no readable
``verbose_name``, and per-entity overrides where the generic text would mislead."""

from __future__ import annotations

# Fields whose model gives no readable verbose_name: (en, pl).
FIELD_DOCS: dict[str, tuple[str, str]] = {
    "id": (
        "Identifier of the row in the exporting database, unique within its kind.",
        "Identyfikator wiersza w eksportującej bazie, unikalny w obrębie rodzaju.",
    ),
    "created_at": ("When the row was created.", "Kiedy wiersz utworzono."),
    "updated_at": ("When the row was last changed.", "Kiedy wiersz ostatnio zmieniono."),
    "version": (
        "Number of the row's version, growing with every change.",
        "Numer wersji wiersza, rosnący przy każdej zmianie.",
    ),
    "deleted_at": (
        "When the row was deleted (soft delete); empty while it is in use.",
        "Kiedy wiersz usunięto (usunięcie miękkie); puste, dopóki obowiązuje.",
    ),
    "deleted_by": ("Who deleted the row.", "Kto usunął wiersz."),
    "created_by": ("Who created the row.", "Kto utworzył wiersz."),
    "author": ("Author.", "Autor."),
    "is_staff": ("Operator access (not used by schools).", "Dostęp operatora."),
    "date_joined": ("When the login was created.", "Kiedy utworzono login."),
    "must_change_password": (
        "The user must set a new password at the next sign-in.",
        "Użytkownik musi ustawić nowe hasło przy następnym logowaniu.",
    ),
    "user": ("The user (login).", "Użytkownik (login)."),
    "login": ("The school login.", "Login szkolny."),
    "school_class": ("The class.", "Oddział (klasa)."),
    "subject": ("The subject.", "Przedmiot."),
    "period": ("The lesson period (bell schedule).", "Godzina lekcyjna (dzwonki)."),
    "room": ("The room.", "Sala."),
    "teacher": ("The teacher.", "Nauczyciel."),
    "category": ("The grade category.", "Kategoria oceny."),
    "scale": ("The scale of current marks.", "Skala ocen bieżących."),
    "status": ("Status.", "Stan."),
    "role": ("Staff role.", "Rola pracownika."),
    "student": ("The student.", "Uczeń."),
    "guardian": ("The guardian.", "Rodzic (opiekun)."),
    "group": ("The group of a class.", "Grupa oddziału."),
    "course": ("The course (teaching assignment).", "Przydział (nauczyciel, przedmiot, oddział)."),
    "term": ("The term (empty: the whole school year).", "Okres (puste: cały rok szkolny)."),
    "kind": ("Kind.", "Rodzaj."),
    "column": ("The grade column.", "Kolumna ocen."),
    "value": ("Numeric value.", "Wartość liczbowa."),
    "corrects": (
        "The grade this grade corrects (poprawa).",
        "Ocena, którą ta ocena poprawia (poprawa).",
    ),
    "year": ("The school year.", "Rok szkolny."),
    "set_by": ("Who set it.", "Kto wystawił."),
    "lesson": ("The lesson held.", "Lekcja zrealizowana."),
    "type": ("The attendance type.", "Typ frekwencji."),
    "is_standard": ("A standard (built-in) type.", "Typ standardowy (wbudowany)."),
    "submitted_by": ("Who sent the excuse.", "Kto przesłał usprawiedliwienie."),
    "decided_by": ("Who decided.", "Kto rozpatrzył."),
    "decided_at": ("When it was decided.", "Kiedy rozpatrzono."),
    "withdrawn_at": ("When it was withdrawn.", "Kiedy wycofano."),
    "message": ("The message.", "Wiadomość."),
    "excuse": ("The excuse.", "Usprawiedliwienie."),
    "mark": ("The attendance mark.", "Wpis frekwencji."),
    "outcome": ("What the decision did to this absence.", "Skutek decyzji dla tej nieobecności."),
    "plan": ("The timetable version.", "Wersja planu lekcji."),
    "entry": ("The timetable entry.", "Pozycja planu lekcji."),
    "homework": ("The homework.", "Zadanie domowe."),
    "done_at": ("When the student ticked it done.", "Kiedy uczeń oznaczył jako wykonane."),
    "announcement": ("The announcement.", "Ogłoszenie."),
    "read_at": ("When the user first read it.", "Kiedy użytkownik pierwszy raz przeczytał."),
    "sender": ("The sender.", "Nadawca."),
    "reply_to": ("The message this one answers.", "Wiadomość, na którą ta odpowiada."),
    "forward_of": ("The message this one forwards.", "Wiadomość przekazywana dalej."),
    "recipients_label": ("The recipients as shown.", "Adresaci, jak je wyświetlono."),
    "recipient_count": ("Number of recipients.", "Liczba adresatów."),
    "read_count": ("Number of recipients who read it.", "Liczba adresatów, którzy przeczytali."),
    "attachment_count": ("Number of attachments.", "Liczba załączników."),
    "owner": ("Whose copy it is.", "Czyja to kopia."),
    "is_sender_copy": ("The sender's own copy.", "Kopia nadawcy."),
    "folder": ("The owner's folder.", "Folder właściciela."),
    "is_unread": (
        "Unread in the owner's view (the owner may mark it unread again).",
        "Nieprzeczytana w widoku właściciela (właściciel może oznaczyć ponownie).",
    ),
    "appointed_by": ("Who appointed the member.", "Kto powołał członka."),
    "appointed_at": ("When the member was appointed.", "Kiedy powołano członka."),
    "drawn_at": ("When the number was drawn.", "Kiedy wylosowano numer."),
    "at": ("When the change was made.", "Kiedy dokonano zmiany."),
    "actor": ("Who made the change (empty: the system).", "Kto dokonał zmiany (puste: system)."),
    "code": ("Code.", "Kod."),
    "object_type": ("Kind of the changed object.", "Rodzaj zmienionego obiektu."),
    "object_id": ("Identifier of the changed object.", "Identyfikator zmienionego obiektu."),
    "old": ("The value before the change (JSON).", "Wartość przed zmianą (JSON)."),
    "new": ("The value after the change (JSON).", "Wartość po zmianie (JSON)."),
    "event": ("The calendar event.", "Wydarzenie terminarza."),
    "schoolclass": ("The class.", "Oddział (klasa)."),
    "seen_at": ("When it was seen.", "Kiedy obejrzano."),
    "remark": ("The remark.", "Uwaga."),
}

# Remarks: the category of a remark is a remark category, not a grade category.
REMARK_DOCS: dict[str, tuple[str, str]] = {
    "remark.category": ("The remark category.", "Kategoria uwagi."),
    "remark.kind": ("positive, negative or neutral.", "Pozytywna, negatywna lub neutralna."),
    "remark.author": ("The teacher who wrote it.", "Nauczyciel, który ją wpisał."),
    "remarkAcknowledgement.user": (
        "The guardian who acknowledged it.",
        "Rodzic, który potwierdził zapoznanie się.",
    ),
    "remarkAcknowledgement.at": ("When it was acknowledged.", "Kiedy potwierdzono."),
}

# Per-entity overrides (tag.field) where the generic text would mislead.
ENTITY_FIELD_DOCS: dict[str, tuple[str, str]] = {
    "historyEntry.code": (
        "What changed, as a dotted code (grades.grade.corrected).",
        "Co zmieniono, jako kod z kropkami (grades.grade.corrected).",
    ),
    "attendanceType.kind": (
        "The standard kind this type counts as.",
        "Standardowy rodzaj, jako który liczy się ten typ.",
    ),
    "grade.kind": (
        "current, proposed_term, final_term, proposed_annual or final_annual.",
        "Ocena cząstkowa, przewidywana śródroczna, śródroczna, przewidywana roczna, roczna.",
    ),
    "grade.value": (
        "The mark's numeric value (empty for marks without a value and descriptive grades).",
        "Wartość liczbowa oceny (pusta dla znaków bez wartości i ocen opisowych).",
    ),
    "behaviourGrade.value": (
        "Behaviour grade, 6 (wzorowe) to 1 (naganne).",
        "Ocena zachowania, od 6 (wzorowe) do 1 (naganne).",
    ),
    "message.created_at": ("When the message was sent.", "Kiedy wysłano wiadomość."),
    "delivery.created_at": ("When the message was sent.", "Kiedy wysłano wiadomość."),
    "delivery.first_read_at": (
        "When the owner first opened the message: the proof of delivery, never changed.",
        "Kiedy właściciel pierwszy raz otworzył wiadomość: dowód doręczenia, nigdy nie zmieniany.",
    ),
    "user.kind": (
        "guardian, student or staff.",
        "Rodzaj konta: rodzic (guardian), uczeń (student) lub pracownik (staff).",
    ),
    **REMARK_DOCS,
}
