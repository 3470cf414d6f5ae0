"""The web tracker (DESIGN §8): read-only pages for partnership staff, partners, the
scrutineer and analysts, server-rendered with the GOV.UK Design System, and the API's own
documentation and GraphiQL, every file served from the application (no CDN).

Every page asks the GraphQL schema in process (``web/graph.py``) as its signed-in
principal, so the roles, partnership isolation, redaction and access-log entries are the
GraphQL surface's own. Imports ``api.graph`` and ``application``; ``api`` never imports
it: the composition root hands ``web.app.browser(...)`` to ``api.app.create_app``.
"""
