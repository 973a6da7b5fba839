"""2-D convolution of channels-last images, with a fused activation."""

import numpy as np

from learninspy._internal.checks import positive_integer
from learninspy.core.layers.activation import FusedActivation
from learninspy.core.layers.dense import initial_weights
from learninspy.core.layers.window import SlidingWindow, check_padding, pair

__all__ = ["Conv2D"]


class Conv2D(FusedActivation, SlidingWindow):
    """2-D convolution, y = f(x * K + b), with * the cross-correlation every deep-learning
    library calls convolution.

    Computed as im2col and one matrix product: the windows of every output pixel are copied
    as rows of a matrix (from a strided view, see :mod:`~learninspy.core.layers.window`) and
    multiplied by the kernel seen as a (kh * kw * channels, filters) matrix. The input gradient
    is one batched product, the gradient's share of each kernel offset, summed back by slice
    additions (col2im).

    Shapes: input (n, height, width, channels); kernel K (kh, kw, channels, filters);
    bias b (filters,); output (n, out_h, out_w, filters) with, along each axis,
    out = floor((size + padding - k) / stride) + 1.

    Args:
        filters: int, number of output channels.
        kernel_size: int or pair (kh, kw).
        strides: int or pair, steps of the window (default 1).
        padding: 'valid' (none, the default), 'same' (zeros so that out = ceil(size / stride),
            the odd one at the bottom and right, as in Keras) or an int of zeros per side.
        activation: name of a registered activation (see ``activations.names()``), default
            'Identity'.
        name: optional name shown in summaries.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation="Identity",
                 name=None):
        super().__init__(name)
        positive_integer("filters", filters)
        pair(kernel_size, "kernel_size")
        pair(strides, "strides")
        check_padding(padding, ("valid", "same", int))
        self.filters, self.kernel_size, self.strides = int(filters), kernel_size, strides
        self.padding, self.activation = padding, activation
        self._set_activation(activation)

    def build(self, input_shape, rng, dtype):
        kernel = pair(self.kernel_size, "kernel_size")
        height, width = self._build_window(input_shape, kernel, pair(self.strides, "strides"),
                                           self.padding)
        area, channels = kernel[0] * kernel[1], input_shape[2]
        self.add_param("kernel", initial_weights(area * channels, area * self.filters,
                                                 self.weight_init, rng, dtype,
                                                 shape=kernel + (channels, self.filters)),
                       regularize=True)
        self.add_param("b", self.new_array("b", (self.filters,), 0, dtype))
        return height, width, self.filters

    def forward(self, x, training=False):
        n, (height, width), kernel = len(x), self._out, self.params["kernel"]
        xp = self._pad(x, 0, training)
        columns = self._array("columns", (n, height, width) + kernel.shape[:3], x.dtype, training)
        np.copyto(columns, self._windows(xp))
        z = np.matmul(columns.reshape(n * height * width, -1), kernel.reshape(-1, self.filters),
                      out=self._array("z", (n * height * width, self.filters), x.dtype, training))
        z += self.params["b"]
        if training:
            self.cache["columns"] = columns
        return self._activate(z.reshape(n, height, width, self.filters), training)

    def backward(self, grad):
        grad_z = self._preactivation_grad(grad).reshape(-1, self.filters)
        columns = self.cache["columns"]
        matrix = columns.reshape(len(grad_z), -1)
        np.matmul(matrix.T, grad_z, out=self.grads["kernel"].reshape(-1, self.filters))
        np.sum(grad_z, axis=0, out=self.grads["b"])
        if not self.propagate_grad:
            return None
        # One (pixels, channels) gradient per kernel offset, each contiguous for _scatter:
        # grad_z (pixels, filters) times that offset's (filters, channels) slice of the kernel.
        n, height, width, kh, kw, channels = columns.shape
        per_offset = self.params["kernel"].reshape(kh * kw, channels, self.filters)
        pieces = np.matmul(grad_z, per_offset.transpose(0, 2, 1), out=self.buffer(
            "pieces", (kh * kw, len(grad_z), channels), columns.dtype))
        return self._scatter(n, columns.dtype,
                             (piece.reshape(n, height, width, channels) for piece in pieces))
