"""One date style across Kajet, in both languages (``FORMAT_MODULE_PATH``).

Dates read ``4 grudnia 2026`` (``DATE_FORMAT``), ``4.12.2026`` (``SHORT_DATE_FORMAT``) and, in
compact lists, ``4.12``; times ``14:05``. Django's own Polish short formats (``04-12-2026``)
read like nothing a Polish school writes, and a date such as ``02-12`` beside a mark reads
like a grade; English pages use the same numeric style with English month names.
"""
