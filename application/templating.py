"""The one Jinja2 set-up every template of the tracker is read with -- the documents'
(``documents/markup.py``) and the messages' (``application/outbox/emails.py``): sandboxed
(a template, which a partnership may edit, cannot reach into Python), strict (a missing
field is an error, not a blank), a partnership's own folder looked in before the built-in
templates, and each family's own ``finalize`` (how ``{{ value }}`` prints)."""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

_MARKDOWN_ESCAPED = str.maketrans({c: "\\" + c for c in string.punctuation})


def markdown_text(value: str) -> str:
    """``value`` as CommonMark that reads as the same text (every punctuation mark
    escaped, so no value can change a template's structure)."""
    return value.translate(_MARKDOWN_ESCAPED)


def environment(
    builtin: Sequence[Path],
    override: Path | None = None,
    *,
    finalize: Callable[[Any], Any],
) -> SandboxedEnvironment:
    """A sandboxed, strict environment reading ``override`` (a partnership's folder)
    first, then the ``builtin`` folders."""
    loaders = [FileSystemLoader([str(p) for p in builtin])]
    if override is not None:
        loaders.insert(0, FileSystemLoader(str(override)))
    return SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=False,
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
