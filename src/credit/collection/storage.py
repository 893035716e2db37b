"""Where a batch's source file lives: encrypted at rest, readable through one function.

Department files carry persons' ID numbers, so the platform never keeps them in clear:
`store()` encrypts the upload with the platform's field keys (SM4-GCM, the key id
recorded in the file so files written before a key rotation still open) into a file of
mode 0600 in a directory of mode 0700. The file is encrypted in chunks of 1 MiB, each
with its own nonce and with its position, the batch and a last-chunk flag bound as
associated data, so a 100 MB upload is never held in memory and a chunk cannot be
reordered, moved to another batch, or cut off without the tag check failing.

Everything that reads a source file later (the pipeline, re-runs after a crash, report
building) goes through `open_source()` — it decrypts to a private temporary file that
is removed when the reader is done — or `open_table()` built on it.

Retention: `purge_expired()` (a daily job) builds the reports of finished batches and then
deletes their source files once CREDIT_UPLOAD_RETENTION_DAYS have passed; the batch page
then says the source file is no longer kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import struct
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.utils import timezone

from credit.audit import services as audit
from credit.collection import errors, readers
from credit.collection.errors import FileProblem, Problem
from credit.collection.models import Batch, BatchState, Source
from credit.core import fieldcrypto
from credit.core.actors import Actor

MAGIC = b"CREDIT-SOURCE-1\n"
CHUNK = 1 << 20
_NONCE, _TAG = 12, 16
ENCRYPTED_SUFFIX = ".enc"
ACTIVE = (BatchState.RECEIVED, BatchState.VALIDATING, BatchState.LOADING)
# A temporary clear copy older than this was left by a killed process.
TEMP_MAX_AGE = dt.timedelta(hours=12)
GONE_MESSAGE = "源文件已按保存期限删除，平台不再保存该文件"
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


class SourceUnavailable(FileProblem):
    """The source file is no longer kept or cannot be read back."""

    def __init__(self, code: str, message: str):
        super().__init__([Problem(code, message)])
        self.code = code
        self.message = message


def private_dir(path: Path) -> Path:
    """Create `path` (and the media folders above it) with mode 0700."""
    root = Path(settings.MEDIA_ROOT)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for folder in [path, *path.parents]:
        if folder == root or root not in folder.parents:
            break
        os.chmod(folder, 0o700)
    return path


def batch_dir(batch: Batch) -> Path:
    return Path(settings.MEDIA_ROOT) / "batches" / str(batch.public_id)


def temp_dir() -> Path:
    """The private folder (0700) for clear copies that must not outlive their use."""
    return private_dir(Path(settings.MEDIA_ROOT) / "tmp")


def _aad(key_id: str, batch: Batch, index: int, final: bool) -> bytes:
    return b"|".join(
        (
            b"credit-source",
            key_id.encode(),
            str(batch.public_id).encode(),
            str(index).encode(),
            b"1" if final else b"0",
        )
    )


def _pieces(source) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
    elif isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            while piece := fh.read(CHUNK):
                yield piece
    elif hasattr(source, "chunks"):
        yield from source.chunks()
    else:
        while piece := source.read(CHUNK):
            yield piece


def _chunks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Regroup pieces of any size into CHUNK-sized chunks (the last one shorter)."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    yield bytes(buffer)


def store(batch: Batch, source, name: str) -> Path:
    """Encrypt `source` (a path, an uploaded file, a file object or bytes) as the batch's
    source file `<name>.enc`; returns its path."""
    folder = private_dir(batch_dir(batch))
    target = folder / (name + ENCRYPTED_SUFFIX)
    key_id, key = fieldcrypto.active_key()
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".store-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + struct.pack(">H", len(key_id.encode())) + key_id.encode())

            def write(chunk: bytes, index: int, final: bool) -> None:
                nonce = os.urandom(_NONCE)
                encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
                encryptor.authenticate_additional_data(_aad(key_id, batch, index, final))
                body = encryptor.update(chunk) + encryptor.finalize()
                out.write(struct.pack(">I", len(body)) + nonce + body + encryptor.tag)

            pending, index = None, 0
            for chunk in _chunks(_pieces(source)):
                if pending is not None:
                    write(pending, index, final=False)
                    index += 1
                pending = chunk
            write(pending or b"", index, final=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _corrupt() -> SourceUnavailable:
    return SourceUnavailable(errors.SOURCE_CORRUPT, "保存的源文件已损坏或被篡改，无法读取")


def _decrypt(batch: Batch, path: Path, out) -> None:
    with open(path, "rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            raise _corrupt()
        (id_len,) = struct.unpack(">H", fh.read(2))
        key_id = fh.read(id_len).decode()
        try:
            key = fieldcrypto.key_for(key_id)
        except fieldcrypto.FieldCryptoError as exc:
            raise SourceUnavailable(errors.SOURCE_CORRUPT, exc.message) from exc
        index, head = 0, fh.read(4)
        while True:
            if len(head) != 4:
                raise _corrupt()
            (size,) = struct.unpack(">I", head)
            nonce, body, tag = fh.read(_NONCE), fh.read(size), fh.read(_TAG)
            if len(nonce) != _NONCE or len(body) != size or len(tag) != _TAG:
                raise _corrupt()
            head = fh.read(4)
            final = not head
            decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
            decryptor.authenticate_additional_data(_aad(key_id, batch, index, final))
            try:
                out.write(decryptor.update(body) + decryptor.finalize())
            except InvalidTag:
                raise _corrupt() from None
            if final:
                return
            index += 1


def source_kept(batch: Batch) -> bool:
    return bool(batch.file) and Path(batch.file).exists()


@contextlib.contextmanager
def open_source(batch: Batch) -> Iterator[Path]:
    """The batch's source file in clear, as a private temporary file removed on exit.

    The one place that reads a stored source file: the pipeline, re-runs and reports all
    come through here. Files stored before encryption was introduced are read in place.
    """
    if not source_kept(batch):
        raise SourceUnavailable(errors.SOURCE_GONE, GONE_MESSAGE)
    path = Path(batch.file)
    if path.suffix != ENCRYPTED_SUFFIX:
        yield path
        return
    suffix = Path(batch.filename).suffix
    fd, name = tempfile.mkstemp(
        dir=temp_dir(), prefix="source-", suffix=suffix if _SAFE_SUFFIX.match(suffix) else ""
    )
    try:
        with os.fdopen(fd, "wb") as out:
            _decrypt(batch, path, out)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def is_json(batch: Batch) -> bool:
    return batch.source == Source.API_JSON or batch.file_format == "json"


def open_table(batch: Batch) -> readers.Table:
    """The batch's rows; closing the table removes the temporary clear copy."""
    stack = contextlib.ExitStack()
    try:
        path = stack.enter_context(open_source(batch))
        if is_json(batch):
            table = readers.open_json_rows(orjson.loads(path.read_bytes()))
        else:
            table = readers.open_table(path, batch.filename)
    except BaseException:
        stack.close()
        raise
    table._closers.append(stack.close)
    return table


