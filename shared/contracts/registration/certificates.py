"""What the registration service answers about attendance certificates
(`rpc.registration.verify_certificate`, `certificate_pdf`, `correct_name`).

A verification says only what the certificate itself says (session, date, name) and whether
it still stands: a code replaced after a name correction is `superseded` and names no one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shared.contracts.registration.events import LanguageMap
from shared.contracts.registration.rpc import SafeInput

CertificateStatus = Literal["valid", "superseded"]


class CertificateRef(SafeInput):
    """A code as typed: case, spaces, dashes and look-alike letters are forgiven."""

    code: str = Field(min_length=1, max_length=40)


class CertificateCheck(BaseModel):
    """The public answer for a code."""

    code: str
    status: CertificateStatus
    session_id: str
    title: LanguageMap
    date: datetime = Field(description="When the session started.")
    name: str | None = Field(description="The name printed on it; None once superseded.")


class CertificatePdf(BaseModel):
    """A certificate rendered for download."""

    code: str
    filename: str
    pdf: str = Field(description="The PDF, base64-encoded.")


class CorrectName(SafeInput):
    """The secretariat corrects how a participant's name is written."""

    registration_id: str = Field(max_length=64)
    name: str = Field(min_length=1, max_length=200)


class NameCorrected(BaseModel):
    registration_id: str
    name: str
    certificate: str | None = Field(description="The code of the certificate now valid.")
    supersedes: str | None = Field(description="The code it replaced, if one was issued.")
