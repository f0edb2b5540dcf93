"""`python -m services.notify`."""

from services.notify.bootstrap import build_spec
from services.notify.settings import SmtpSettings
from shared.service import run_service
from shared.settings import settings_for

if __name__ == "__main__":
    # Read before anything starts: a bad SMTP_* stops the process with one line per problem.
    run_service(build_spec(smtp=settings_for("notify", SmtpSettings)))
