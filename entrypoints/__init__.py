"""Where every process starts: the composition root (``bootstrap.py``), the ASGI factory
uvicorn runs (``asgi.py``), the projector thread of the embedded default (``in_process.py``)
and the ``tracker`` command (``cli/``). Nothing else imports this package; it may import
every other layer."""
