"""Opaque public identifiers of records (`/publicity/records/<token>/`).

Records have sequential primary keys, which must not appear in public URLs (they reveal
volumes and invite enumeration). Rather than a new column filled by the import path, the
token is the primary key encrypted as one SM4 block: 8 bytes of key + 8 zero bytes, under
a key derived from SECRET_KEY. Decryption gives the key back without a lookup table; the
zero half authenticates it (a guessed token decodes to zeros with probability 2⁻⁶⁴).
Tokens are 22 URL-safe characters, look random and are stable for as long as SECRET_KEY
is; rotating SECRET_KEY changes every record URL (subject URLs use their own stored
random `public_id` and do not change).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_PURPOSE = b"credit.portal.record-token.v1"
# List entries get tokens of their own key, so a record's token never opens an entry.
_ENTRY_PURPOSE = b"credit.portal.list-entry-token.v1"
_ZERO = bytes(8)


@lru_cache(maxsize=4)
def _cipher(secret: str, purpose: bytes = _PURPOSE) -> Cipher:
    key = hmac.new(secret.encode(), purpose, hashlib.sha256).digest()[:16]
    return Cipher(algorithms.SM4(key), modes.ECB())


def record_token(pk: int, purpose: bytes = _PURPOSE) -> str:
    encryptor = _cipher(settings.SECRET_KEY, purpose).encryptor()
    block = encryptor.update(int(pk).to_bytes(8, "big") + _ZERO) + encryptor.finalize()
    return base64.urlsafe_b64encode(block).rstrip(b"=").decode()


def record_pk(token: str, purpose: bytes = _PURPOSE) -> int | None:
    """The record key of a token, or None for anything that is not a token we issued."""
    if not token or len(token) != 22:
        return None
    try:
        block = base64.urlsafe_b64decode(token + "==")
    except (binascii.Error, ValueError):
        return None
    if len(block) != 16:
        return None
    decryptor = _cipher(settings.SECRET_KEY, purpose).decryptor()
    plain = decryptor.update(block) + decryptor.finalize()
    if plain[8:] != _ZERO:
        return None
    pk = int.from_bytes(plain[:8], "big")
    # The last base64 character carries 4 padding bits that decoding ignores: accept only
    # the canonical spelling, so each record has exactly one URL.
    return pk if record_token(pk, purpose) == token else None


def entry_token(pk: int) -> str:
    """The opaque public identifier of a list entry (its self-check page)."""
    return record_token(pk, _ENTRY_PURPOSE)


def entry_pk(token: str) -> int | None:
    return record_pk(token, _ENTRY_PURPOSE)


def fact_ref(token: str) -> tuple[str, int] | None:
    """(kind, key) of a public fact id: a record's token or a list entry's. The two keys
    are different, so a token authenticates under at most one of them (2⁻⁶⁴ otherwise);
    one id field in the public API and one URL can name either kind of fact. Not stripped:
    each fact has exactly one spelling (see `record_pk`)."""
    token = token or ""
    pk = record_pk(token)
    if pk is not None:
        return "record", pk
    pk = entry_pk(token)
    if pk is not None:
        return "list_entry", pk
    return None
