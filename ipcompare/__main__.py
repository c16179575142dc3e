"""`python -m ipcompare`: the command line (see :mod:`ipcompare.cli`)."""
import sys

from .cli import main

sys.exit(main())
