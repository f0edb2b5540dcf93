"""Every text a certificate prints, in English: the gettext message ids of the `certificates`
catalogs, and the catalogs themselves, compiled in memory on first use.

The translations live in `services/registration/locale/<lang>/LC_MESSAGES/certificates.po`.
After changing a text here, refresh the template and the catalogs, then translate what became
fuzzy or new:

    pybabel extract -k N_ --no-wrap -o services/registration/locale/certificates.pot \
        services/registration/certificates
    pybabel update -D certificates -i services/registration/locale/certificates.pot \
        -d services/registration/locale --no-wrap

Placeholders are python-format (`%(title)s`); a unit test checks every translation keeps them.
"""

from __future__ import annotations

from babel.support import Translations

from services.registration.wording import translations

DOMAIN = "certificates"


def N_(message: str) -> str:  # the marker gettext's tools look for
    """Mark `message` for extraction; it is translated where it is used."""
    return message


BRAND = N_("INGP Virtual Dialogues")
HEADING = N_("Certificate of attendance")
CERTIFIES = N_("This certifies that")
ATTENDED = N_("attended the session")
HELD = N_("held on %(date)s, lasting %(length)s")
ORGANISED_BY = N_("Organised by %(organisers)s")
CODE = N_("Verification code: %(code)s")
VERIFY_AT = N_("Check this certificate at %(url)s or by scanning the code.")
ISSUED = N_("Issued on %(date)s")


def catalog(language: str) -> Translations:
    """The `certificates` catalog of `language`."""
    return translations(DOMAIN, language)


def say(language: str, message: str, **values: str) -> str:
    """`message` in `language`, its `%(placeholders)s` filled."""
    text = catalog(language).gettext(message)
    return text % values if values else text
