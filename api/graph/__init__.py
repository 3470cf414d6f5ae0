"""The GraphQL surface (``/graphql``) for analysts and scrutineers: the read models, the
audit trail read from the event store, integrity verdicts and the access log (DESIGN §8)."""
