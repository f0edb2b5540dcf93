"""`python -m services.numbers`."""

from services.numbers.bootstrap import SPEC
from shared.service import run_service

if __name__ == "__main__":
    run_service(SPEC)
