"""Runs in each sandbox worker, in the interpreter just restored for one call, before the model's snippet.

It closes the Python routes back into JavaScript and the host, then defines `run(code)`, which executes the
snippet. The worker's interpreter serves that one snippet and is thrown away with the worker, so nothing here
needs protecting from it or putting back afterwards: a snippet that rebinds builtins, patches modules or
removes these refusals changes only its own run. The JavaScript side of the worker (sandbox-worker.mjs) holds
the real boundary: this layer exists so that the obvious attempts fail early with a message the model can read.
"""

import builtins
import importlib.abc
import os
import random
import sys
import traceback

# Bridges to JavaScript (js, pyodide.*), native calls (ctypes) and the network (socket, ssl).
_BLOCKED_ROOTS = frozenset(
    {
        "js",
        "pyodide",
        "pyodide_js",
        "_pyodide",
        "_pyodide_core",
        "micropip",
        "ctypes",
        "_ctypes",
        "socket",
        "_socket",
        "ssl",
        "_ssl",
        "multiprocessing",
        "_posixsubprocess",
    }
)


def _is_blocked(name):
    return name.split(".", 1)[0] in _BLOCKED_ROOTS


class _RefuseBlockedModules(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if _is_blocked(fullname):
            raise ImportError(
                f"module '{fullname}' is blocked in this sandbox: no JavaScript, native code or network",
                name=fullname,
            )
        return None


def _refuse_processes(*_args, **_kwargs):
    raise PermissionError("starting processes is not allowed in this sandbox")


def _close_bridges():
    from _pyodide._importhook import jsfinder

    for name in list(jsfinder.jsproxies):
        jsfinder.unregister_js_module(name)
    sys.meta_path[:] = [_RefuseBlockedModules()] + [
        finder for finder in sys.meta_path if type(finder).__module__.split(".", 1)[0] not in _BLOCKED_ROOTS
    ]
    for name in list(sys.modules):
        if _is_blocked(name):
            del sys.modules[name]
    # os.system reaches Emscripten's system(), which spawns a host shell unless the JavaScript side refuses.
    for name in ("system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "execv", "execve"):
        if hasattr(os, name):
            setattr(os, name, _refuse_processes)
    # Pyodide's start-up sets a few variables (LD_LIBRARY_PATH, HOME, ...): the snippet gets none.
    os.environ.clear()


_close_bridges()
del _close_bridges

# Every call restores the same snapshot, generator state included: without a fresh seed, every call would
# draw the same "random" numbers.
random.seed()

# The streams the worker captures; a snippet may rebind sys.stdout, and its own output then goes there.
_streams = (sys.stdout, sys.stderr)


def _describe_failure(error):
    # Drop the frame of run() itself: the model only needs to see its own code.
    frames = error.__traceback__.tb_next if error.__traceback__ else None
    return "".join(traceback.format_exception(type(error), error, frames)).rstrip()


def run(code):
    """Executes the snippet; returns None on success or the formatted error."""
    try:
        exec(compile(code, "<sandbox>", "exec"), {"__name__": "__main__", "__builtins__": builtins})
        return None
    except SystemExit as exit_request:
        return None if exit_request.code in (None, 0) else _describe_failure(exit_request)
    except BaseException as error:  # every failure, KeyboardInterrupt included, is a result to report
        return _describe_failure(error)
    finally:
        for stream in _streams:
            stream.flush()
