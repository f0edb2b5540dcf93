"""The editors' desk (`/staff/documents`, editors and the secretariat, as the API allows):
documents in every status, filtered and paged (`documents_list`); creating and editing one
with its texts per language and each language version's provenance (`documents_edit`);
attaching files, publishing and withdrawing (`documents_actions`). Forms without I/O are in
`documents_form`; labels and the guard in `documents_common`."""

from __future__ import annotations

from services.gateway.staff.pages import documents_actions, documents_edit, documents_list

HANDLERS = [*documents_list.HANDLERS, *documents_edit.HANDLERS, *documents_actions.HANDLERS]
