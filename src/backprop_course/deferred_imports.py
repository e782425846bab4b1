"""Optional dependencies that cost seconds at import and are seldom used, imported on first use.

jsonschema (which nbformat imports) imports rfc3987_syntax, when installed, for its `iri` format
check; that module compiles an Earley grammar at import, about 1 s of CPU in every process that
reads a notebook, while nothing here validates an IRI. A stand-in takes its place in sys.modules
and imports the real module the first time anything of it is used.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types

# module: the functions that `from module import function` may take before the module is needed.
DEFERRED = {"rfc3987_syntax": ("is_valid_syntax",)}


def defer_slow_imports() -> None:
    """Put a stand-in for each module of DEFERRED that is installed and not yet imported."""
    for name, functions in DEFERRED.items():
        if name not in sys.modules:
            spec = importlib.machinery.PathFinder.find_spec(name)
            if spec is not None and spec.loader is not None:
                sys.modules[name] = _StandIn(name, spec, functions)


class _StandIn(types.ModuleType):
    """A module whose attributes, and calls of its functions, are the real module's, imported
    (in its place in sys.modules) when first needed."""

    def __init__(self, name: str, spec: importlib.machinery.ModuleSpec, functions: tuple[str, ...]):
        super().__init__(name)
        self.__spec__ = spec
        if spec.submodule_search_locations is not None:  # a package: its submodules import as they would
            self.__path__ = list(spec.submodule_search_locations)
        self._functions = functions

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        if attribute in self._functions:
            # `from module import function` reads it at once: a function that imports on its first call
            return _on_first_call(self, attribute)
        return getattr(self._real(), attribute)

    def _real(self) -> types.ModuleType:
        name, spec = self.__name__, self.__spec__
        if sys.modules.get(name) is not self:
            return sys.modules[name]
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules[name] = self
            raise
        return module


def _on_first_call(stand_in: _StandIn, attribute: str):
    def deferred(*args, **kwargs):
        return getattr(stand_in._real(), attribute)(*args, **kwargs)

    deferred.__name__ = deferred.__qualname__ = attribute
    return deferred
