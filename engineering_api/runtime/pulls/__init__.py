"""Inbound pulls: definitions (:mod:`.definitions`), mapping a document's fields to tags (:mod:`.mapping`), runs
(:mod:`.runner`) and their stop (:mod:`.stop`), the calls and the webhook route; one module per source kind over
:class:`~.source_kind.PullSourceKind`, registered in :data:`~.source_kinds.SOURCE_KINDS` (HTTP(S) GET).
"""
