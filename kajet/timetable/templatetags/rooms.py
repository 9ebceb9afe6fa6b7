from django import template

from kajet.timetable.rooms import room_label

register = template.Library()
register.filter("room", room_label)
