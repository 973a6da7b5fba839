"""Neurons: the synaptic weights W and bias b of a layer, and their algebra.

:class:`LocalNeurons` is a thin wrapper over a NumPy array with the operations that
learninspy 0.1's API names (activation, loss, dropout, norms, products), each done by the code
the layers run. Layers compute on the raw arrays in their hot paths; ``LocalNeurons`` is the
readable face of those arrays of 0.1's API, e.g. ``NeuralLayer.weights`` or the gradients
returned by ``NeuralNetwork.cost_overall``.

Its layout was designed to be compatible with a future distributed counterpart; distributed
arrays are not implemented, so ``shape`` only checks or reshapes the local array.
"""

import numpy as np

from learninspy.core import loss as _loss
from learninspy.core import penalties
from learninspy.core.layers.dropout import check_ratio, inverted_dropout_mask

__all__ = ["LocalNeurons"]


def _array(value):
    return value.matrix if isinstance(value, LocalNeurons) else value


class LocalNeurons:
    """Weights or bias held as a local NumPy array.

    Args:
        mat: numpy.ndarray, list, LocalNeurons or pyspark RDD (collected, as learninspy 0.1
            did), the matrix W or vector b.
        shape: optional tuple; ``mat`` is reshaped to it (its size must match).

    A vector stays one-dimensional (learninspy 0.1 made it a column, (n, 1)): ``rows`` is its
    length and ``cols`` 1.

    >>> shape = (5, 3)
    >>> w = np.random.default_rng(0).uniform(-0.5, 0.5, size=shape)
    >>> weights = LocalNeurons(w, shape)
    >>> weights.shape
    (5, 3)
    """

    __array_priority__ = 20  # ndarray (op) LocalNeurons defers to LocalNeurons

    def __init__(self, mat, shape=None):
        mat = _array(mat)
        if type(mat).__module__.startswith("pyspark.") and hasattr(mat, "collect"):
            mat = mat.collect()  # an RDD of values or of rows
        mat = np.asarray(mat)
        if shape is not None and tuple(shape) != mat.shape:
            if int(np.prod(shape)) != mat.size:
                raise ValueError(f"cannot view an array of shape {mat.shape} as {tuple(shape)}")
            mat = mat.reshape(shape)
        self.matrix = mat

    # --- Inspection ---------------------------------------------------------------------------

    @property
    def shape(self):
        """Dimensions of the array, a tuple."""
        return self.matrix.shape

    @property
    def rows(self):
        """Number of rows: ``shape[0]``."""
        return self.matrix.shape[0] if self.matrix.ndim else 1

    @property
    def cols(self):
        """Number of columns: ``shape[1]``, 1 for a vector."""
        return self.matrix.shape[1] if self.matrix.ndim > 1 else 1

    def collect(self):
        """The array held, a numpy.ndarray."""
        return self.matrix

    def count(self):
        """Number of elements (rows x columns for a matrix)."""
        return self.matrix.size

    def __len__(self):
        return len(self.matrix)

    def __array__(self, dtype=None, copy=None):
        return self.matrix if dtype is None else self.matrix.astype(dtype)

    def __repr__(self):
        return f"LocalNeurons({self.matrix!r})"

    # --- Algebra ------------------------------------------------------------------------------

    def mul_array(self, array):
        """Matrix product with ``array``, self @ array."""
        return LocalNeurons(np.matmul(self.matrix, _array(array)))

    def mul_elemwise(self, array):
        """Elementwise product with ``array``."""
        return LocalNeurons(self.matrix * _array(array))

    def sum_array(self, array):
        """Elementwise sum with ``array``."""
        return LocalNeurons(self.matrix + _array(array))

    def outer(self, array):
        """Outer product with a vector, as numpy.outer."""
        return LocalNeurons(np.outer(self.matrix, _array(array)))

    def transpose(self):
        """The transposed array."""
        return LocalNeurons(self.matrix.T)

    def sum(self, axis=None):
        """Sum of the elements, as numpy.ndarray.sum."""
        return self.matrix.sum(axis=axis)

    def _binary(op):
        def method(self, other):
            return LocalNeurons(op(self.matrix, _array(other)))
        return method

    def _reflected(op):
        def method(self, other):
            return LocalNeurons(op(_array(other), self.matrix))
        return method

    def _inplace(op):
        def method(self, other):
            op(self.matrix, _array(other), out=self.matrix, casting="same_kind")
            return self
        return method

    __add__, __radd__, __iadd__ = _binary(np.add), _reflected(np.add), _inplace(np.add)
    __sub__, __rsub__ = _binary(np.subtract), _reflected(np.subtract)
    __isub__ = _inplace(np.subtract)
    __mul__, __rmul__ = _binary(np.multiply), _reflected(np.multiply)
    __imul__ = _inplace(np.multiply)
    __truediv__, __itruediv__ = _binary(np.true_divide), _inplace(np.true_divide)
    __pow__ = _binary(np.power)
    del _binary, _reflected, _inplace

    def __neg__(self):
        return LocalNeurons(-self.matrix)

    def __eq__(self, other):
        """True when ``other`` holds the same values: another LocalNeurons of the same shape,
        or (as in learninspy 0.1) an array, a list or a number that broadcasts to equal
        values (numpy.array_equiv). A single bool, not an elementwise array."""
        if isinstance(other, LocalNeurons):
            return np.array_equal(self.matrix, other.matrix)
        try:
            return bool(np.array_equiv(self.matrix, other))
        except (TypeError, ValueError):
            return False

    __hash__ = None

    # --- Functions of the network -------------------------------------------------------------

    def activation(self, fun):
        """Apply an activation function (from ``activations``) elementwise."""
        return LocalNeurons(fun(self.matrix))

    def softmax(self):
        """Softmax of the vector held (over the last axis), a numpy.ndarray."""
        return _loss.softmax(self.matrix)

    def loss(self, fun, y):
        """Value of a loss function (from ``loss``) between this output and the expected ``y``."""
        return fun(self.matrix, _array(y))

    def loss_d(self, fun, y):
        """Derivative of a loss function between this output and ``y``, as LocalNeurons."""
        return LocalNeurons(fun(self.matrix, _array(y)))

    def dropout(self, p, seed=123):
        """Inverted DropOut (Srivastava et al., 2014), as the Dropout layer applies it: each
        element is zeroed with probability p and the survivors are scaled by 1 / (1 - p), so
        the expected value is unchanged.

        Args:
            p: float, 0 <= p < 1.
            seed: int or numpy.random.Generator.

        Returns:
            tuple (LocalNeurons, numpy.ndarray): the result and the binary mask, 1 where the
            element was kept.
        """
        p = check_ratio(p, "dropout ratio p")
        dtype = self.matrix.dtype if self.matrix.dtype.kind == "f" else np.dtype(np.float64)
        mask = inverted_dropout_mask(np.random.default_rng(seed), self.matrix.shape, p, dtype)
        return LocalNeurons(self.matrix * mask), (mask > 0).astype(dtype)

    def l1(self):
        """L1 norm, sum |W_ij|, and its gradient sign(W). Usually not applied to a bias.

        Returns:
            tuple (float, LocalNeurons).
        """
        value, grad = penalties.l1(self.matrix)
        return value, LocalNeurons(grad)

    def l2(self):
        """Half the squared L2 norm, 1/2 sum W_ij^2, and its gradient W.

        Returns:
            tuple (float, LocalNeurons).
        """
        value, grad = penalties.l2(self.matrix)
        return value, LocalNeurons(grad)
