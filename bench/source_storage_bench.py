"""Cost of keeping source files encrypted (issue 10, item 12): store and read back a file.

Prints, for a file of N MB (default 100), the time to encrypt it into the batch folder
(storage.store), the time to decrypt it to the private temporary copy (storage.open_source),
and the peak resident memory of the process, which shows the file is streamed in 1 MiB
chunks, never held whole. Run: `.tools/bin/uv run --frozen python bench/source_storage_bench.py [MB]`.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import types
import uuid
from pathlib import Path

os.environ.setdefault("CREDIT_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit.settings")


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    work = Path(tempfile.mkdtemp(prefix="source-bench-"))
    os.environ["CREDIT_MEDIA_ROOT"] = str(work / "media")
    import django

    django.setup()
    from credit.collection import storage

    source = work / "upload.csv"
    block = os.urandom(1 << 20)
    with open(source, "wb") as fh:
        for _ in range(size_mb):
            fh.write(block)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    batch = types.SimpleNamespace(
        public_id=uuid.uuid4(), filename="upload.csv", file="", source="upload", file_format=""
    )
    started = time.perf_counter()
    batch.file = str(storage.store(batch, source, "upload.csv"))
    stored = time.perf_counter() - started
    started = time.perf_counter()
    with storage.open_source(batch) as clear:
        assert clear.stat().st_size == size_mb << 20
        read = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file {size_mb} MB")
    print(f"store (encrypt)     {stored:6.2f} s  {size_mb / stored:7.1f} MB/s")
    print(f"open_source (decrypt) {read:4.2f} s  {size_mb / read:7.1f} MB/s")
    print(f"peak RSS {peak:.0f} MB (before store/read: {base_rss:.0f} MB)")
    for path in sorted(work.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    work.rmdir()


if __name__ == "__main__":
    main()