def forget(actor: Actor, batch: Batch, reason: str) -> bool:
    """Delete the batch's source file (reports stay); False when it was already gone."""
    had = source_kept(batch)
    if batch.file:
        Path(batch.file).unlink(missing_ok=True)
    Batch.objects.filter(pk=batch.pk).update(file="")
    batch.file = ""
    if had:
        audit.log_change(
            actor, "batch_source_deleted", "batch", batch.public_id, after={"reason": reason}
        )
    return had


def purge_expired(actor: Actor, now: dt.datetime | None = None) -> int:
    """Delete the source files of batches final for longer than the retention period.

    The reports are built first (they are what the department keeps), so nothing the
    department can download depends on the source file afterwards. Returns the number of
    files deleted.
    """
    from credit.collection import services

    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.CREDIT_UPLOAD_RETENTION_DAYS)
    deleted = 0
    expired = (
        Batch.objects.exclude(file="")
        .exclude(state__in=ACTIVE)
        .filter(finished_at__lte=limit)
        .select_related("dataset_version")
    )
    for batch in expired.iterator():
        for fmt in ("xlsx", "csv"):
            services.build_report(actor, batch, fmt)
        deleted += forget(actor, batch, f"保存期限 {settings.CREDIT_UPLOAD_RETENTION_DAYS} 天已满")
    _sweep_temp(now)
    return deleted


def _sweep_temp(now: dt.datetime) -> None:
    """Clear copies left behind by a process killed while it read a source file."""
    folder = Path(settings.MEDIA_ROOT) / "tmp"
    if not folder.is_dir():
        return
    cutoff = now.timestamp() - TEMP_MAX_AGE.total_seconds()
    # source-*: decrypted sources; error-rows-*: error-rows files (collection.error_rows).
    for pattern in ("source-*", "error-rows-*"):
        for leftover in folder.glob(pattern):
            with contextlib.suppress(FileNotFoundError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
