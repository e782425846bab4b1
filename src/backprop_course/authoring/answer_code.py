"""A student's answer turned into a mutant for mistakes.py, as text, without running it.

The answer cell is hostile code. It is parsed (never executed), reduced to the graded function
(the cell's imports of numpy and math, its constants and its other functions go inside it; its
other statements are left out; a function named like a callee is left out, as grading put the
reference's in its place, and calls to callees go to `reference.<name>`), renamed, and checked
against an allowlist: only numpy, math and plain builtins; no name or attribute with a leading
underscore (no name with two); none of numpy's file or C interfaces; no decorators, default values other than
literals, global, nonlocal, classes, generators or async code. What passes is written out by
ast.unparse, so comments and any text outside the code are gone. The instructor still reads it
before keeping it: it runs outside the sandbox wherever the catalog is used (docs/instructors.md).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

MAX_ANSWER_CHARS = 20_000
MODULES = {"numpy": "np", "math": "math"}  # what an answer may import, and the name mistakes.py has for it
BUILTINS = frozenset({
    "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "int", "isinstance", "iter",
    "len", "list", "map", "max", "min", "next", "pow", "range", "reversed", "round", "set", "slice", "sorted",
    "str", "sum", "tuple", "zip", "ArithmeticError", "Exception", "IndexError", "KeyError", "TypeError",
    "ValueError", "ZeroDivisionError",
})
# numpy's ways to files, memory and C, and other names that reach past plain arithmetic.
FORBIDDEN_ATTRIBUTES = frozenset({
    "load", "save", "savez", "savez_compressed", "savetxt", "loadtxt", "genfromtxt", "fromfile", "tofile",
    "fromregex", "memmap", "open_memmap", "ctypeslib", "ctypes", "lib", "DataSource", "f2py", "distutils",
    "testing", "os", "sys", "system", "popen", "dump", "dumps", "open", "show_config", "show_runtime", "info",
    "source", "who", "exec", "eval", "compile", "import_module", "emath", "rec", "char", "core",
})
# Try: a bare except would catch the time limit a mutant is called under (check-assignment).
FORBIDDEN_NODES = (ast.Global, ast.Nonlocal, ast.ClassDef, ast.Yield, ast.YieldFrom, ast.Await, ast.AsyncFor,
                   ast.AsyncWith, ast.AsyncFunctionDef, ast.Try, ast.Delete, ast.NamedExpr)


class RefusedAnswerError(ValueError):
    """An answer that cannot become a mutant; the message says why."""


@dataclass(frozen=True)
class Draft:
    """A mutant drafted from an answer: its name and source (a def), and whether it calls the
    reference (mistakes.py then needs `from . import reference`)."""

    name: str
    source: str
    uses_reference: bool


def draft_mutant(code: str, function: str, callees: tuple[str, ...], name: str) -> Draft:
    """The answer cell's code as a mutant of function named name (see the module's docstring)."""
    if len(code) > MAX_ANSWER_CHARS:
        raise RefusedAnswerError(f"it is longer than {MAX_ANSWER_CHARS} characters")
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError) as error:
        raise RefusedAnswerError(f"it does not parse: {error}") from None
    graded, prelude = None, []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            graded = node
        elif _kept(node, callees):
            prelude.append(node)
    if graded is None:
        raise RefusedAnswerError(f"it defines no function {function}")
    if graded.decorator_list:
        raise RefusedAnswerError("it has a decorator")
    mutant = ast.FunctionDef(name=name, args=graded.args, body=[*prelude, *graded.body], decorator_list=[],
                             returns=None)
    uses_reference = _Rewrite(set(callees)).visit_all(mutant)
    _check(mutant)
    bound = _bound(mutant)
    if bound & {"reference", *callees}:
        raise RefusedAnswerError(f"it defines {', '.join(sorted(bound & {'reference', *callees}))} itself")
    read = {node.id for node in ast.walk(mutant) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    free = sorted(read - bound - BUILTINS - {"reference", *MODULES.values()})
    if free:
        raise RefusedAnswerError(f"it uses {', '.join(free)}, defined elsewhere in the notebook (or not at all)")
    mutant.body[:0] = [ast.Import([ast.alias(module, alias)]) for module, alias in MODULES.items()
                       if alias in read - bound]
    source = ast.unparse(ast.fix_missing_locations(mutant))
    compile(source, "<draft>", "exec")  # only compiled: nothing of it runs here
    return Draft(name, source, uses_reference)


def _kept(node: ast.stmt, callees: tuple[str, ...]) -> bool:
    """Whether a statement of the cell goes into the mutant: the cell's other functions (but not
    one named like a callee), its imports and its constants."""
    if isinstance(node, ast.FunctionDef):
        return node.name not in callees
    return isinstance(node, (ast.Import, ast.ImportFrom)) or (isinstance(node, ast.Assign)
                                                              and _is_literal(node.value))


def _is_literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


class _Rewrite(ast.NodeTransformer):
    """Callees to reference.<name>, print statements out, annotations out; whether a callee is called."""

    def __init__(self, callees: set[str]):
        self.callees, self.used = callees, False

    def visit_all(self, node: ast.FunctionDef) -> bool:
        self.generic_visit(node)
        return self.used

    def visit_Name(self, node: ast.Name):
        if isinstance(node.ctx, ast.Load) and node.id in self.callees:
            self.used = True
            return ast.copy_location(ast.Attribute(ast.Name("reference", ast.Load()), node.id, ast.Load()), node)
        return node

    def visit_Expr(self, node: ast.Expr):
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print":
            return ast.copy_location(ast.Pass(), node)
        return self.generic_visit(node)

    def visit_arg(self, node: ast.arg):
        node.annotation = None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef):
        node.returns = None
        return self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign):
        if node.value is None:
            return ast.copy_location(ast.Pass(), node)
        return ast.copy_location(ast.Assign([node.target], node.value), node)


def _check(mutant: ast.FunctionDef) -> None:
    for node in ast.walk(mutant):
        if isinstance(node, FORBIDDEN_NODES):
            raise RefusedAnswerError(f"it uses {type(node).__name__.lower()}, which a mutant may not")
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            if getattr(node, "decorator_list", []):
                raise RefusedAnswerError("it has a decorator")
            if not all(_is_literal(default) for default in [*node.args.defaults, *node.args.kw_defaults]
                       if default is not None):
                raise RefusedAnswerError("a default value is not a literal")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in MODULES:
                    raise RefusedAnswerError(f"it imports {alias.name}; only numpy and math may be")
        if isinstance(node, ast.ImportFrom) and (node.level or node.module not in MODULES):
            raise RefusedAnswerError(f"it imports from {node.module}; only numpy and math may be")
        if isinstance(node, ast.Attribute) and (node.attr.startswith("_") or node.attr in FORBIDDEN_ATTRIBUTES):
            raise RefusedAnswerError(f"it uses the attribute {node.attr}")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise RefusedAnswerError(f"it uses the name {node.id}")


def _bound(mutant: ast.FunctionDef) -> set[str]:
    """The names the mutant binds itself: parameters, assignments, loop and comprehension
    variables, functions, imports."""
    bound = set()
    for node in ast.walk(mutant):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef) and node is not mutant:
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound
