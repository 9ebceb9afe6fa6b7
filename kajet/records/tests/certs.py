"""Certificates for the archive's tests, made here with ``cryptography`` (a self-signed
certificate in a PKCS#12 file, as a principal would upload one)."""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "tajne-hasło"

KeyType = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(
    key: KeyType,
    name: str = "Anna Dyrektorska",
    *,
    start: datetime.datetime | None = None,
    days: int = 730,
) -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    start = start or datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


def pkcs12_file(
    key: KeyType | None = None,
    cert: x509.Certificate | None = None,
    password: str = PASSWORD,
) -> bytes:
    key = key or new_key()
    cert = cert or certificate(key)
    return pkcs12.serialize_key_and_certificates(
        b"dyrektor", key, cert, None, serialization.BestAvailableEncryption(password.encode())
    )
