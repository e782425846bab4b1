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
# # Autograd, part 2: a neural network of Values
#
# With a `Value` that passes gradients back, a neural network is only arithmetic: build its
# output out of Values and call `backward()` on the loss. In this notebook you write the three
# classes of a multilayer perceptron, `Neuron`, `Layer` and `MLP`, each with a `parameters()`
# method that lists the Values training will change. They are the networks of `backprop`'s
# multilayer notebook: a sigmoid on every layer, the output layer included.
#
# **How this notebook is graded.** The given cell holds a complete `Value` (the solution of part
# 1: your own engine's mistakes cost nothing here), with `datas`, which lists the numbers of some
# Values, and `neuron_from` and `layer_from`, which build your classes from numbers. Write each
# method in its class's answer cell. A layer is graded with **stand-ins** for its neurons, and a
# network with stand-ins for its layers: simple functions whose outputs the tests choose, so a
# mistake in `Neuron` costs nothing in `Layer` or `MLP`. Call each neuron or layer as a function
# (`neuron(x)`, `layer(x)`), as the checks below do. Hidden tests compare with a reference
# implementation to a relative error of at most `{{ rel_tolerance }}`.
#
# {{ points_table }}

# %% given=true
import numpy as np  # noqa: F401 - the checks write their known values as np.array(...)

# %% author_only=true
# For the author only: the build leaves this cell out. It binds what the built notebook gets from
# elsewhere (the reference's classes and given helpers, the helpers of autograd_checks.py, and
# known(), whose calls the build replaces by the values it computes).
from backprop_course.authoring.author import (  # noqa: F401
    MLP,
    Layer,
    Neuron,
    Value,
    check_result,
    datas,
    known,
    layer_from,
    neuron_from,
    play,
)

# %% [markdown] exercise="Neuron.__call__"
# ## 1. A neuron
#
# A neuron with weights $w_1, \dots, w_n$ and a bias $b$, all Values, gives for inputs
# $x_1, \dots, x_n$ (numbers or Values)
#
# $$\text{out} = \sigma\Big(\sum_{i=1}^{n} w_i x_i + b\Big).$$
#
# Nothing else is needed for its gradients: because `out` is made of the weights and the bias,
# `out.backward()` (or the backward pass of a loss made of `out`) fills in `w_i.grad` and `b.grad`.
# That only holds if the weights themselves take part in the arithmetic: computed from their
# `.data`, plain numbers, the output would be cut off from them.
#
# ### Exercise 1: the neuron's output
#
# In the class below, write `__call__(self, x)`. `sum(values, start)` adds a list of Values to
# `start`; the sigmoid is your Value's `.sigmoid()`. The constructor is given: `Neuron(w, b)`
# keeps the list of weights `w` and the bias `b`.

# %% exercise="Neuron.__call__"
example = (0.5, -1.0, 0.25, 0.1, 1.0, 2.0, -1.0)
check_result(play("Neuron.__call__", *example), known("Neuron.__call__", *example))
print("Neuron.__call__: visible checks passed")

# %% [markdown] exercise="Neuron.parameters"
# ### Exercise 2: the neuron's parameters
#
# Write `parameters(self)`: the list of every Value that training changes, the weights and then
# the bias, in one flat list.

# %% exercise="Neuron.parameters"
check_result(play("Neuron.parameters", 0.5, -1.0, 0.25, 0.1), known("Neuron.parameters", 0.5, -1.0, 0.25, 0.1))
print("Neuron.parameters: visible checks passed")

# %% [markdown] exercise="Layer.__call__"
# ## 2. A layer
#
# A layer is neurons side by side: each gets the same inputs $x$, and the layer's output is the
# list of their outputs, one per neuron. In `backprop`'s matrix form, layer $l$ with weights $W_l$
# of shape $(n_{l-1}, n_l)$ computes $a_l = \sigma(a_{l-1} W_l + b_l)$: its neuron $j$ has the
# weights of column $j$ of $W_l$ and the bias $b_{l,j}$ (`layer_from(W, b)` builds one so).
#
# ### Exercise 3: the layer's output
#
# Write `Layer.__call__(self, x)`: the list of its neurons' outputs, in order, always a list
# (even for one neuron).

# %% exercise="Layer.__call__"
# Two stand-in neurons on the inputs 1.0, 2.0 and -1.0: they answer Values of 0.5 and -0.25, and
# note what they are given (the first neuron its third input, the second its first).
example = (1.0, 2.0, -1.0, 0.5, -0.25)
check_result(play("Layer.__call__", *example), known("Layer.__call__", *example))
print("Layer.__call__: visible checks passed")

# %% [markdown] exercise="Layer.parameters"
# ### Exercise 4: the layer's parameters
#
# Write `Layer.parameters(self)`: its neurons' parameters, neuron after neuron, in **one flat
# list** of Values (a list of lists would give training lists, not Values).

# %% exercise="Layer.parameters"
example = (0.5, -1.0, 0.1, 0.25, 0.75, -0.2)
check_result(play("Layer.parameters", *example), known("Layer.parameters", *example))
print("Layer.parameters: visible checks passed")

# %% [markdown] exercise="MLP.__call__"
# ## 3. A network
#
# A multilayer perceptron passes its input through its layers one after the other, each layer
# getting the outputs of the one before:
#
# $$a_0 = x, \qquad a_l = \text{layer}_l(a_{l-1}), \qquad \hat y = a_L.$$
#
# ### Exercise 5: the network's output
#
# Write `MLP.__call__(self, x)`. When the last layer has one neuron (as in `backprop`, where
# $n_L = 1$), return that neuron's output, one Value, rather than a list of one.

# %% exercise="MLP.__call__"
# Two stand-in layers on the inputs 1.0, 2.0 and -1.0: the first answers Values of 0.5 and -0.25,
# the second one of 0.75, and each notes what it is given (the first its first input, the second
# its second).
example = (1.0, 2.0, -1.0, 0.5, -0.25, 0.75)
check_result(play("MLP.__call__", *example), known("MLP.__call__", *example))
print("MLP.__call__: visible checks passed")

# %% [markdown] exercise="MLP.parameters"
# ### Exercise 6: the network's parameters
#
# Write `MLP.parameters(self)`: its layers' parameters, layer after layer, in one flat list.

# %% exercise="MLP.parameters"
example = (0.5, 0.1, -1.0, -0.2, 1.0, -1.5, 0.3)
check_result(play("MLP.parameters", *example), known("MLP.parameters", *example))
print("MLP.parameters: visible checks passed")

# %% [markdown] id="lesson_network"
# ## 4. Your network at work
#
# The cell below builds the network of the checks from your classes, runs one input through it,
# and lets the given engine pass the output's gradient back to all nine parameters.

# %% id="network_demo" locked=true
W1_demo, b1_demo = np.array([[0.5, -0.5], [1.0, 0.25], [-1.0, 0.75]]), np.array([0.1, -0.2])
W2_demo, b2_demo = np.array([[1.0], [-1.5]]), np.array([0.3])
network = MLP([layer_from(W1_demo, b1_demo), layer_from(W2_demo, b2_demo)])
output = network([1.0, 2.0, -1.0])
output.backward()
print(f"output {output.data:.6f}")
for parameter in network.parameters():
    print(f"  parameter {parameter.data:+.3f}: gradient {parameter.grad:+.6f}")
