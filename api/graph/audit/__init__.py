"""The audit trail: history, a case as it stood, integrity verdicts and the access log,
read from the event store and the access log rather than the read models."""
