"""Dates as blogs write them: "July 14, 2017", "Jul 14, 2017", "14 July 2017", "2017-07-14".

One regular expression finds a date-shaped string (so a line can be recognised
as a date line even when the date itself is impossible, like "February 30,
2017"); :func:`parse_date` then turns it into a :class:`datetime.date` or None.

Every parser here is total: any string gives a date or None, never an
exception, whatever year, day, month spelling or time-zone offset it holds.
Readers rely on it to warn about one bad value instead of losing the rest of
a file (a JSON Lines ``date``, a WordPress ``pubDate``).
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"\d{4}"

#: A date in one of the accepted forms, as a regex fragment with named groups.
DATE_PATTERN = (
    rf"(?:(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}),?\s+(?P<y1>{_YEAR})"  # July 14, 2017 / Jul 14 2017
    rf"|(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}),?\s+(?P<y2>{_YEAR})"  # 14 July 2017
    rf"|(?P<y3>{_YEAR})-(?P<m3>\d{{1,2}})-(?P<d3>\d{{1,2}}))"  # 2017-07-14
)

_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"

# A date line may start with a weekday ("Friday, July 14, 2017"), as some themes print it.
DATE_LINE = re.compile(rf"^\s*{_WEEKDAY}{DATE_PATTERN}\s*$", re.IGNORECASE)
# A citation line's date may follow its weekday written out ("…, Reuters, Thursday, July 13, 2017"): the
# weekday is part of the date, not an outlet. Abbreviations are left out: "Sun" is a newspaper too.
_WEEKDAY_NAME = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
# A site's word for the date ("…, Reuters, Updated July 13, 2017") and a time of day after it ("July 13,
# 2017 10:45 AM EDT", "July 13, 2017, 9.30pm"): the date is still the citation's; the time is not kept.
_DATE_WORD = r"(?:(?:updated|published|posted)(?:\s+on)?:?\s+)?"
_TIME_AFTER = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,5})?)?"
TRAILING_DATE = re.compile(rf",\s*{_DATE_WORD}{_WEEKDAY_NAME}{DATE_PATTERN}{_TIME_AFTER}\s*$", re.IGNORECASE)
# A citation's date in numbers: "13/07/2017", "13.07.2017", "7/13/2017" (day and month in either order),
# "2017/07/13" (year first).
_NUMERIC_DATE = (
    r"(?:(?P<n1>\d{1,2})(?P<sep>[/.])(?P<n2>\d{1,2})(?P=sep)(?P<ny>\d{4})"
    r"|(?P<iy>\d{4})/(?P<im>\d{1,2})/(?P<id>\d{1,2}))"
)
TRAILING_NUMERIC_DATE = re.compile(
    rf",\s*{_DATE_WORD}{_WEEKDAY_NAME}{_NUMERIC_DATE}{_TIME_AFTER}\s*$", re.IGNORECASE
)
# A date line in numbers, as WordPress prints its "d/m/Y" and "m/d/Y" date formats: "13/07/2017".
NUMERIC_DATE_LINE = re.compile(rf"^\s*{_WEEKDAY}{_NUMERIC_DATE}\s*$", re.IGNORECASE)


def _fields(match: re.Match[str]) -> tuple[str, str, str]:
    groups = match.groupdict()
    for i in "123":
        if groups.get(f"y{i}"):
            return groups[f"y{i}"], groups[f"m{i}"], groups[f"d{i}"]
    raise ValueError("not a date match")  # unreachable: the pattern has three branches


def _month_number(month: str) -> int | None:
    if month.isdigit():
        return int(month)
    # The pattern matches case-insensitively, so it also takes letters whose
    # case folding is ASCII ("ſep" with a long s): fold them the same way.
    return MONTHS.get(month.casefold().rstrip("."))


def date_from_match(match: re.Match[str]) -> dt.date | None:
    """The date a :data:`DATE_PATTERN` match names, or None if no such day exists."""
    year, month, day = _fields(match)
    month_number = _month_number(month)
    day_digits = re.sub(r"\D", "", day)
    if month_number is None or not day_digits:
        return None
    return _date(year, str(month_number), day_digits)


def numeric_date(match: re.Match[str], day_first: bool | None = None) -> tuple[dt.date | None, bool]:
    """The day a numeric date match names, and whether its numbers leave it open.

    "13/07/2017" and "07/13/2017" can be read one way only (13 is no month),
    and "07/07/2017" either way alike; "05/06/2017" is the 5th of June in
    London and the 6th of May in New York: ``(None, True)``, for no guess
    can order two posts by it, unless ``day_first`` says how the file writes
    its dates (:func:`day_first_shown`).
    """
    if match["iy"]:
        return _date(match["iy"], match["im"], match["id"]), False
    first, second = int(match["n1"]), int(match["n2"])
    if first == second or first > 12 or (day_first is True and second <= 12):
        day, month = first, second
    elif second > 12 or day_first is False:
        month, day = first, second
    else:
        return None, True
    return _date(match["ny"], str(month), str(day)), False


def day_first_shown(text: str) -> bool | None:
    """Whether a date line in numbers shows its file writes the day first ("13/07/2017": True), the month
    first ("07/13/2017": False), or neither ("05/06/2017", or no date in numbers: None)."""
    match = NUMERIC_DATE_LINE.match(text)
    if match is None or match["iy"]:
        return None
    first, second = int(match["n1"]), int(match["n2"])
    if first > 12 >= second:
        return True
    if second > 12 >= first:
        return False
    return None


def date_line_problem(text: str, day_first: bool | None = None) -> str:
    """Why a date line gives no date: numbers that name two days, or no such day."""
    numeric = NUMERIC_DATE_LINE.match(text)
    if numeric is not None and numeric_date(numeric, day_first)[1]:
        return (
            f"date {text.strip()!r} reads as two days (day or month first?) and no date of this file "
            "says which; post kept undated"
        )
    return f"invalid date {text.strip()!r}; post kept undated"


def _date(year: str, month: str, day: str) -> dt.date | None:
    """The day named by digit strings, or None when there is no such day (or the digits are not decimal)."""
    try:
        return dt.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        return None


def is_date_line(text: str) -> bool:
    """True for a line that holds only a date (possible or not), in words or in numbers."""
    return DATE_LINE.match(text) is not None or NUMERIC_DATE_LINE.match(text) is not None


def parse_date(text: str, day_first: bool | None = None) -> dt.date | None:
    """Parse a whole-line date; None when it is not one, names no real day, or is in numbers that name two
    days ("05/06/2017") and ``day_first`` does not say how to read them."""
    match = DATE_LINE.match(text)
    if match:
        return date_from_match(match)
    numeric = NUMERIC_DATE_LINE.match(text)
    return numeric_date(numeric, day_first)[0] if numeric else None


_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]|$)")
# The time of an ISO datetime ("2000-01-07T02:49", "1999-08-12 13:22:05+01:00").
_ISO_TIME = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_any_date(text: str) -> dt.date | None:
    """A date from a metadata field: ISO date or datetime, RFC 822 (RSS ``pubDate``), or a blog date.

    Returns None for anything else, including WordPress's "0000-00-00 00:00:00"
    for posts that were never published.
    """
    text = text.strip()
    if not text:
        return None
    iso = _ISO_PREFIX.match(text)
    if iso:
        return _date(iso[1], iso[2], iso[3])
    if (parsed := parse_date(text)) is not None:
        return parsed
    return _rfc822_date(text)


def _rfc822_date(text: str) -> dt.date | None:
    """The day of an RFC 822 date ("Fri, 14 Jul 2017 09:00:00 +0000"), None when it names no instant.

    The standard library's parser takes numbers of any size: an absurd year
    or an offset like ``+99999999999999`` raises OverflowError there, which
    must give None here like any other impossible date.
    """
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def impossible_time(text: str) -> bool:
    """Whether an ISO datetime's time of day names no real time ("2016-01-06T25:61:61Z").

    Its date is read all the same (:func:`parse_any_date`); the readers warn
    that the time was dropped, since the time orders two posts of one day.
    """
    fields = _iso_time_fields(text)
    return fields is not None and _real_time(fields) is None


def _iso_time_fields(text: str) -> tuple[int, int, int] | None:
    """Hour, minute and second as an ISO datetime writes them, whatever their values; None if it has none."""
    iso = _ISO_TIME.match(text.strip())
    return (int(iso[1]), int(iso[2]), int(iso[3] or 0)) if iso else None


def _real_time(fields: tuple[int, int, int]) -> dt.time | None:
    hour, minute, second = fields
    return dt.time(hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


# The UTC offset after an ISO datetime's time: "Z", "+09:00", "-0500".
_ISO_OFFSET = re.compile(
    r"^\s*\d{4}-\d{1,2}-\d{1,2}[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*"
    r"(?:(?P<utc>Z)|(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2}))\s*$",
    re.IGNORECASE,
)


def parse_any_offset(text: str) -> dt.timedelta | None:
    """The UTC offset of a metadata date and time ("+09:00", "Z", RFC 822's "-0500"); None when it gives none.

    The time of day is kept as written (:func:`parse_any_time`), but two posts
    are ordered by the instants they name: 08:00 in New York (-04:00) is after
    09:00 in London (+00:00), and 01:00 the next day in Tokyo (+09:00) before
    20:00 the day before in New York. An offset of a day or more names no
    zone, and RFC 822's "-0000" says the zone is unknown: both give None.
    """
    text = text.strip()
    if _iso_time_fields(text) is not None:
        iso = _ISO_OFFSET.match(text)
        if iso is None:
            return None
        if iso["utc"]:
            return dt.timedelta(0)
        hours, minutes = int(iso["hours"]), int(iso["minutes"])
        if hours >= 24 or minutes >= 60:
            return None
        offset = dt.timedelta(hours=hours, minutes=minutes)
        return -offset if iso["sign"] == "-" else offset
    if parse_any_time(text) is None:
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text).utcoffset()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_any_time(text: str) -> dt.time | None:
    """The time of day of a metadata date, as written (no time zone applied); None when it gives none.

    Two posts of one day are ordered by it (``provenance.dedup.order``): a
    wire text filed at 02:49 came before one filed at 13:22. WordPress's
    "00:00:00" of a date without a time is taken at its word.
    """
    text = text.strip()
    fields = _iso_time_fields(text)
    if fields is not None:
        return _real_time(fields)
    if _ISO_PREFIX.match(text) or parse_date(text) is not None or ":" not in text:
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text).time().replace(tzinfo=None)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
