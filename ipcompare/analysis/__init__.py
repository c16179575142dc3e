"""Analysis: the tasks of every document segmented, vectorized, themed and aligned to the guideline.

``segment`` (jieba with the domain dictionary), ``vectorize`` (TF-IDF of task fields), ``themes``
(seeded topic model), ``coverage`` (alignment to the national task list), ``evaluate`` (scores
against hand labels).
"""
