"""Written materials of the list procedure (书面放弃陈述申辩 etc.): encrypted at rest, never public.

Like batch source files (collection/storage.py) they may carry persons' ID numbers and
signatures, so they are kept SM4-GCM encrypted under the platform's field keys in a 0700
folder, and are only read back through `read()` by the console page that shows the entry
(which writes the access log).
"""

from __future__ import annotations

import os
import secrets
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from credit.collection.storage import private_dir
from credit.core import fieldcrypto
from credit.core.errors import ServiceError

MAGIC = b"CREDIT-MATERIAL-1\n"
MAX_BYTES = 10 * 1024 * 1024
ALLOWED_SUFFIXES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                    ".png": "image/png"}  # fmt: skip
_NONCE, _TAG = 12, 16


def _folder(entry_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "list-materials" / str(entry_id)


def check_upload(upload) -> None:
    """Refuse what the platform does not keep, with the reason in Chinese."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ServiceError("material_type", "书面材料只接受 PDF、JPG 或 PNG 文件")
    if upload.size > MAX_BYTES:
        raise ServiceError("material_too_large", "书面材料不能超过 10 MB")
    if upload.size == 0:
        raise ServiceError("material_empty", "上传的书面材料是空文件")


def _aad(key_id: str, entry_id: int, stored: str) -> bytes:
    return b"|".join((b"credit-material", key_id.encode(), str(entry_id).encode(), stored.encode()))


def store(entry_id: int, upload) -> str:
    """Encrypt the uploaded file for entry `entry_id`; returns its stored name."""
    check_upload(upload)
    data = b"".join(upload.chunks())
    stored = secrets.token_hex(16) + ".enc"
    key_id, key = fieldcrypto.active_key()
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_aad(key_id, entry_id, stored))
    body = encryptor.update(data) + encryptor.finalize()
    folder = private_dir(_folder(entry_id))
    fd = os.open(folder / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        key_bytes = key_id.encode()
        out.write(MAGIC + struct.pack(">H", len(key_bytes)) + key_bytes + nonce)
        out.write(body + encryptor.tag)
    return stored


def read(entry_id: int, stored: str) -> bytes:
    """The clear content of a stored material (raises ServiceError when gone or altered)."""
    if not stored or "/" in stored or stored.startswith("."):
        raise ServiceError("material_missing", "书面材料不存在", status=404)
    try:
        raw = (_folder(entry_id) / stored).read_bytes()
    except OSError:
        raise ServiceError("material_missing", "书面材料不存在或已删除", status=404) from None
    if not raw.startswith(MAGIC):
        raise ServiceError("material_damaged", "书面材料文件已损坏")
    pos = len(MAGIC)
    (length,) = struct.unpack(">H", raw[pos : pos + 2])
    pos += 2
    key_id = raw[pos : pos + length].decode()
    pos += length
    nonce, body, tag = raw[pos : pos + _NONCE], raw[pos + _NONCE : -_TAG], raw[-_TAG:]
    decryptor = Cipher(
        algorithms.SM4(fieldcrypto.key_for(key_id)), modes.GCM(nonce, tag)
    ).decryptor()
    decryptor.authenticate_additional_data(_aad(key_id, entry_id, stored))
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise ServiceError("material_damaged", "书面材料完整性校验失败") from None


def content_type(name: str) -> str:
    return ALLOWED_SUFFIXES.get(Path(name or "").suffix.lower(), "application/octet-stream")
