"""Where issued report files are kept, and how they are read back.

A public report states only what the public may see: it is kept in clear. A special report
(专项信用报告) states the subject's non-public facts (minor penalties, 简易程序), so it is
kept SM4-GCM encrypted under the platform's field keys, like list materials and batch
source files: the key id is written in the file (files written before a key rotation still
open) and the report number is bound as associated data (a file cannot be passed off as
another report). Its folder is mode 0700 and the file 0600. The report's SM3 digest is that
of the signed PDF itself, so the verify page compares uploads with the clear file.
"""

from __future__ import annotations

import logging
import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.utils import timezone

from credit.collection.storage import private_dir
from credit.core import fieldcrypto
from credit.core.digests import sm3_hex

logger = logging.getLogger(__name__)

MAGIC = b"CREDIT-REPORT-1\n"
ENCRYPTED_SUFFIX = ".enc"
_NONCE, _TAG = 12, 16


def _aad(key_id: str, number: str) -> bytes:
    return b"|".join((b"credit-report", key_id.encode(), number.encode()))


def encrypt(number: str, data: bytes) -> bytes:
    key_id, key = fieldcrypto.active_key()
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_aad(key_id, number))
    body = encryptor.update(data) + encryptor.finalize()
    key_bytes = key_id.encode()
    return MAGIC + struct.pack(">H", len(key_bytes)) + key_bytes + nonce + body + encryptor.tag


def decrypt(number: str, raw: bytes) -> bytes | None:
    """The clear file, or None when `raw` is not one of ours or was altered."""
    if not raw.startswith(MAGIC):
        return None
    pos = len(MAGIC)
    (length,) = struct.unpack(">H", raw[pos : pos + 2])
    pos += 2
    key_id = raw[pos : pos + length].decode()
    pos += length
    nonce, body, tag = raw[pos : pos + _NONCE], raw[pos + _NONCE : -_TAG], raw[-_TAG:]
    decryptor = Cipher(
        algorithms.SM4(fieldcrypto.key_for(key_id)), modes.GCM(nonce, tag)
    ).decryptor()
    decryptor.authenticate_additional_data(_aad(key_id, number))
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        return None


def is_encrypted(relative: str) -> bool:
    return relative.endswith(ENCRYPTED_SUFFIX)


def store(number: str, data: bytes, *, encrypted: bool, now=None) -> Path:
    """Write the signed file of report `number`; returns its absolute path."""
    month = timezone.localtime(now).strftime("%Y%m")
    root = Path(settings.MEDIA_ROOT) / "reports"
    if encrypted:
        folder = private_dir(root / "special" / month)
        path = folder / f"{number}.pdf{ENCRYPTED_SUFFIX}"
        data = encrypt(number, data)
    else:
        folder = root / month
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{number}.pdf"
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if encrypted else 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    tmp.replace(path)
    return path


def read(report) -> bytes | None:
    """The signed PDF of an issued report, checked against its digest; None when the file
    is missing, cannot be decrypted or is not the one issued."""
    path = Path(settings.MEDIA_ROOT) / report.pdf_path
    try:
        data = path.read_bytes()
    except OSError:
        logger.warning("stored report %s is missing at %s", report.number, path)
        return None
    if is_encrypted(report.pdf_path):
        data = decrypt(report.number, data)
        if data is None:
            logger.error("stored report %s does not decrypt", report.number)
            return None
    if sm3_hex(data) != report.pdf_digest:
        logger.error("stored report %s does not match its digest", report.number)
        return None
    return data


def seal_clear_special_reports(reports) -> int:
    """Encrypt the special reports an earlier version kept in clear (migration 0004; also
    safe to run again). `reports` is the CreditReport model, historical or current."""
    sealed = 0
    for report in reports.objects.filter(kind="special").exclude(
        pdf_path__endswith=ENCRYPTED_SUFFIX
    ):
        clear = Path(settings.MEDIA_ROOT) / report.pdf_path
        try:
            data = clear.read_bytes()
        except OSError:
            logger.warning("special report %s has no file to encrypt at %s", report.number, clear)
            continue
        path = store(report.number, data, encrypted=True, now=report.issued_at)
        reports.objects.filter(pk=report.pk).update(
            pdf_path=str(path.relative_to(settings.MEDIA_ROOT))
        )
        clear.unlink(missing_ok=True)
        sealed += 1
    return sealed
