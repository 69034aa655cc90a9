"""`python -m signage` works the same as the `signage` console script."""

import sys

from signage.cli import main

sys.exit(main())
