"""The outbox: every reminder and breach reaches people and systems, once, and waits while a
receiver is down.

Notices are appended as the scheduler appends them (the aggregate's own ``issue_reminder``
and ``record_breach`` with a scheduler audit); e-mail goes through the real SMTP transport
to an aiosmtpd server on loopback, webhooks through the real HTTP transport to an HTTP
server on loopback that the tests take down and bring back. Time is the fake clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from application.config import Partnerships
from application.service import Safeguarding
from application.settings import Settings
from scheduler.delivery import DeliveryTransports, default_transports
from tests.integration.application.outbox.helpers import BOARD, MET, POLICE_LEAD, MakeApp, with_lew
from tests.support.clock import FakeClock
from tests.support.receivers import SmtpReceiver, WebhookReceiver


@pytest.fixture
def hooks() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def make_app(
    make_settings: Callable[..., Settings], clock: FakeClock, smtp: SmtpReceiver
) -> Iterator[MakeApp]:
    """Trackers on this test's store (several, like processes), sending to the loopback
    SMTP server; LEW's contacts are the board, and the police lead for the police."""
    made: list[Safeguarding] = []

    def make(partnerships: Partnerships | None = None, **overrides: Any) -> Safeguarding:
        values: dict[str, Any] = {
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_from": "tracker@example.org",
            "public_url": "https://tracker.example.org",
            "outbox_retry_base_seconds": 30,
            "outbox_retry_max_seconds": 900,
            **overrides,
        }
        app = Safeguarding(
            make_settings(**values),
            partnerships=partnerships or with_lew((BOARD,), {MET: (POLICE_LEAD,)}),
            clock=clock,
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.close()


@pytest.fixture
def app(make_app: MakeApp) -> Safeguarding:
    return make_app()


@pytest.fixture
def transports(app: Safeguarding) -> Iterator[DeliveryTransports]:
    t = default_transports(app.settings)
    yield t
    t.close()
