"""One module per group of pages, each with its ``router``: the tracker and signing in
(``tracker``), a case (``case``), the work due (``work``: deadlines, reviews, actions),
``statistics``, and the scrutineer's ``audit`` (a case as it stood, the access log)."""
