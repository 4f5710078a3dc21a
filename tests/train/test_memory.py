import subprocess
import sys

import pytest

from plateplug.train.memory import glibc, keep_freed_memory

# Allocates, fills and frees 64 MB twice with libc's malloc; prints the page faults of the
# second round. With freed memory kept, the second round reuses the first round's pages.
ROUNDS = """
import ctypes, resource, sys
from plateplug.train.memory import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
size = 64 << 20
for _ in range(2):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = libc.malloc(size)
    ctypes.memset(block, 1, size)
    libc.free(block)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def second_round_faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", ROUNDS, mode], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


@pytest.mark.skipif(glibc() is None, reason="keep_freed_memory tunes glibc's malloc only")
def test_kept_memory_is_reused_without_page_faults():
    faults_default = second_round_faults("default")
    faults_kept = second_round_faults("keep")
    assert faults_default > 10_000  # 64 MB of 4 kB pages faulted in again
    assert faults_kept < faults_default / 20


@pytest.mark.skipif(glibc() is not None, reason="checks the platforms without glibc")
def test_elsewhere_malloc_is_left_alone():
    assert keep_freed_memory() is False
