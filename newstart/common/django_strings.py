"""Django's own strings that the public pages show, repeated so makemessages copies them into
newstart's catalogue.

Django ships no Tagalog catalogue, so without these a Tagalog page would show English weekdays
("Monday"), months in dates ("Jan. 5, 2026"), times ("noon") and form errors. For the other
languages the catalogue carries Django's own translations, unchanged. Nothing imports this module:
it is read by makemessages only. The texts must stay exactly as in django/utils/dates.py,
django/utils/dateformat.py, django/forms/fields.py and django/core/validators.py.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, pgettext_lazy

WEEKDAYS = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)

# The "N" date format (settings.DATE_FORMAT "N j, Y"): Associated Press month abbreviations.
MONTHS_AP = (
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
)

# The "P" time format (opening hours): "9 a.m.", "noon", "midnight".
TIMES = (gettext_noop("a.m."), gettext_noop("p.m."), gettext_noop("noon"), gettext_noop("midnight"))

FORM_ERRORS = (
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
)
