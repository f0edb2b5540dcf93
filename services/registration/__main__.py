"""`python -m services.registration`."""

from services.registration.bootstrap import SPEC
from shared.service import run_service

if __name__ == "__main__":
    run_service(SPEC)
