"""Tools to look at a model from outside: plots (:mod:`~learninspy.tools.plots`, with
matplotlib) and gradient checks by finite differences (:mod:`~learninspy.tools.checks`)."""
