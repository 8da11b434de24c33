"""``python -m refkit`` runs the command line."""

import sys

from refkit.cli import main

sys.exit(main())
