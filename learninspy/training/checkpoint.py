"""Checkpoints: a fit saved as it goes, and resumed where it stood.

A checkpoint is a model file (``load`` reads it) whose extra entries say where the fit
stands: the iteration reached, the stop criteria's view of it, the base seed, the optimizer
state carried between iterations and the best model so far. A fit resumed from it with the
same arguments continues the same random streams and ends with the weights an uninterrupted
fit ends with.
"""

import logging

import numpy as np

from learninspy.core import persistence
from learninspy.engine.files import check_writable, exists, load_model, save_model
from learninspy.training.callbacks import Callback
from learninspy.training.loop import BestModel

__all__ = ["Checkpoint"]

logger = logging.getLogger(__name__)


class Checkpoint(Callback):
    """Saves the fit to ``path`` every ``every`` iterations and at the end, atomically; with
    ``resume``, first continues from the checkpoint at ``path`` if there is one.

    Args:
        path: the checkpoint file: a path, or a URI of a file system Spark's Hadoop libraries
            reach ('hdfs://...', 's3a://...'); written atomically either way.
        every: iterations between checkpoints.
        resume: continue from ``path`` when the file exists (else start afresh).
    """

    def __init__(self, path, every=10, resume=False):
        self.path, self.every, self.resume = path, every, resume

    def on_fit_begin(self, loop):
        check_writable(self.path, "checkpoint")  # before any training, not 20 iterations in
        if self.resume and exists(self.path):
            self._restore(loop)

    def on_iteration_end(self, loop):
        if loop.iteration % self.every == 0:
            self._save(loop)

    def on_fit_end(self, loop):
        self._save(loop)

    def on_fit_interrupted(self, loop):  # the fit is back at its last finished iteration
        self._save(loop)

    def _save(self, loop):
        model = loop.model
        best = loop.best
        extra = {"fit": {"base_seed": loop.base_seed, "replicas": loop.replicas,
                         "mini_batch": loop.mini_batch, "info": loop.info,
                         "fit_count": model.fit_count,
                         "best": None if best is None else {"score": best.score,
                                                            "iteration": best.iteration}}}
        for key, value in (loop.optimizer_state or {}).items():
            extra[f"optimizer/{key}"] = np.asarray(value)
        if best is not None:
            extra.update({"best/weights": best.weights, "best/state": best.state})
        save_model(model, self.path, extra=extra)

    def _restore(self, loop):
        """The model's weights, state and history, and where the fit stood, from the file."""
        model = loop.model
        saved, extra = load_model(self.path, with_extra=True)
        state = extra.get("fit")
        if state is None:
            raise ValueError(f"{self.path} is a model file, not a checkpoint of fit")
        if persistence.jsonable(saved.get_config()) != persistence.jsonable(model.get_config()):
            raise ValueError(f"the checkpoint {self.path} holds another model than the one to "
                             "fit (its configuration differs)")
        for name, now in (("replicas", loop.replicas), ("mini_batch", loop.mini_batch)):
            if state[name] != now:
                logger.warning("the checkpoint %s was written by a fit with %s %s, this one "
                               "has %s: it will not end as an uninterrupted fit", self.path,
                               name, state[name], now)
        model.set_parameters(saved.get_parameters())
        model.set_state(saved.get_state())
        model.history = saved.history
        model.fit_count = state["fit_count"]
        loop.base_seed = state["base_seed"]
        loop.info.update(state["info"])
        loop.iteration = int(loop.info["iterations"])
        loop.optimizer_state = {key[len("optimizer/"):]: value for key, value in extra.items()
                                if key.startswith("optimizer/")} or None
        if state["best"] is not None:
            loop.best = BestModel(state["best"]["score"], state["best"]["iteration"],
                                  extra["best/weights"], extra["best/state"])
        if len(saved.history):
            loop.started -= saved.history.seconds[-1]
            loop.last_scores = {"train": (saved.history.hits_train or [None])[-1],
                                "valid": (saved.history.hits_valid or [None])[-1]}
