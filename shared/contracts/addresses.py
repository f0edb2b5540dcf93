"""The e-mail addresses the system accepts: the ones it can mail.

Mail goes out as 7-bit messages without SMTPUTF8, so the part before the @ must be ASCII;
an internationalised domain is fine once written in its IDNA (punycode) form, which is the
form kept and mailed. One type for every field that takes an address, so the API, the site
forms and the services refuse the same inputs with the same message.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

NOT_ASCII = ("only ASCII letters, digits and .!#$%&'*+/=?^_`{|}~- are accepted before the @; "
             "this address cannot be mailed")


def mailable_address(value: str) -> str:
    """`value` as it is stored and mailed (domain in IDNA form), or a validation error."""
    # Composed first: 'bü' typed as u + combining diaeresis is the same domain as 'bü', and
    # would otherwise become another punycode name (and the same person register twice).
    value = unicodedata.normalize("NFC", value.strip())
    local = value.rpartition("@")[0]
    if not local.isascii():
        raise PydanticCustomError("value_error", "value is not a valid email address: {reason}",
                                  {"reason": NOT_ASCII})
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise PydanticCustomError("value_error", "value is not a valid email address: {reason}",
                                  {"reason": str(error)}) from None
    return str(checked.ascii_email)


MailAddress = Annotated[str, AfterValidator(mailable_address)]
"""An address that can be mailed; the JSON schema is the field's own (`str` plus its `Field`)."""


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LATIN = "a-z0-9\u00e0-\u00f6\u00f8-\u00ff"
_LABEL = rf"(?:[A-Za-z0-9](?:-?[A-Za-z0-9]){{0,30}}|[{_LATIN}](?:-?[{_LATIN}]){{0,9}})"
_RESERVED = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
STATED_ADDRESS = (rf"^ *{_ATOM}{{1,32}}(?:\.{_ATOM}{{1,15}}){{0,2}}"
                  rf"@(?:{_LABEL}\.){{1,4}}(?!(?:{_RESERVED}) *$)"
                  rf"[A-Za-z](?:-?[A-Za-z0-9]){{0,30}}[A-Za-z] *$")
"""The addresses the API's own fields take, as a pattern its OpenAPI document states: every
one it matches is mailable (`mailable_address` accepts it as is), and the API refuses the
others, so a client generated from the document and the API agree on each address.

ASCII before the @ (at most three dot-separated words); after it one to four labels and a
top-level domain of letters that is no special-use name (`.test`, `.local`, ...); no `--` in
a label (IDNA reserves it). A label may be internationalised in lower-case Latin letters
(`bücher`, kept and mailed in its punycode form), short enough for any punycode of it to fit.
Spaces around it, as people paste addresses, are allowed and dropped.
Narrower than `MailAddress`, which the site's forms keep (it also takes other scripts)."""


def _as_stated(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(STATED_ADDRESS, value):
        # Say why where it is plain: most often a letter outside ASCII before the @.
        ascii_local = value.strip().rpartition("@")[0].isascii()
        raise PydanticCustomError("value_error", "value is not a valid email address: {reason}",
                                  {"reason": "it does not match the stated pattern"
                                   if ascii_local else NOT_ASCII})
    return value


StatedAddress = Annotated[str, BeforeValidator(_as_stated), AfterValidator(mailable_address)]
"""A `MailAddress` written as `STATED_ADDRESS` says (give the field that pattern in its JSON
schema: `Field(json_schema_extra={"pattern": STATED_ADDRESS})`)."""
