"""Which `hello` answers are a standalone MongoDB (refused outside `local`)."""

from __future__ import annotations

import pytest

from shared.db import Document, is_standalone

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("hello", "standalone"), [
    ({"isWritablePrimary": True, "maxWireVersion": 25}, True),  # mongod, and the stand-in
    ({"isWritablePrimary": True, "setName": "rs0", "hosts": ["mongo:27017"]}, False),
    ({"isWritablePrimary": False, "secondary": True, "setName": "rs0"}, False),
    ({"isWritablePrimary": True, "msg": "isdbgrid"}, False),  # mongos, a sharded cluster
])
def test_a_server_without_a_replica_set_or_mongos_is_standalone(hello: Document,
                                                                 standalone: bool) -> None:
    assert is_standalone(hello) is standalone
