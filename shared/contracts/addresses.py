"""The e-mail addresses the system accepts: the ones it can mail.

Mail goes out as 7-bit messages without SMTPUTF8, so the part before the @ must be ASCII;
an internationalised domain is fine once written in its IDNA (punycode) form, which is the
form kept and mailed. One type for every field that takes an address, so the API, the site
forms and the services refuse the same inputs with the same message.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator
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
