#!/usr/bin/env python3
"""Anonymous memory mapped per stage of bench/python/dask_phases.py, from an strace log:
under Dask's MALLOC_TRIM_THRESHOLD_ every allocation over 128 KiB is an mmap, so this is
the fresh memory each stage page-faults in. A stage's maps are those between the line
it prints and the previous one.

    MALLOC_TRIM_THRESHOLD_=65536 strace -f -e trace=mmap,munmap,write,brk -o /tmp/trace.txt \\
        .venv/bin/python bench/python/dask_phases.py --events 10e6 --shards 2
    python3 bench/python/mmap_by_stage.py /tmp/trace.txt

(The first line's stage also holds the making of the log.)
"""

import re
import sys

MMAP = re.compile(r"mmap\(NULL, (\d+), [^,]+, ([^,]+), -1, 0\) = 0x")
WRITE = re.compile(r'write\(1, "([^"]*)')
BRK = re.compile(r"brk\((0x[0-9a-f]+|NULL)\)\s+= (0x[0-9a-f]+)")


def main() -> None:
    total = count = grew = 0
    heap = {}
    for line in open(sys.argv[1], errors="replace"):
        m = MMAP.search(line)
        if m and "MAP_ANONYMOUS" in m.group(2):
            total += int(m.group(1))
            count += 1
            continue
        b = BRK.search(line)
        if b:
            pid, top = line.split()[0], int(b.group(2), 16)
            if pid in heap and top > heap[pid]:
                grew += top - heap[pid]
            heap[pid] = top
            continue
        w = WRITE.search(line)
        if w and w.group(1) != "\\n":
            print(f"{w.group(1)[:46]:<46} {total / 1e6:9.1f} MB mapped in {count:6d} maps, heap grew {grew / 1e6:7.1f} MB")
            total = count = grew = 0


if __name__ == "__main__":
    main()
