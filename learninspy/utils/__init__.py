"""Utilities around the models: data sets, metrics, logging, sampling and progress."""
