"""Reference of the tiny modular-layers assignment (tests only): an affine layer, forward and backward."""

import numpy as np


def affine_forward(x, w, b):
    """out = x (reshaped to (N, D)) @ w + b for x of shape (N, d_1, ..., d_k); returns (out, cache)."""
    ### BEGIN SOLUTION
    out = np.reshape(x, (x.shape[0], -1)) @ w + b
    cache = (x, w, b)
    ### END SOLUTION
    return out, cache


def affine_backward(dout, cache):
    """The gradients (dx, dw, db) of the loss, given dout (N, M) and the cache that affine_forward returned."""
    ### BEGIN SOLUTION
    x, w, b = cache
    dx = np.reshape(dout @ w.T, x.shape)
    dw = np.reshape(x, (x.shape[0], -1)).T @ dout
    db = np.sum(dout, axis=0)
    ### END SOLUTION
    return dx, dw, db
