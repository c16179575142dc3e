"""Extraction: clean text to the rows of the documents, tasks and targets tables.

``outline`` (numbered items by the document's own outline), ``tasklist`` (task-list tables),
``records`` (one task row), ``fields`` (lead units, deadlines, quantitative targets), ``document``
(a manifest row to its rows).
"""
