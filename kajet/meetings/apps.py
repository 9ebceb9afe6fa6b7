from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "kajet.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register
        from kajet.meetings.access import can, uses_consultations
        from kajet.meetings.calendar_items import consultation_items, meeting_items
        from kajet.timetable.calendar_items import register as register_calendar_items

        register(
            NavItem(
                "meetings",
                _("Meetings"),
                "meetings:list",
                45,
                lambda user: user.is_authenticated and can(user, "meeting.view"),
            )
        )
        register(
            NavItem(
                "consultations",
                _("Consultations"),
                "meetings:consultations",
                46,
                lambda user: user.is_authenticated and uses_consultations(user),
            )
        )
        # The calendar, the home page and the API show them (timetable does not import us).
        register_calendar_items("meetings.meetings", meeting_items)
        register_calendar_items("meetings.consultations", consultation_items)
