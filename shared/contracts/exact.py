"""Values as the API's bodies take them: of the JSON type the OpenAPI document states, and
dates and times as text (ISO 8601 `YYYY-MM-DD`, RFC 3339 with its zone), as its `date` and
`date-time` formats say.

Pydantic, outside strict mode (and Litestar validates bodies with `strict=False`, which
overrides a field's own `Strict()`), reads `0` and `"yes"` as booleans, `"3"` and `3.0` as
integers, a number as a Unix time (`"as_of": 0` is 1 January 1970) and a few texts the
formats do not allow (a time without seconds). A client that sends them has a bug the API
should name rather than store. Python values (`date`, `datetime`) pass as they are: services
build these models from stored documents too.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""A full date (RFC 3339 `full-date`)."""
DATE_TIME = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
             r"([Zz]|[+-][0-9]{2}:[0-9]{2})$")
"""A date-time with its zone (RFC 3339 `date-time`)."""


def _text_as(pattern: str, what: str) -> BeforeValidator:
    def only_text(value: Any) -> Any:
        if isinstance(value, date) or (isinstance(value, str) and re.fullmatch(pattern, value)):
            return value
        raise ValueError(f"not {what}")

    return BeforeValidator(only_text)


TextDate = Annotated[date, _text_as(DATE, "a date (YYYY-MM-DD)")]
"""A date, given as `YYYY-MM-DD` (or a `date`)."""
TextDateTime = Annotated[AwareDatetime, _text_as(DATE_TIME, "a date-time with its zone "
                                                            "(RFC 3339)")]
"""A date-time with its zone, given as RFC 3339 text (or an aware `datetime`)."""


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    raise ValueError("not true or false")


def _integer(value: Any) -> Any:
    """JSON Schema's integers: any number without a fraction (`3.0` is one), no boolean."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("not an integer")


def _number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise ValueError("not a number")


JsonBool = Annotated[bool, BeforeValidator(_boolean)]
"""A boolean, given as JSON's `true` or `false`."""
JsonInt = Annotated[int, BeforeValidator(_integer)]
"""An integer, given as a JSON number without a fraction (not a text or a boolean)."""
JsonNumber = Annotated[float, BeforeValidator(_number)]
"""A number, given as a JSON number (not a text or a boolean)."""
