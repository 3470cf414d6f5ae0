"""Where the processes start: the ``tracker`` command (``cli/``). Nothing else imports
this package; it may import every other layer."""
