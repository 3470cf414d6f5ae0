"""Readers of the read models for the web process: one per server thread, each with its
own connection, made by the factory the composition root hands to ``create_app``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from projections.engine import Projector


class Readers:
    """This thread's reader of the read models, made on first use."""

    def __init__(self, make: Callable[[], Projector]) -> None:
        self._make = make
        self._local = threading.local()

    def get(self) -> Projector:
        reader: Projector | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = self._make()
        return reader


async def get_readers(request: Request) -> Readers:
    readers: Readers = request.app.state.readers
    return readers


ReadersDep = Annotated[Readers, Depends(get_readers)]
