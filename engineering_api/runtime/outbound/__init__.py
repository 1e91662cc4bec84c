"""What the runtime API's outbound connections share: one trust setting for TLS (:mod:`.tls`), answers read with a
size cap and a deadline (:mod:`.bounded_fetch`), AWS Signature Version 4 (:mod:`.aws_sigv4`) and the endpoint a
push sends to or a pull fetches from (:mod:`.endpoints`: URL, headers, auth and the secret kept for it).

Pushes (:mod:`engineering_api.runtime.pushes`), pulls (:mod:`engineering_api.runtime.pulls`) and the OAuth
issuer's documents use these modules; none of them knows a push or a pull.
"""
