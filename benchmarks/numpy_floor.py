"""The floor of framework overhead: a careful hand-written NumPy training loop.

MLP with ReLU hidden layers and a softmax output, cross-entropy, SGD with momentum. It does
only what the maths needs: preallocated activations and gradients, ``np.matmul(..., out=)``,
in-place ReLU, the learning rate folded into the output delta, no input gradient for the
first layer, each layer updated right after its gradient. A framework can at best match it.
"""

import numpy as np


class NumpyMLP:
    def __init__(self, sizes, batch, learning_rate=0.01, momentum=0.9, seed=0):
        rng = np.random.default_rng(seed)
        self.sizes, self.batch, self.lr, self.mu = sizes, batch, learning_rate, momentum
        limits = [np.sqrt(6.0 / n_in) for n_in in sizes[:-1]]
        self.W = [rng.uniform(-l, l, (a, b)).astype(np.float32)
                  for l, a, b in zip(limits, sizes[:-1], sizes[1:])]
        self.b = [np.zeros(b, np.float32) for b in sizes[1:]]
        self.VW = [np.zeros_like(w) for w in self.W]
        self.Vb = [np.zeros_like(b) for b in self.b]
        self.A = [np.empty((batch, n), np.float32) for n in sizes]  # A[0] holds the input
        self.D = [np.empty((batch, n), np.float32) for n in sizes[1:]]
        self.dW = [np.empty_like(w) for w in self.W]
        self.rows = np.arange(batch)

    def step(self, X, y, index):
        A, D, W, b = self.A, self.D, self.W, self.b
        np.take(X, index, axis=0, out=A[0])
        last = len(W) - 1
        for i in range(len(W)):
            np.matmul(A[i], W[i], out=A[i + 1])
            A[i + 1] += b[i]
            if i < last:
                np.maximum(A[i + 1], 0, out=A[i + 1])
        out = A[-1]
        out -= out.max(axis=1, keepdims=True)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        delta = D[-1]
        np.copyto(delta, out)
        delta[self.rows, y[index]] -= 1.0
        delta *= self.lr / self.batch  # the step rate, folded into the delta
        for i in range(last, -1, -1):
            delta = D[i]
            np.matmul(A[i].T, delta, out=self.dW[i])
            if i > 0:  # no input gradient for the first layer
                np.matmul(delta, W[i].T, out=D[i - 1])
                D[i - 1] *= A[i] > 0
            self.VW[i] *= self.mu
            self.VW[i] -= self.dW[i]
            W[i] += self.VW[i]
            self.Vb[i] *= self.mu
            self.Vb[i] -= delta.sum(axis=0)
            b[i] += self.Vb[i]

    def predict(self, X):
        a = X
        for i, (w, bias) in enumerate(zip(self.W, self.b)):
            a = a @ w + bias
            if i < len(self.W) - 1:
                np.maximum(a, 0, out=a)
        return a.argmax(axis=1)


def train(X, y, sizes, batch, steps, seed=0, **options):
    """Train for ``steps`` mini-batches drawn in order from a permutation; return the model."""
    model = NumpyMLP(sizes, batch, seed=seed, **options)
    order = np.random.default_rng(seed).permutation(len(X))
    per_epoch = len(X) // batch
    for step in range(steps):
        k = step % per_epoch
        model.step(X, y, order[k * batch:(k + 1) * batch])
    return model
