"""Sliding windows over channels-last images: the geometry Conv2D and the pooling layers share.

Images are batches of shape (n, height, width, channels), as in Keras. A window of kh x kw
pixels moves over the (padded) image by ``strides``. Nothing loops over pixels or examples:

* :meth:`SlidingWindow._windows` is a strided view of every window, (n, out_h, out_w, kh, kw,
  channels), without copying: one ``copyto`` of it gathers a convolution's columns (im2col);
* going back, :meth:`SlidingWindow._scatter` loops over the kh * kw *offsets* of the window:
  at offset (i, j), the pixels all output positions saw form one strided slice of the padded
  image, ``xp[:, i::stride_h, j::stride_w]`` cut to the output size, so the input gradient
  (col2im) is kh * kw slice additions -- a loop over the window, not over pixels.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from learninspy._internal.checks import is_integer
from learninspy.core.layers.base import Layer

__all__ = ["SlidingWindow", "pair", "check_padding"]


def pair(value, what):
    """``value`` (an int or a pair of ints, each >= 1) as a (rows, columns) tuple."""
    values = (value, value) if is_integer(value) else value
    if not isinstance(values, (tuple, list)) or len(values) != 2 or any(
            not is_integer(v) or v < 1 for v in values):
        raise ValueError(f"{what} must be a positive integer or a pair of them, got {value!r}")
    return int(values[0]), int(values[1])


def check_padding(padding, choices=("valid", "same")):
    """Raise a ValueError unless ``padding`` is one of ``choices`` (or, when ``int`` is among
    them, a non-negative integer of zeros added on every side)."""
    if isinstance(padding, str) and padding in choices:
        return
    if int in choices and is_integer(padding) and padding >= 0:
        return
    raise ValueError(f"padding must be one of {[c for c in choices if isinstance(c, str)]}"
                     f"{' or an integer >= 0' if int in choices else ''}, got {padding!r}")


def _axis_geometry(size, window, stride, padding):
    """(padding before, padding after, output size) along one axis."""
    if padding == "valid":
        before = after = 0
    elif padding == "same":  # as TensorFlow: ceil(size / stride) outputs, the odd pixel after
        total = max((math.ceil(size / stride) - 1) * stride + window - size, 0)
        before, after = total // 2, total - total // 2
    else:
        before = after = int(padding)
    return before, after, (size + before + after - window) // stride + 1


class SlidingWindow(Layer):
    """Base of the layers that slide a window over images of shape (height, width, channels).

    ``build`` calls :meth:`_build_window`; ``forward`` pads with :meth:`_pad` and visits
    :meth:`_offsets`; ``backward`` sums each offset's gradient back with :meth:`_scatter`.
    """

    def _build_window(self, input_shape, window, strides, padding):
        """Set the geometry for images of ``input_shape``; return the output (height, width)."""
        if len(input_shape) != 3:
            raise ValueError(f"{self.describe()} takes images of shape (height, width, channels), "
                             f"got examples of shape {tuple(input_shape)}; for flat rows of "
                             "pixels, add a Reshape((height, width, channels)) layer before it")
        rows = _axis_geometry(input_shape[0], window[0], strides[0], padding)
        columns = _axis_geometry(input_shape[1], window[1], strides[1], padding)
        if rows[2] < 1 or columns[2] < 1:
            raise ValueError(f"{self.describe()}: a {window[0]}x{window[1]} window does not fit "
                             f"images of {input_shape[0]}x{input_shape[1]} pixels with padding "
                             f"{padding!r}")
        self._window, self._strides = window, strides
        self._pads = (rows[:2], columns[:2])
        self._out = (rows[2], columns[2])
        return self._out

    def _array(self, key, shape, dtype, training):
        """Scratch array: reused in training, fresh at inference (which keeps nothing)."""
        return self.buffer(key, shape, dtype) if training else np.empty(shape, dtype=dtype)

    def _pad(self, x, fill, training):
        """``x`` with the padding added, filled with ``fill``."""
        (top, bottom), (left, right) = self._pads
        if not (top or bottom or left or right):
            return x
        n, height, width, channels = x.shape
        xp = self._array("padded", (n, top + height + bottom, left + width + right, channels),
                         x.dtype, training)
        xp.fill(fill)
        xp[:, top:top + height, left:left + width] = x
        return xp

    def _windows(self, xp):
        """A view of every window of the padded batch ``xp``: (n, out_h, out_w, kh, kw,
        channels), no copy."""
        view = sliding_window_view(xp, self._window, axis=(1, 2))  # (n, h', w', c, kh, kw)
        return view[:, ::self._strides[0], ::self._strides[1]].transpose(0, 1, 2, 4, 5, 3)

    def _offsets(self):
        """For each offset (i, j) of the window: ((i, j), index), where ``xp[index]`` holds
        the pixel each output position sees at that offset, shape (n, out_h, out_w, channels)."""
        (height, width), (stride_h, stride_w) = self._out, self._strides
        for i in range(self._window[0]):
            for j in range(self._window[1]):
                yield (i, j), (slice(None), slice(i, i + stride_h * (height - 1) + 1, stride_h),
                               slice(j, j + stride_w * (width - 1) + 1, stride_w))

    def _scatter(self, n, dtype, pieces):
        """dLoss/dinput from ``pieces``, the gradient at each offset in :meth:`_offsets` order:
        their sum, each added where its offset's slice came from, less the padding."""
        (top, bottom), (left, right) = self._pads
        height, width, channels = self.input_shape
        dxp = self.buffer("dx", (n, top + height + bottom, left + width + right, channels), dtype)
        dxp.fill(0)
        for (_, index), piece in zip(self._offsets(), pieces):
            dxp[index] += piece
        return dxp[:, top:top + height, left:left + width]
