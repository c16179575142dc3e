"""Views: what a researcher looks at, computed from the processed tables.

``frames`` (views over the tables: provinces, theme matrix, gaps, keyness, profiles), ``charts``
(one module per chart family, matplotlib and plotly), ``report`` (figures and the HTML report),
``corpus`` (the :class:`Corpus` object and :func:`diff`).
"""
