# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] id="intro"
# # Autograd, part 1: a Value that knows its gradient
#
# In the `backprop` assignment you derived every gradient by hand: the chain rule, one layer at
# a time, written out as matrix formulas. That works, but every new network means new
# derivations. An **automatic differentiation** engine does the bookkeeping for you: each number
# of a computation remembers how it was made, and one call walks back through the computation
# and applies the chain rule at every step. Deep-learning libraries work this way. In this
# notebook you build a small one, for single numbers (scalars), in the style of Andrej Karpathy's
# *micrograd*. The next notebook builds a neural network out of it, and the last one trains it and
# checks it against the hand-derived gradients of `backprop`'s `mlp_gradients`.
#
# **How this notebook is graded.** Write each method of the class `Value` in its one answer cell,
# and `weighted_sum` in its own, replacing each `raise NotImplementedError()`. After each exercise
# a cell runs quick checks on your code (run the class's cell again after each change, then the
# checks); when your result on a check's example matches a common mistake, the check names it and
# gives a hint. Hidden tests then use your class on numbers you have not seen and compare what it
# computes with a reference implementation, to a relative error of at most `{{ rel_tolerance }}`.
# Each method is tested **on its own**: an operation's local gradients by calling the local step
# of one node (never your `backward()`), and `backward()` on nodes whose local steps are the
# grader's, so that a mistake costs points only where it is made. Keep the names and signatures
# as they are.
#
# {{ points_table }}

# %% given=true
import math  # noqa: F401 - for your answers: math.exp, math.tanh

import numpy as np  # noqa: F401 - the checks write their known values as np.array(...)

# %% author_only=true
# For the author only: the build leaves this cell out. It binds what the built notebook gets from
# elsewhere (the reference's Value and weighted_sum, the helpers of autograd_checks.py, and
# known(), whose calls the build replaces by the values it computes), so that ruff knows every
# name and this lesson runs as it is in a kernel that has backprop_course.
from backprop_course.authoring.author import Value, check_result, known, play, weighted_sum  # noqa: F401

# %% [markdown] exercise="Value.__add__"
# ## 1. A number that remembers where it came from
#
# A `Value` holds one number, `data`. When two Values are combined, say $c = a + b$, the result
# remembers its inputs (`_prev`, its **children** in the graph of the computation) and a function
# `_backward`, its **local step**. Later, once the gradient of the final output $L$ with respect
# to $c$ is known and stored in `c.grad`, the local step passes it on to the inputs by the chain
# rule:
#
# $$\frac{\partial L}{\partial a} \mathrel{+}= \frac{\partial L}{\partial c} \cdot
# \frac{\partial c}{\partial a}, \qquad
# \frac{\partial L}{\partial b} \mathrel{+}= \frac{\partial L}{\partial c} \cdot
# \frac{\partial c}{\partial b}.$$
#
# $\frac{\partial c}{\partial a}$ is the **local derivative** of the one operation, and
# $\frac{\partial L}{\partial c}$ is `c.grad`, often written `out.grad` inside the method.
#
# **Why $\mathrel{+}=$.** A Value can be used more than once: in $L = a \cdot b + a$ the number
# $a$ reaches $L$ along two paths, and its gradient is the **sum** over the paths (the
# multivariable chain rule). So a local step always *adds* to its inputs' `grad`, never assigns.
#
# For addition both local derivatives are 1: $\frac{\partial (a + b)}{\partial a} = 1$.
#
# ### Exercise 1: addition
#
# In the class below, write `__add__(self, other)`: make `out = Value(self.data + other.data,
# (self, other))`, give it a local step that adds `out.grad` to the `grad` of both inputs, set
# `out._backward` to it and return `out`. Let `other` be a plain number too (`a + 2`): wrap it,
# `other = other if isinstance(other, Value) else Value(other)`.
#
# Inside the method, define the local step as a function that reads `out.grad` **when it runs**:
#
# ```python
# def _backward():
#     self.grad += ...
# out._backward = _backward
# ```
#
# This one cell holds the whole class: each exercise below asks for one more of its methods.

# %% exercise="Value.__add__"
check_result(play("Value.__add__", 2.0, -3.0, 0.5, 1.5), known("Value.__add__", 2.0, -3.0, 0.5, 1.5))
print("Value.__add__: visible checks passed")

# %% [markdown] exercise="Value.__mul__"
# ## 2. Multiplication
#
# For $c = a \cdot b$ the local derivatives are the *other* input:
#
# $$\frac{\partial c}{\partial a} = b, \qquad \frac{\partial c}{\partial b} = a,$$
#
# so the local step adds `other.data * out.grad` to `self.grad` and `self.data * out.grad` to
# `other.grad`.
#
# ### Exercise 2: multiplication
#
# Write `__mul__(self, other)`, as `__add__`, numbers allowed.

