"""Helpers that the notebooks' graded test cells call in plain sight (copied into a given cell)."""


def assert_implemented(function, *example_args):
    """Fail while function itself still raises NotImplementedError (its stub is not replaced).

    Everything else is left to the hidden tests: another exception, a wrong result, or a
    NotImplementedError raised by a function it calls (that one is graded in its own cell).
    The call runs quietly: what the function prints or warns is not shown here.
    """
    import contextlib
    import io
    import warnings

    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(
            io.StringIO()
        ):
            warnings.simplefilter("ignore")
            function(*example_args)
    except NotImplementedError as error:
        innermost = error.__traceback__
        while innermost.tb_next is not None:
            innermost = innermost.tb_next
        if innermost.tb_frame.f_code is getattr(function, "__code__", None):
            raise AssertionError(f"{function.__name__} is not written yet: replace its NotImplementedError") from None
    except Exception:
        pass
