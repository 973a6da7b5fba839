"""Training: ``fit`` and what it composes -- callbacks for progress, history, keeping the best
model, checkpoints and early stopping -- and the random search over network settings.

Training builds on the engines (:mod:`learninspy.engine`), which run the replicas of each
iteration, and on the core, which defines one replica's steps.
"""

from learninspy.training.callbacks import (Callback, FullPassTrainScore, HistoryRecorder,
                                           Interruptible, KeepBest, StopWhen)
from learninspy.training.checkpoint import Checkpoint
from learninspy.training.fit import TrainingDivergedError, fit
from learninspy.training.loop import BestModel, FitLoop
from learninspy.training.progress import Progress

__all__ = ["fit", "TrainingDivergedError", "Callback", "HistoryRecorder", "KeepBest",
           "StopWhen", "Interruptible", "FullPassTrainScore", "Checkpoint", "Progress",
           "FitLoop", "BestModel"]