# %% exercise="Value.__mul__"
check_result(play("Value.__mul__", 2.0, -3.0, 0.5, 1.5), known("Value.__mul__", 2.0, -3.0, 0.5, 1.5))
print("Value.__mul__: visible checks passed")

# %% [markdown] exercise="Value.__radd__"
# ## 3. A number on the left
#
# `a + 2` calls `a.__add__(2)`. But `2 + a` first asks the number: `int.__add__` knows nothing of
# Values and says so (it returns `NotImplemented`), and only then does Python try the **reflected**
# method of the right operand, `a.__radd__(2)`. Without `__radd__`, `2 + a` raises
# `TypeError: unsupported operand type(s)`, and so does `sum(values)`, which starts from `0`.
#
# ### Exercise 3: reflected addition
#
# Write `__radd__(self, other)`. Addition is commutative, so it can return `self + other`.
# (Not `other + self`: that asks the number again, which calls `__radd__` again, for ever.)

# %% exercise="Value.__radd__"
check_result(play("Value.__radd__", 2.0, -3.0), known("Value.__radd__", 2.0, -3.0))
print("Value.__radd__: visible checks passed")

# %% [markdown] exercise="Value.__rmul__"
# ### Exercise 4: reflected multiplication
#
# Write `__rmul__(self, other)` in the same way, so that `2 * a` works.

# %% exercise="Value.__rmul__"
check_result(play("Value.__rmul__", 2.0, -3.0), known("Value.__rmul__", 2.0, -3.0))
print("Value.__rmul__: visible checks passed")

# %% [markdown] exercise="Value.__pow__"
# ## 4. Powers
#
# For a number exponent $n$ (an `int` or a `float`, not a Value),
#
# $$\frac{\partial\, a^n}{\partial a} = n\, a^{n - 1}.$$
#
# ### Exercise 5: powers
#
# Write `__pow__(self, n)` for a number `n`: `out = Value(self.data ** n, (self,))`, and a local
# step that adds `n * self.data ** (n - 1) * out.grad` to `self.grad`.

# %% exercise="Value.__pow__"
check_result(play("Value.__pow__", 1.5, 3, 0.5, 1.5), known("Value.__pow__", 1.5, 3, 0.5, 1.5))
print("Value.__pow__: visible checks passed")

# %% [markdown] exercise="Value.__sub__"
# ## 5. Operations for free
#
# Negation, subtraction and division need no local steps of their own: they are made of the
# operations you already have, and their gradients follow through those.
#
# $$-a = a \cdot (-1), \qquad a - b = a + (-b), \qquad \frac{a}{b} = a \cdot b^{-1}.$$
#
# ### Exercise 6: negation and subtraction
#
# Write `__neg__(self)` as `self * -1`, `__sub__(self, other)` as `self + (-other)`, and the
# reflected `__rsub__(self, other)` for `k - a`. Careful: in `__rsub__`, `other` is the number on
# the **left**, so $k - a$ is $(-a) + k$: `(-self) + other`. (Written with the Value first, it
# needs your `__add__` only; `other + (-self)` needs your `__radd__` too.)

# %% exercise="Value.__sub__"
check_result(play("Value.__sub__", 2.0, -4.0, 3.0), known("Value.__sub__", 2.0, -4.0, 3.0))
print("Value.__sub__: visible checks passed")

# %% [markdown] exercise="Value.__truediv__"
# ### Exercise 7: division
#
# Write `__truediv__(self, other)` as `self * other ** -1`, and `__rtruediv__(self, other)` for
# `k / a`, where again `other` is the number on the left: $k / a$ is $a^{-1} \cdot k$,
# `self ** -1 * other`.

# %% exercise="Value.__truediv__"
check_result(play("Value.__truediv__", 2.0, -4.0, 3.0), known("Value.__truediv__", 2.0, -4.0, 3.0))
print("Value.__truediv__: visible checks passed")

# %% [markdown] exercise="Value.exp"
# ## 6. Functions of one Value
#
# The exponential is its own derivative:
#
# $$\frac{d\, e^x}{dx} = e^x,$$
#
# so the local step of `out = a.exp()` adds `out.data * out.grad` to `a.grad`: the *output*
# already holds $e^x$.
#
# ### Exercise 8: exp
#
# Write `exp(self)`, returning a new Value with `self` as its one child (`math.exp` computes the
# number).

# %% exercise="Value.exp"
check_result(play("Value.exp", 0.5, 2.0, 1.5), known("Value.exp", 0.5, 2.0, 1.5))
print("Value.exp: visible checks passed")

# %% [markdown] exercise="Value.tanh"
# The hyperbolic tangent squashes any number into $(-1, 1)$, and its derivative is written with
# its own output $t = \tanh(x)$:
#
# $$\tanh(x) = \frac{e^{2x} - 1}{e^{2x} + 1}, \qquad \frac{d \tanh(x)}{dx} = 1 - t^2.$$
#
# ### Exercise 9: tanh
#
# Write `tanh(self)`. Compute the number with `math.tanh`: the formula above with `math.exp`
# overflows for $x$ above about 355 (`math.exp(710)` is too large for a float and raises
# `OverflowError`). In the local step, use the output `out.data`, not the input.

