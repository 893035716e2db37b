"""SM3 digests (GB/T 32905) of files the platform issues or keeps: credit reports, materials.

The `cryptography` package provides SM3; a digest is lowercase hex, 64 characters.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.hazmat.primitives import hashes


def sm3_hex(data: bytes | Iterable[bytes]) -> str:
    digest = hashes.Hash(hashes.SM3())
    if isinstance(data, bytes | bytearray | memoryview):
        digest.update(bytes(data))
    else:
        for chunk in data:
            digest.update(chunk)
    return digest.finalize().hex()
