"""Helpers every layer of learninspy uses and no user needs: registries, argument checks,
aligned arrays, atomic files, logging, BLAS thread limits, optional dependencies and the
argument assertions of learninspy 0.1's ``utils.asserts``. Nothing here imports the rest
of learninspy."""
