"""Max and average pooling of channels-last images."""

import numpy as np

from learninspy.core.layers.window import SlidingWindow, check_padding, pair

__all__ = ["MaxPool2D", "AvgPool2D"]


class _Pooling2D(SlidingWindow):
    """Reduces every pool_h x pool_w window of each channel to one value.

    Shapes: input (n, height, width, channels); output (n, out_h, out_w, channels) with, along
    each axis, out = floor((size - pool) / stride) + 1 ('valid') or ceil(size / stride)
    ('same'); no parameters.

    Args:
        pool_size: int or pair (pool_h, pool_w), default 2.
        strides: int or pair; default ``pool_size`` (windows side by side).
        padding: 'valid' (default) or 'same' (padding that is never part of the result).
        name: optional name shown in summaries.
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", name=None):
        super().__init__(name)
        pair(pool_size, "pool_size")
        if strides is not None:
            pair(strides, "strides")
        check_padding(padding)
        self.pool_size, self.strides, self.padding = pool_size, strides, padding

    def build(self, input_shape, rng, dtype):
        pool = pair(self.pool_size, "pool_size")
        strides = pool if self.strides is None else pair(self.strides, "strides")
        return self._build_window(input_shape, pool, strides, self.padding) + (input_shape[2],)


class MaxPool2D(_Pooling2D):
    __doc__ = ("The maximum of each window. Where a window holds its maximum more than once, "
               "the gradient goes to the first.\n\n    " + _Pooling2D.__doc__)

    def forward(self, x, training=False):
        xp = self._pad(x, -np.inf, training)
        shape = (len(x),) + self.output_shape
        y = self._array("y", shape, x.dtype, training)
        winner = self.buffer("winner", shape, np.intp) if training else None
        for k, (_, index) in enumerate(self._offsets()):
            window = xp[index]
            if k == 0:
                np.copyto(y, window)
                if training:
                    winner.fill(0)
                continue
            if training:
                np.copyto(winner, k, where=window > y)
            np.maximum(y, window, out=y)
        if training:
            self.cache["winner"] = winner
        return y

    def backward(self, grad):
        if not self.propagate_grad:
            return None
        winner, offsets = self.cache["winner"], self._window[0] * self._window[1]
        return self._scatter(len(grad), grad.dtype,
                             (grad * (winner == k) for k in range(offsets)))


class AvgPool2D(_Pooling2D):
    __doc__ = "The mean of each window.\n\n    " + _Pooling2D.__doc__

    def build(self, input_shape, rng, dtype):
        output_shape = super().build(input_shape, rng, dtype)
        # Pixels of each window inside the image (padding excluded), as Keras counts them.
        ones = self._pad(np.ones((1,) + tuple(input_shape[:2]) + (1,), dtype=dtype), 0, False)
        self._scale = 1.0 / sum(ones[index] for _, index in self._offsets())[0]
        return output_shape

    def forward(self, x, training=False):
        xp = self._pad(x, 0, training)
        y = self._array("y", (len(x),) + self.output_shape, x.dtype, training)
        y.fill(0)
        for _, index in self._offsets():
            y += xp[index]
        y *= self._scale
        return y

    def backward(self, grad):
        if not self.propagate_grad:
            return None
        share = grad * self._scale
        return self._scatter(len(grad), grad.dtype, (share for _ in self._offsets()))
