"""The documents the process hands on, rendered from the history (DESIGN §8; issue 14).

- the scoping pack per agency (seed 001 appendices ii and iii): ``scoping/``;
- the report of the rapid review for the national Panel (appendix iv): ``rapid_review/``;
- the covering letter to the Panel (appendix v): ``panel_letter/``;
- the tracker report of a partnership as at a day (seed 004 §6.1): ``tracker_report/``;
- exports of the read models as CSV and XLSX: ``exports.py``.

A case's documents are rendered from its events at any version (``record.py``), each
stating the version, log position and event hash it reflects; reports and exports from the
read models' own queries. Each document's fields are read in one place (its ``fields.py``)
and its wording is a template beside it (``*.md``, Markdown with Jinja2 placeholders), which
a partnership may replace (``markup.py``). ``service.py`` holds the use cases: who may have
which document, the access log, and the formats (``formats.py``); ``pdf.py``, ``word.py``
and ``sheets.py`` write PDF, DOCX, CSV and XLSX.

This layer reads the application and the read models; nothing below it imports it.
"""
