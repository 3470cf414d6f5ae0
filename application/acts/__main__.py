"""Print the README's table of acts, or rewrite it in place.

.venv/bin/python -m application.acts              print the table
.venv/bin/python -m application.acts README.md    rewrite the table in README.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from application.acts.catalogue import replace_table, role_table

if __name__ == "__main__":
    if len(sys.argv) > 1:
        readme = Path(sys.argv[1])
        readme.write_text(replace_table(readme.read_text()))
    else:
        print(role_table(), end="")
