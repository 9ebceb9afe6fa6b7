"""The manifest's XAdES signature (signxml): reading the principal's PKCS#12 file, signing
the manifest (an enveloped signature with the signer's certificate), and checking a signed
manifest.

The PKCS#12 file and its password live only in the request that signs: nothing here writes
them anywhere. What is kept is the certificate's subject and serial number.

A check here proves that the manifest was signed with the private key of the certificate
it carries and has not changed since. Whether that certificate is a qualified one (on the
EU trusted lists) is not decided by Kajet; the signer's subject and serial are shown so a
person, or a qualified validation service, can decide it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    pkcs12,
)
from django.utils.translation import gettext as _
from lxml import etree
from signxml import SignatureConstructionMethod
from signxml.exceptions import InvalidInput, SignXMLException
from signxml.xades import XAdESSignatureConfiguration, XAdESSigner, XAdESVerifier

DS = "http://www.w3.org/2000/09/xmldsig#"
#: Nobody signs with a larger PKCS#12 file; a larger upload is refused before parsing.
MAX_PKCS12_BYTES = 64 * 1024


class SigningError(ValueError):
    """The PKCS#12 file cannot be used to sign; the message is for the user."""


@dataclass(frozen=True)
class Identity:
    """The signer's key and certificate (with any chain certificates from the file)."""

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def subject(self) -> str:
        return certificate_subject(self.certificate)

    @property
    def serial(self) -> str:
        return certificate_serial(self.certificate)


def certificate_subject(certificate: x509.Certificate) -> str:
    return certificate.subject.rfc4514_string()


def certificate_serial(certificate: x509.Certificate) -> str:
    return format(certificate.serial_number, "X")


def _public(key: Any) -> bytes:
    return bytes(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


def identity_load(data: bytes, password: str, *, now: datetime.datetime) -> Identity:
    """The key and certificate of a PKCS#12 file, or ``SigningError`` with a message saying
    what is wrong (wrong password or not PKCS#12, no key, a key that is not the
    certificate's, a certificate not valid ``now``)."""
    if not data:
        raise SigningError(_("Choose the file with your certificate (.p12 or .pfx)."))
    if len(data) > MAX_PKCS12_BYTES:
        raise SigningError(_("This file is too large to be a certificate file (.p12 or .pfx)."))
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except ValueError:
        # cryptography does not tell a wrong password from a damaged file, nor should we guess.
        raise SigningError(
            _(
                "The certificate file could not be opened: the password is wrong, or the file "
                "is not a PKCS#12 file (.p12 or .pfx)."
            )
        ) from None
    if key is None or certificate is None:
        raise SigningError(_("The file holds no private key with its certificate."))
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningError(_("The file's key is of a kind Kajet cannot sign with (use RSA or EC)."))
    if _public(key.public_key()) != _public(certificate.public_key()):
        raise SigningError(_("The private key in the file does not belong to its certificate."))
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SigningError(
            _("The certificate is not valid now (valid from %(start)s to %(end)s).")
            % {
                "start": certificate.not_valid_before_utc.date().isoformat(),
                "end": certificate.not_valid_after_utc.date().isoformat(),
            }
        )
    return Identity(key, certificate, tuple(extra))


def manifest_sign(manifest: etree._Element, identity: Identity) -> bytes:
    """The manifest with an enveloped XAdES signature (SHA-256, the signer's certificate and
    chain in KeyInfo, the signing time and certificate digest in the signed properties)."""
    signer = XAdESSigner(method=SignatureConstructionMethod.enveloped)
    signed = signer.sign(
        manifest,
        key=identity.key,
        cert=[identity.certificate, *identity.chain],
        always_add_key_value=False,
    )
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


@dataclass(frozen=True)
class SignatureCheck:
    """The result of checking a signed manifest. ``manifest`` is the part the signature
    covers (use it, not the file as read, when the signature is valid)."""

    valid: bool
    problem: str = ""
    subject: str = ""
    serial: str = ""
    signed_at: str = ""
    manifest: etree._Element | None = None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _embedded_certificate(root: etree._Element) -> x509.Certificate | None:
    path = ("Signature", "KeyInfo", "X509Data", "X509Certificate")
    text = root.findtext("/".join(f"{{{DS}}}{tag}" for tag in path))
    if not text:
        return None
    pem = "-----BEGIN CERTIFICATE-----\n" + text.strip() + "\n-----END CERTIFICATE-----\n"
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return None


def manifest_verify(data: bytes) -> SignatureCheck:
    """Check the XAdES signature of a manifest against the certificate it carries."""
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError:
        return SignatureCheck(False, _("The manifest is not a well-formed XML document."))
    certificate = _embedded_certificate(root)
    if certificate is None:
        return SignatureCheck(False, _("The manifest carries no signature with a certificate."))
    subject, serial = certificate_subject(certificate), certificate_serial(certificate)
    try:
        results = XAdESVerifier().verify(
            data,
            x509_cert=certificate,
            expect_config=XAdESSignatureConfiguration(location="./"),
        )
    except (SignXMLException, InvalidInput, ValueError) as exc:
        return SignatureCheck(
            False,
            _("The signature does not match the manifest or its certificate (%(reason)s).")
            % {"reason": str(exc)[:200]},
            subject,
            serial,
        )
    signed = results[0].signed_xml
    if signed is None or signed.tag != root.tag:
        problem = _("The signature does not cover the manifest.")
        return SignatureCheck(False, problem, subject, serial)
    signed_at = ""
    for result in results:
        properties = getattr(result, "signed_properties", None)
        if properties is not None:
            signed_at = properties.findtext("{http://uri.etsi.org/01903/v1.3.2#}SigningTime") or ""
    return SignatureCheck(True, "", subject, serial, signed_at, signed)
