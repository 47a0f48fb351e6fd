"""Runs once in a fresh sandbox worker, before any model-written code.

It closes the Python routes back into JavaScript and the host, then defines `run(code)`, which executes one
snippet in fresh globals and puts the interpreter back as it was, so calls never see each other's state.
The JavaScript side of the worker (sandbox-worker.mjs) holds the real boundary: this layer exists so that
the obvious attempts fail early with a message the model can read.
"""

import builtins
import gc
import importlib
import importlib.abc
import os
import shutil
import sys
import traceback
import types

# Loaded before the snapshot, so each run finds them imported instead of importing them again.
for _name in ("cmath", "collections", "datetime", "decimal", "fractions", "itertools", "math", "statistics"):
    importlib.import_module(_name)

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
    os.environ.clear()


_close_bridges()
del _close_bridges

_HOME = os.getcwd()
_SCRATCH_DIRS = ("/tmp", _HOME)


class _Snapshot:
    """Interpreter state a snippet may change and the next snippet must not inherit."""

    def __init__(self):
        self.builtins = dict(builtins.__dict__)
        self.modules = dict(sys.modules)
        # Module attributes too: `math.pi = 3` must not reach the next run.
        self.module_namespaces = {
            name: dict(module.__dict__)
            for name, module in sys.modules.items()
            if isinstance(module, types.ModuleType) and module not in (sys, builtins)
        }
        self.meta_path = list(sys.meta_path)
        self.path = list(sys.path)
        self.streams = (sys.stdin, sys.stdout, sys.stderr)
        self.recursion_limit = sys.getrecursionlimit()
        self.int_max_str_digits = sys.get_int_max_str_digits()

    def restore(self):
        builtins.__dict__.clear()
        builtins.__dict__.update(self.builtins)
        sys.modules.clear()
        sys.modules.update(self.modules)
        for name, saved in self.module_namespaces.items():
            namespace = self.modules[name].__dict__
            for added in namespace.keys() - saved.keys():
                del namespace[added]
            namespace.update(saved)
        sys.meta_path[:] = self.meta_path
        sys.path[:] = self.path
        sys.stdin, sys.stdout, sys.stderr = self.streams
        sys.setrecursionlimit(self.recursion_limit)
        sys.set_int_max_str_digits(self.int_max_str_digits)
        sys.settrace(None)
        sys.setprofile(None)
        os.environ.clear()
        os.chdir(_HOME)
        for folder in _SCRATCH_DIRS:
            for entry in os.scandir(folder):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.remove(entry.path)
        gc.collect()


_snapshot = _Snapshot()


def _describe_failure(error):
    # Drop the frame of run() itself: the model only needs to see its own code.
    frames = error.__traceback__.tb_next if error.__traceback__ else None
    return "".join(traceback.format_exception(type(error), error, frames)).rstrip()


def run(code):
    """Executes one snippet; returns None on success or the formatted error."""
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(compile(code, "<sandbox>", "exec"), namespace)
        return None
    except SystemExit as exit_request:
        return None if exit_request.code in (None, 0) else _describe_failure(exit_request)
    except BaseException as error:  # every failure, KeyboardInterrupt included, is a result to report
        return _describe_failure(error)
    finally:
        namespace.clear()
        _snapshot.restore()
        sys.stdout.flush()
        sys.stderr.flush()
