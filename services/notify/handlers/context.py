"""What notify's handlers use: the store, the mailer, the token signer, settings and a clock."""

from __future__ import annotations

from dataclasses import dataclass

from services.notify.delivery.mailer import Mailer
from services.notify.domain.links import Site
from services.notify.settings import NotifySettings
from services.notify.store import Store
from shared.clock import Clock
from shared.tokens import Signer


@dataclass(frozen=True)
class Context:
    """One running notify's dependencies, made once by `bootstrap`."""

    store: Store
    mailer: Mailer
    signer: Signer
    options: NotifySettings
    clock: Clock

    @property
    def site(self) -> Site:
        """The public site every mailed link opens."""
        return self.mailer.site
