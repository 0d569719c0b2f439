"""Six-field ``cron(...)`` expressions, as EC2 Image Builder and Data Lifecycle Manager accept them.

``cron(minutes hours day-of-month month day-of-week year)``, the EventBridge dialect: exactly one of
day-of-month and day-of-week is ``?``. Checked at construction so that a typo fails ``cdk synth``, not
the deployment an hour later.
"""

from __future__ import annotations

import re

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")

# name, lowest, highest, names accepted for numbers
_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minutes", 0, 59, ()),
    ("hours", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, MONTHS),
    ("day-of-week", 1, 7, DAYS),
    ("year", 1970, 2199, ()),
)
_EXPRESSION = re.compile(r"^cron\((?P<body>[^()]*)\)$")


def _value(text: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    if text.upper() in names:
        return True
    return text.isdigit() and low <= int(text) <= high


def _part(part: str, field: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    """One comma-separated element of a field: ``*``, ``n``, ``n-m``, ``n/step``, ``*/step``, plus the
    day specials (``L``, ``W``, ``LW`` for day-of-month; ``nL``, ``n#k`` for day-of-week)."""
    if field == "day-of-month":
        if part in ("L", "LW") or re.fullmatch(r"L-\d{1,2}", part):
            return True
        if part.endswith("W"):
            return _value(part[:-1], low, high, names)
    if field == "day-of-week":
        if part == "L":
            return True
        if part.endswith("L"):
            return _value(part[:-1], low, high, names)
        if "#" in part:
            day, _, nth = part.partition("#")
            return _value(day, low, high, names) and nth.isdigit() and 1 <= int(nth) <= 5
    base, slash, step = part.partition("/")
    if slash and not (step.isdigit() and int(step) >= 1):
        return False
    if base == "*":
        return True
    first, dash, last = base.partition("-")
    if dash:
        return _value(first, low, high, names) and _value(last, low, high, names)
    return _value(base, low, high, names)


def cron_problems(expression: str) -> list[str]:
    """What is wrong with ``expression`` (an empty list when it is a valid six-field cron expression)."""
    match = _EXPRESSION.match(expression.strip())
    if match is None:
        return ["must look like cron(minutes hours day-of-month month day-of-week year)"]
    fields = match.group("body").split()
    if len(fields) != 6:
        return [
            f"has {len(fields)} fields; cron expressions here have 6 "
            "(minutes hours day-of-month month day-of-week year)"
        ]
    problems = []
    for text, (field, low, high, names) in zip(fields, _FIELDS, strict=True):
        if text == "?" and field in ("day-of-month", "day-of-week"):
            continue
        if not all(_part(part, field, low, high, names) for part in text.split(",")):
            problems.append(f"{field} field {text!r} is not valid ({low}-{high}, *, ranges, lists, steps)")
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        problems.append(
            "exactly one of day-of-month and day-of-week must be '?' "
            f"(got {day_of_month!r} and {day_of_week!r})"
        )
    return problems
