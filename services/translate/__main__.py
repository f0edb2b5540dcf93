"""`python -m services.translate`."""

from services.translate.bootstrap import SPEC
from shared.service import run_service

if __name__ == "__main__":
    run_service(SPEC)
