"""Reading: a file to clean text and its metadata.

``readers`` (formats: txt, html, pdf, docx, doc), ``clean`` (punctuation, stray spaces, page furniture),
``markers`` (outline markers), ``metadata`` (title, province, years, 文号 from the text), ``manifest``
(the manifest of data/raw and one row's document).
"""
