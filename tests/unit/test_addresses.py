"""Which addresses the contracts accept, and how notify writes an address it was handed."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from services.notify.delivery.mime import Unmailable, smtp_address
from shared.contracts.addresses import MailAddress, mailable_address

pytestmark = pytest.mark.unit

ADDRESS = TypeAdapter(MailAddress)
NON_ASCII_LOCAL_PARTS = ["\u0430na@example.org", "\uff41\uff4e\uff41@example.org",
                         "ána@example.org", "ñandú@example.org"]


@pytest.mark.parametrize("address", NON_ASCII_LOCAL_PARTS)
def test_a_local_part_beyond_ascii_is_refused_saying_why(address: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ADDRESS.validate_python(address)
    assert "ASCII" in refused.value.errors()[0]["msg"]


@pytest.mark.parametrize(("given", "kept"), [
    ("ana@example.org", "ana@example.org"),
    ("Ana@Example.ORG", "Ana@example.org"),
    ("ana@bücher.example", "ana@xn--bcher-kva.example"),
    ("ana@xn--bcher-kva.example", "ana@xn--bcher-kva.example"),
])
def test_a_domain_is_kept_in_its_ascii_form(given: str, kept: str) -> None:
    assert ADDRESS.validate_python(given) == kept


@pytest.mark.parametrize("address", ["ana", "ana@", "@example.org", "ana@@example.org",
                                     "ana\uff20example.org"])
def test_what_is_not_an_address_stays_refused(address: str) -> None:
    with pytest.raises(ValidationError):
        ADDRESS.validate_python(address)


def test_notify_mails_an_idn_domain_as_punycode_and_never_a_unicode_local_part() -> None:
    assert smtp_address("ana@bücher.example") == "ana@xn--bcher-kva.example"
    assert smtp_address("odd+tag@anything.test") == "odd+tag@anything.test"  # ASCII as given
    for address in NON_ASCII_LOCAL_PARTS:
        with pytest.raises(Unmailable, match="ASCII"):
            smtp_address(address)


def test_a_decomposed_domain_is_the_same_domain() -> None:
    composed = mailable_address("ana@bücher.example")
    assert mailable_address("ana@bu\u0308cher.example") == composed == "ana@xn--bcher-kva.example"
