"""Materials of an application (营业执照, 授权委托书, 身份证明, 证据): checked by content,
encrypted at rest, never public.

Only PDF, JPG, PNG and OFD are kept, at most 10 files of 10 MB each; the type is decided
from the bytes (magic numbers; an OFD file is a ZIP package holding OFD.xml), never from
the name. Like batch sources and list materials (collection/storage.py,
lists/materials.py) each file is SM4-GCM encrypted under the platform's field keys, with
the key id in its header, in a 0700 folder under MEDIA_ROOT (outside the web root); its SM3
digest is kept to prove later that the file read back is the file received. The clear
bytes are read only through `read()` by the console page that writes the access log.
"""

from __future__ import annotations

import io
import os
import secrets
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from credit.collection.storage import private_dir
from credit.core import fieldcrypto
from credit.core.errors import ServiceError

MAGIC = b"CREDIT-APPLICATION-MATERIAL-1\n"
MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "ofd": "application/ofd",
}
_NONCE, _TAG = 12, 16


@dataclass(frozen=True)
class Checked:
    """An upload that passed the checks, read into memory (10 MB at most)."""

    filename: str
    file_type: str
    data: bytes


def _is_ofd(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return any(n.lstrip("/").upper() == "OFD.XML" for n in package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def sniff(data: bytes) -> str | None:
    """The kept type the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04") and _is_ofd(data):
        return "ofd"
    return None


def _clean_name(name: str) -> str:
    name = Path(name or "").name.replace("\x00", "")
    return "".join(c for c in name if c.isprintable())[:200] or "材料"


def check_uploads(uploads: list) -> list[Checked]:
    """Read and check every upload, or refuse the lot with a message naming the file.

    Nothing is stored before all have passed, so a refused submission leaves nothing.
    """
    if len(uploads) > MAX_FILES:
        raise ServiceError(
            "too_many_materials", f"材料最多上传 {MAX_FILES} 个文件，本次为 {len(uploads)} 个"
        )
    checked = []
    for number, upload in enumerate(uploads, start=1):
        name = _clean_name(getattr(upload, "name", ""))
        where = f"第 {number} 个材料（{name}）"
        size = getattr(upload, "size", None) or 0
        if size > MAX_BYTES:
            raise ServiceError("material_too_large", f"{where}超过 10 MB，请压缩或拆分后上传")
        data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
        if len(data) > MAX_BYTES:
            raise ServiceError("material_too_large", f"{where}超过 10 MB，请压缩或拆分后上传")
        if not data:
            raise ServiceError("material_empty", f"{where}是空文件")
        file_type = sniff(data)
        if file_type is None:
            raise ServiceError(
                "material_type",
                f"{where}不是 PDF、JPG、PNG 或 OFD 文件（按文件内容判断，与扩展名无关）",
            )
        checked.append(Checked(name, file_type, data))
    return checked


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _folder(application_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "application-materials" / str(application_id)


def _aad(key_id: str, application_id: int, stored: str) -> bytes:
    return b"|".join(
        (b"credit-application", key_id.encode(), str(application_id).encode(), stored.encode())
    )


def store(application_id: int, data: bytes) -> str:
    """Encrypt `data` for the application; returns its stored name."""
    stored = secrets.token_hex(16) + ".enc"
    key_id, key = fieldcrypto.active_key()
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_aad(key_id, application_id, stored))
    body = encryptor.update(data) + encryptor.finalize()
    folder = private_dir(_folder(application_id))
    fd = os.open(folder / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        key_bytes = key_id.encode()
        out.write(MAGIC + struct.pack(">H", len(key_bytes)) + key_bytes + nonce)
        out.write(body + encryptor.tag)
    return stored


def remove(application_id: int, stored: str) -> None:
    """Delete a stored file (a submission rolled back after its files were written)."""
    if stored and "/" not in stored and not stored.startswith("."):
        (_folder(application_id) / stored).unlink(missing_ok=True)


def read(application_id: int, stored: str, expected_sm3: str) -> bytes:
    """The clear bytes of a stored material, checked against its SM3 digest."""
    if not stored or "/" in stored or stored.startswith("."):
        raise ServiceError("material_missing", "申请材料不存在", status=404)
    try:
        raw = (_folder(application_id) / stored).read_bytes()
    except OSError:
        raise ServiceError("material_missing", "申请材料不存在或已删除", status=404) from None
    if not raw.startswith(MAGIC):
        raise ServiceError("material_damaged", "申请材料文件已损坏")
    pos = len(MAGIC)
    (length,) = struct.unpack(">H", raw[pos : pos + 2])
    pos += 2
    key_id = raw[pos : pos + length].decode()
    pos += length
    nonce, body, tag = raw[pos : pos + _NONCE], raw[pos + _NONCE : -_TAG], raw[-_TAG:]
    decryptor = Cipher(
        algorithms.SM4(fieldcrypto.key_for(key_id)), modes.GCM(nonce, tag)
    ).decryptor()
    decryptor.authenticate_additional_data(_aad(key_id, application_id, stored))
    try:
        data = decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise ServiceError("material_damaged", "申请材料完整性校验失败") from None
    if sm3(data) != expected_sm3:
        raise ServiceError("material_damaged", "申请材料与提交时的 SM3 摘要不一致")
    return data
