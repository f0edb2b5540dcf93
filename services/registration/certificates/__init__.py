"""Attendance certificates as PDF: the texts (`texts`, from the gettext catalogs in
`services/registration/locale`) and the page (`pdf`), rendered on demand from the certificate
stored on the registration, so a corrected text or layout applies to every download."""
