"""Helpers every layer of learninspy uses and no user needs: registries, argument checks,
aligned arrays, atomic files, logging and BLAS thread limits. Nothing here imports the rest
of learninspy."""
