"""Errors of the application layer, each with a stable ``code`` for the API to map."""

from __future__ import annotations


class ApplicationError(Exception):
    code = "application_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(ApplicationError):
    """No such case or review -- or one the caller may not know exists."""

    code = "not_found"


class NotPermittedError(ApplicationError):
    code = "forbidden"


class VersionConflictError(ApplicationError):
    """The caller's expected version is stale; ``current_version`` is the stored one."""

    code = "version_conflict"

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(f"expected version {expected} but the current version is {current}")
        self.expected_version = expected
        self.current_version = current


class IdempotencyKeyReusedError(ApplicationError):
    code = "idempotency_key_reused"


class ConcurrentWriteError(ApplicationError):
    """Other writers kept winning; the command was retried and gave up, recording nothing."""

    code = "concurrent_write"


class ReadModelBehindError(ApplicationError):
    """A read asked for a log position the read models have not reached in time."""

    code = "read_model_behind"


SUPPRESS_BELOW = 5  # analysts see no count of 1 to 4 (DESIGN §5), nor the rows behind one


class TooFewToShowError(ApplicationError):
    """An analyst's query would single out 1 to 4 cases (a count under 5, which the
    statistics suppress): refused rather than answered, rows and count alike."""

    code = "too_few_to_show"


def refuse_small_counts(analyst: bool, count: int, what: str = "cases") -> None:
    """For an analyst, a count of 1 to 4 is refused (``TooFewToShowError``)."""
    if analyst and 0 < count < SUPPRESS_BELOW:
        raise TooFewToShowError(
            f"this filter singles out fewer than {SUPPRESS_BELOW} {what}; analysts see no "
            "count under 5: widen it"
        )
