"""The one exception users see: bad input, reported as a single line naming the file and the problem."""


class InputError(Exception):
    """Bad input. ``str(err)`` is one line: ``<file>: <problem>``."""
