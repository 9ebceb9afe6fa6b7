"""Polish formats: Django's, with the short forms written as Polish schools write dates."""

from django.conf.locale.pl.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "j.m.Y"
SHORT_DATETIME_FORMAT = "j.m.Y H:i"
DATETIME_FORMAT = "j E Y, H:i"
