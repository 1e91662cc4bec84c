"""The farm's codes: its agents, the calls they run and the projects they hold (``engineering_api/farm/``).

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("AGENT_CALL_FAILED", "AGENT_LOST", "AGENT_NAME_TAKEN", "AGENT_NOT_FOUND", "CALL_EXPIRED", "CANCELED",
           "FARM_BROKER_UNREACHABLE", "FARM_NOT_CONFIGURED", "INTERRUPTED", "NO_FREE_AGENT", "STALE_AGENT_INSTANCE",
           "STALE_FENCING_TOKEN", "UNKNOWN_PORT_METHOD")

AGENT_CALL_FAILED: Final = declare('AGENT_CALL_FAILED', 500, 'Agent call failed',
    "A farm agent's call failed with an error the server does not know as a domain error; the message "
    "carries the agent's.")
AGENT_LOST: Final = declare('AGENT_LOST', 503, 'Agent lost',
    'The farm agent running the call went away while the call was queued or running; the call did not '
    "complete and will not run. Changes since the project's last save are lost; open it again.")
AGENT_NAME_TAKEN: Final = declare('AGENT_NAME_TAKEN', 409, 'Agent name taken',
    'A farm agent did not start: another live agent holds its name (the name defaults to the host name, '
    'which hosts cloned from one template share) and renewed it for a whole lease; the message names its '
    'host and pid. Give each agent its own --name.')
AGENT_NOT_FOUND: Final = declare('AGENT_NOT_FOUND', 404, 'Agent not found',
    'No live farm agent named …; live agents: ….')
CALL_EXPIRED: Final = declare('CALL_EXPIRED', 503, 'Call expired',
    'A farm agent dropped the call unrun: it arrived past an expiry an older API node set by its own '
    'clock, which the agent host judged by its own (the hosts disagree on the time). Nothing ran; upgrade'
    " the API node or set the hosts' clocks, then retry.")
CANCELED: Final = declare('CANCELED', 409, 'Canceled',
    'The job or call was canceled by its caller before it finished; a farm call canceled while still '
    'queued answers 503.', also=(503,))
FARM_BROKER_UNREACHABLE: Final = declare('FARM_BROKER_UNREACHABLE', 503, 'Farm broker unreachable',
    "The farm's Redis restarted while … was being handed to agent …, and the broker connection lost it: "
    'it did not run and will not. Retry.')
FARM_NOT_CONFIGURED: Final = declare('FARM_NOT_CONFIGURED', 501, 'Farm not configured',
    'This server runs embedded (one in-process backend): it has no farm agents. Start it with '
    "'engineering-api serve --farm <broker>'.")
INTERRUPTED: Final = declare('INTERRUPTED', 503, 'Interrupted',
    'The API node stopped before this operation changed anything: it never ran (the job has no '
    'startedAt), it only reads, or only its read … completed; the rest of the operation never runs. Retry'
    ' with a new Idempotency-Key. In a farm also a call of a job another API node took over '
    '(details.cause JOB_TAKEN_OVER: its own node was taken for lost): that call did not run.')
NO_FREE_AGENT: Final = declare('NO_FREE_AGENT', 503, 'No free agent',
    'No farm agent is free to run the call; retry later.')
STALE_AGENT_INSTANCE: Final = declare('STALE_AGENT_INSTANCE', 503, 'Stale agent instance',
    'A farm call was addressed to an earlier run of its agent, which was lost (the agent restarted); it '
    'was not run. As with AGENT_LOST, the project that run held is gone: open it again (as at its last '
    'save).')
STALE_FENCING_TOKEN: Final = declare('STALE_FENCING_TOKEN', 409, 'Stale fencing token',
    'A farm call came from a session that no longer holds the project on its agent (its ownership ended, '
    'or another session holds the project there); it was not run. Open the project again.')
UNKNOWN_PORT_METHOD: Final = declare('UNKNOWN_PORT_METHOD', 500, 'Unknown port method',
    'A farm agent was asked to run a method its backend does not have (an API node and an agent of '
    'different versions); it was not run. Run the same version on the API nodes and the agents.')
