"""Signing issued reports (PAdES baseline B-B with pyHanko), so any PDF reader can check
offline that the platform issued a file and that not a byte has changed since.

Production names a PKCS#12 file (CREDIT_REPORT_SIGNING_P12) and its passphrase
(CREDIT_REPORT_SIGNING_PASSWORD), issued by the city's CA. Without one, a demo or test
installation signs with a self-signed certificate it creates once under var/ — a reader
then shows the signature as intact but the signer as not trusted, which is the truth.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

SIGNATURE_FIELD = "平台签章"
_lock = threading.Lock()


class SigningUnavailable(RuntimeError):
    """The configured signing certificate cannot be read."""


def _demo_path() -> Path:
    return Path(settings.MEDIA_ROOT) / "signing" / "report-signing-demo.p12"


def _demo_password() -> bytes:
    # Not a secret: the demo certificate is self-signed and trusted by nobody.
    return b"credit-demo"


def create_demo_certificate(path: Path, password: bytes) -> None:
    """A self-signed signing certificate (RSA 2048, 10 years) in a PKCS#12 file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "辽宁省"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "本溪市"),
            # X.520 limits these to 64 (UTF-8 bytes, as cryptography counts them).
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "信用本溪"),
            x509.NameAttribute(NameOID.COMMON_NAME, "信用本溪报告签章（演示）"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CODE_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    blob = pkcs12.serialize_key_and_certificates(
        b"report-signing",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(password),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(blob)
    tmp.chmod(0o600)
    tmp.replace(path)


def _source() -> tuple[Path, bytes]:
    configured = settings.CREDIT_REPORT_SIGNING_P12
    if configured:
        return Path(configured), settings.CREDIT_REPORT_SIGNING_PASSWORD.encode()
    if not settings.CREDIT_REPORT_DEMO_SIGNING:
        # A production platform signs with the certificate the city issued it, or not at all.
        raise SigningUnavailable(
            "平台尚未配置信用报告签章证书（CREDIT_REPORT_SIGNING_P12），暂不能出具报告"
        )
    path = _demo_path()
    with _lock:
        if not path.exists():
            create_demo_certificate(path, _demo_password())
    return path, _demo_password()


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key from DER for every raw signature — twice
    per PDF (the size estimate, then the signature) — and with OpenSSL 3 that parse checks
    the RSA key, which cost more than the rest of signing together (about 0.4 s of the
    0.9 s per report measured under load). The key is parsed once per process here;
    a cryptography key object signs from any thread."""

    def __init__(self, loaded: signers.SimpleSigner):
        super().__init__(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
            signature_mechanism=loaded.signature_mechanism,
        )
        self._parsed = serialization.load_der_private_key(self.signing_key.dump(), None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algo = mechanism.signature_algo
        except ValueError:
            algo = ""
        if algo == "rsassa_pkcs1v15" and isinstance(self._parsed, rsa.RSAPrivateKey):
            return self._parsed.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)  # PSS, EC…: pyHanko's own way


@cache
def _signer(path: str, password: bytes) -> signers.SimpleSigner:
    try:
        signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password)
    except Exception as exc:  # pyHanko raises several kinds for a bad file or passphrase
        raise SigningUnavailable(f"无法读取报告签章证书 {path}：{exc}") from exc
    if signer is None:
        raise SigningUnavailable(f"无法读取报告签章证书 {path}")
    return _ParsedKeySigner(signer)


def signer() -> signers.SimpleSigner:
    path, password = _source()
    return _signer(str(path), password)


def certificate_pem() -> bytes:
    """The signing certificate, for whoever wants to trust it (and for tests)."""
    return signer().signing_cert.dump()


def sign(pdf: bytes, *, reason: str) -> bytes:
    """`pdf` with an invisible PAdES signature of the platform appended."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="本溪市",
        name=settings.CREDIT_REPORT_ISSUER,
    )
    out = signers.sign_pdf(writer, meta, signer=signer())
    return out.getvalue()
