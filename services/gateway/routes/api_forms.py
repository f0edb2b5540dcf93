"""The API's own registration form: the address as its OpenAPI document states it.

The contracts' `RegistrationForm` takes any mailable address (the site's form keeps it, with
domains in other scripts); its schema could only say `format: email`, and a generator working
from that format offers addresses the API refuses (`.test` and the other special-use names).
The API's body therefore states `STATED_ADDRESS`, so a client generated from the document and
the API agree on each address, as for subscriptions and the desk.
"""

from __future__ import annotations

from pydantic import Field

from shared.contracts.addresses import STATED_ADDRESS, StatedAddress
from shared.contracts.registration.rpc import RegistrationForm


class ApiRegistrationForm(RegistrationForm):
    """`RegistrationForm` with the address as `STATED_ADDRESS` says."""

    email: StatedAddress = Field(max_length=254, json_schema_extra={
        "format": "email", "pattern": STATED_ADDRESS})
