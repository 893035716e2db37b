"""Field encryption of ID numbers (SM4-GCM) and their blind index (HMAC-SM3).

商用密码 (GB/T 39786-2021): important personal data is encrypted at rest with SM4, and the
platform finds a person by ID number through a keyed SM3 digest instead of a clear column.
The installed `cryptography` (OpenSSL 3+) provides SM4 in GCM mode, so encryption is
authenticated without a separate MAC.

Token format: `<key_id>:<base64url(nonce | ciphertext | tag)>`, unpadded. The key id travels
with the value so that values written under an older key still decrypt after the active key
changes (CREDIT_FIELD_KEYS keeps old ids). The key id is bound as associated data, so a token
cannot be relabelled with another id.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from credit.core.identifiers import upgrade_legacy_id

_NONCE_BYTES = 12
_TAG_BYTES = 16


class FieldCryptoError(ValueError):
    """A token that cannot be decrypted: `code` for machines, Chinese `message` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# Caches are keyed on the configured hex strings, so override_settings and key rotation
# take effect without an explicit reset.
@lru_cache(maxsize=16)
def _key_bytes(key_id: str, key_hex: str) -> bytes:
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        raise ImproperlyConfigured(f"CREDIT_FIELD_KEYS[{key_id!r}] is not hex") from None
    if len(key) != 16:
        raise ImproperlyConfigured(f"CREDIT_FIELD_KEYS[{key_id!r}] must be 128 bits (32 hex chars)")
    return key


@lru_cache(maxsize=4)
def _keyed_hmac(key_hex: str) -> hmac.HMAC:
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        raise ImproperlyConfigured("CREDIT_BLIND_INDEX_KEY is not hex") from None
    if len(key) < 16:
        raise ImproperlyConfigured("CREDIT_BLIND_INDEX_KEY must be at least 128 bits")
    return hmac.HMAC(key, hashes.SM3())


def _key(key_id: str) -> bytes:
    key_hex = settings.CREDIT_FIELD_KEYS.get(key_id)
    if key_hex is None:
        raise FieldCryptoError("unknown_key", f"未知的加密密钥标识“{key_id}”，无法解密")
    return _key_bytes(key_id, key_hex)


def active_key() -> tuple[str, bytes]:
    """(key id, SM4 key) that encrypts new values; for callers that encrypt whole files."""
    key_id = settings.CREDIT_FIELD_KEY_ID
    if ":" in key_id:
        raise ImproperlyConfigured("CREDIT_FIELD_KEY_ID must not contain ':'")
    if key_id not in settings.CREDIT_FIELD_KEYS:
        raise ImproperlyConfigured(f"CREDIT_FIELD_KEY_ID {key_id!r} is not in CREDIT_FIELD_KEYS")
    return key_id, _key(key_id)


def key_for(key_id: str) -> bytes:
    """The SM4 key of a key id (old ids stay readable after rotation)."""
    return _key(key_id)


def encrypt_id(plain: str) -> str:
    """Encrypt with the active key and a fresh random nonce; the same input never repeats."""
    key_id = settings.CREDIT_FIELD_KEY_ID
    if ":" in key_id:
        raise ImproperlyConfigured("CREDIT_FIELD_KEY_ID must not contain ':'")
    if key_id not in settings.CREDIT_FIELD_KEYS:
        raise ImproperlyConfigured(f"CREDIT_FIELD_KEY_ID {key_id!r} is not in CREDIT_FIELD_KEYS")
    nonce = os.urandom(_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_key(key_id)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(key_id.encode())
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    blob = base64.urlsafe_b64encode(nonce + body + encryptor.tag).rstrip(b"=").decode()
    return f"{key_id}:{blob}"


def _split(token: str) -> tuple[str, str]:
    key_id, sep, blob = token.rpartition(":")
    if not sep or not key_id:
        raise FieldCryptoError("bad_token", "密文格式错误")
    return key_id, blob


def decrypt_id(token: str) -> str:
    key_id, blob = _split(token)
    try:
        raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
    except (binascii.Error, ValueError):
        raise FieldCryptoError("bad_token", "密文格式错误") from None
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise FieldCryptoError("bad_token", "密文格式错误")
    nonce, body, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(_key(key_id)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(key_id.encode())
    try:
        plain = decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise FieldCryptoError("tampered", "密文完整性校验失败，数据可能被篡改") from None
    return plain.decode()


def rotate_needed(token: str) -> bool:
    """True when the token was written under a key other than the active one."""
    return _split(token)[0] != settings.CREDIT_FIELD_KEY_ID


def normalize_id_for_digest(plain: str) -> str:
    """Stripped, half-width, upper case; a legacy 15-digit number becomes its 18-digit form.

    The upgrade makes a person imported once with the old number and once with the new one
    land on the same blind index.
    """
    return upgrade_legacy_id(plain)


def id_digest(plain: str) -> str:
    """Hex HMAC-SM3 blind index of an ID number (64 characters)."""
    mac = _keyed_hmac(settings.CREDIT_BLIND_INDEX_KEY).copy()
    mac.update(normalize_id_for_digest(plain).encode())
    return mac.finalize().hex()
