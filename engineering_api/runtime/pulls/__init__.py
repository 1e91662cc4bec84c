"""Inbound pulls: definitions (:mod:`.definitions`), mapping a document's fields to tags (:mod:`.mapping`), runs
(:mod:`.runner`) and their stop (:mod:`.stop`), the calls and the webhook route; one module per source kind over
``PullSourceKind`` (:mod:`.source_kind`), registered in ``SOURCE_KINDS`` (:mod:`.source_kinds`; HTTP(S) GET,
:mod:`.http_get`).
"""
