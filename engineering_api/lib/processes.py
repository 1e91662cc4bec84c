"""Whether a process runs, by its id: for locks and registries of platforms (or files) without a kernel lock.

A process id names a process only while it runs; a zombie, or another process given the same id, answers too, so a
lock held by the kernel (``flock``) is the better judge wherever there is one (``fakes.project_lock``).
"""

from __future__ import annotations

import os
import sys

__all__ = ("process_alive",)


def process_alive(pid: int) -> bool:
    """Whether a process with id ``pid`` runs (a zombie or a reused id included); False for ids below 1."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True
