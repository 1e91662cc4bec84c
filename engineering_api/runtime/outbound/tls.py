"""One trust setting for every TLS connection the server opens: pushes (HTTPS, MQTT over TLS, AWS-signed), pulls
and an OAuth issuer's documents.

A peer's certificate must chain to a CA of the system's trust store (``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` take
the place of the system's file and folder, as for OpenSSL, curl and Python), or to the endpoint's own
``caCertificate`` (PEM) where a definition gives one: the plant's own CA, which the system need not trust. httpx
alone would trust certifi's bundle and read ``SSL_CERT_FILE`` only where it reads the environment at all (a push
does not: it takes no proxy from it), so an ERP signed by the plant's CA was reached by a pull and refused to a
push; every connection now gets its context here.
"""

from __future__ import annotations

import ssl

__all__ = ("TRUST_HINT", "trust_context", "untrusted_reason")

TRUST_HINT = ("give its CA certificate (PEM) as the endpoint's caCertificate, or add it to the server's trust "
              "store (SSL_CERT_FILE)")
"""The next step when a peer's certificate is not trusted."""


def trust_context(ca_certificate: str | None = None) -> ssl.SSLContext:
    """A client context verifying peers (TLS 1.2 at least) against the system's store (or ``SSL_CERT_FILE`` /
    ``SSL_CERT_DIR``) and ``ca_certificate``.

    Raises:
        ssl.SSLError: ``ca_certificate`` holds no certificate OpenSSL can read.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if not context.get_ca_certs() and not ssl.get_default_verify_paths().capath:
        # a system without a CA bundle (a bare container image): the public CAs httpx would have trusted
        import certifi

        context.load_verify_locations(cafile=certifi.where())
    if ca_certificate:
        context.load_verify_locations(cadata=ca_certificate)
    return context


def untrusted_reason(exc: BaseException) -> str | None:
    """Why a connection failed when its peer's certificate was refused (the exception or one it came from), with
    the next step; None for any other failure."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"the server's certificate is not trusted ({seen.verify_message}): {TRUST_HINT}"
        seen = seen.__cause__ or seen.__context__
    return None
