"""`python -m signage` works the same as the `signage` console script. The guard matters: a
parse worker (signage.worker) is a spawned process that imports this module too."""

import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # the bundle: its parse workers start from here
        import multiprocessing

        multiprocessing.freeze_support()
    from signage.cli import main

    sys.exit(main())