# %% exercise="Value.tanh"
check_result(play("Value.tanh", 0.5, 2.0, 1.5), known("Value.tanh", 0.5, 2.0, 1.5))
check_result(play("Value.tanh", 400.0, 2.0, 1.5), known("Value.tanh", 400.0, 2.0, 1.5))
print("Value.tanh: visible checks passed")

# %% [markdown] exercise="Value.sigmoid"
# The logistic sigmoid of `backprop`, with its derivative in terms of its output $s$:
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}} = \frac{e^x}{1 + e^x}, \qquad \sigma'(x) = s\,(1 - s),
# \quad s = \sigma(x).$$
#
# ### Exercise 10: sigmoid
#
# Write `sigmoid(self)`. For $x \ge 0$ compute $\frac{1}{1 + e^{-x}}$, for $x < 0$ the equal
# $\frac{e^x}{1 + e^x}$: then `math.exp` only ever sees a number $\le 0$ and never overflows
# (`1 / (1 + math.exp(-x))` raises `OverflowError` for $x$ below about $-709$).

# %% exercise="Value.sigmoid"
check_result(play("Value.sigmoid", 0.5, 2.0, 1.5), known("Value.sigmoid", 0.5, 2.0, 1.5))
check_result(play("Value.sigmoid", -750.0, 2.0, 1.5), known("Value.sigmoid", -750.0, 2.0, 1.5))
print("Value.sigmoid: visible checks passed")

# %% [markdown] exercise="Value.backward"
# ## 7. The backward pass
#
# Each local step needs its node's `grad` to be complete before it runs: every path from the
# output to that node must have added its share. So the local steps run in **reverse
# topological order**: a node only after every node that was computed from it.
#
# A topological order is easy to build with a depth-first search that lists a node after all of
# its children:
#
# ```python
# order, visited = [], set()
#
# def visit(node):
#     if node not in visited:
#         visited.add(node)
#         for child in node._prev:
#             visit(child)
#         order.append(node)
# ```
#
# `visited` matters: without it a node reached along two paths is listed twice, and its local
# step passes its gradient on twice. Then set the output's own gradient,
# $\frac{\partial L}{\partial L} = 1$, and call each node's `_backward` from the output back to
# the inputs: `for node in reversed(order)`.
#
# ### Exercise 11: backward
#
# Write `backward(self)`, for `self` the output $L$ of the computation. A recursion or a loop with
# an explicit stack are both fine. (It is tested on nodes whose local steps are the grader's: a
# mistake in an operation above costs nothing here.)

# %% exercise="Value.backward"
example = (1.0, 2.0, 3.0, 4.0, 5.0, 0.5, -0.5, 2.0, 1.5, -1.0, 0.25)
check_result(play("Value.backward", *example), known("Value.backward", *example))
print("Value.backward: visible checks passed")

# %% [markdown] id="lesson_engine"
# Your whole engine at work on $L = a b + a$ with $a = 3$, $b = -2$: by hand,
# $\frac{\partial L}{\partial a} = b + 1 = -1$ (two paths) and $\frac{\partial L}{\partial b} = a = 3$.

# %% id="engine_demo" locked=true
a_demo, b_demo = Value(3.0), Value(-2.0)
L_demo = a_demo * b_demo + a_demo
L_demo.backward()
print(f"L = {L_demo.data}, dL/da = {a_demo.grad}, dL/db = {b_demo.grad}")

# %% [markdown] exercise="weighted_sum"
# ## 8. A node with many inputs
#
# A node may have any number of children. A neuron's weighted sum
# $z = w_1 x_1 + w_2 x_2 + \dots + w_n x_n + b$ can be one node instead of $2n$ small ones, with
#
# $$\frac{\partial z}{\partial w_i} = x_i, \qquad \frac{\partial z}{\partial x_i} = w_i, \qquad
# \frac{\partial z}{\partial b} = 1.$$
#
# ### Exercise 12: weighted_sum
#
# Write `weighted_sum(ws, xs, b)` for lists of Values `ws` and `xs` of the same length and a Value
# `b`: **one** new Value whose children are all of them, with one local step that adds to every
# `w`, `x` and `b` its share. If you make one small function per input in a loop, mind Python's
# closures: a function made in a loop sees the loop variable's value when it *runs*, after the
# loop has ended.

# %% exercise="weighted_sum"
example = (0.5, -1.0, 2.0, 1.5, 0.5, -2.0, 0.25, 2.0, 1.5)
check_result(play("weighted_sum", *example), known("weighted_sum", *example))
print("weighted_sum: visible checks passed")
