"""MCP prompts: a handful of engineering tasks written as instructions that chain this server's real tools.

Each prompt names tools and resources in backticks (and only those), so a test can check that every tool it
mentions exists in the catalog. A prompt is a user message an assistant acts on; it changes nothing by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mcp_types as types

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ("PROMPTS", "PromptSpec", "UnknownPrompt", "get_prompt", "list_prompts")


class UnknownPrompt(KeyError):
    """No prompt of that name (a ``KeyError`` whose text is the message, not its repr)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown prompt"


@dataclass(frozen=True)
class PromptArg:
    """One argument of a prompt."""

    name: str
    description: str
    required: bool = True
    default: str | None = None


@dataclass(frozen=True)
class PromptSpec:
    """A prompt: its arguments and how its text is made from them."""

    name: str
    title: str
    description: str
    arguments: tuple[PromptArg, ...]
    render: Callable[[Mapping[str, str]], str]


_CONFIRM = ("Destructive tools change nothing without confirm=true and answer with a preview instead: show me the "
            "preview and ask before you repeat the call with confirm=true.")


def _create_program(a: Mapping[str, str]) -> str:
    device = a["deviceName"]
    return f"""Create a PLC program on the PLC "{device}" of the open project from this description:

{a["description"]}

Work in these steps:
1. Read `tia://project` (or call `projects_overview`) to check a project is open and "{device}" is in it; read \
`tia://devices/{device}/blocks` and `tia://devices/{device}/tag-tables` (or call `blocks_list` and \
`tag-tables_list`) so you reuse existing blocks and tags instead of duplicating them.
2. Write the program as SCL source: FBs for stateful logic (motors, valves, sequences), FCs for pure \
calculations, a global DB for shared data, comments on every interface member. Use only S7-1500 SCL.
3. Import it with `external-sources_import-and-generate` (deviceName "{device}", the SCL as sclContent, a \
sourceName). PLC tags the program needs go in with `tags_create`.
4. Compile with `devices_compile-software` (deviceName "{device}"). If the state is not Success, read the \
diagnostics (file, line, column, message), correct the source and import again with overwrite=true, until it \
compiles.
5. List what you created with `blocks_list` and summarise each block's purpose and interface.
{_CONFIRM}"""


def _motor_with_test(a: Mapping[str, str]) -> str:
    device, block = a["deviceName"], a["blockName"]
    return f"""Build a motor function block "{block}" on the PLC "{device}" and prove it with a unit test.

Motor behaviour: {a["description"]}

1. Write "{block}" as an SCL FUNCTION_BLOCK (inputs such as Start, Stop, Fault and Feedback; outputs such as \
Run and Alarm; a feedback-timeout alarm with a TON if the description asks for supervision) plus a global DB \
holding one instance, and import both with `external-sources_import-and-generate`.
2. Compile with `devices_compile-software`; fix every error the diagnostics report and compile again until the \
state is Success.
3. Prepare a simulated CPU: `simulation_instances_create`, then `simulation_start` on that instance, and load the \
program with `devices_download` (instanceName set to that instance).
4. Write a test case with `testharness_tests_create`: setup steps bring the block to a known state; steps write \
inputs, run cycles (or advanceMs for timers) and expect outputs; cover start, stop, stop winning over start, and \
the fault or timeout path. Use `simulation_tags_list` to find the exact tag names.
5. Run it with `testharness_run` and report each expectation; when one fails, fix the block, compile, download \
and run again.
{_CONFIRM}"""


def _review_block(a: Mapping[str, str]) -> str:
    device, block = a["deviceName"], a["blockName"]
    return f"""Review the block "{block}" of the PLC "{device}" as a senior PLC engineer would.

1. Read its source: `tia://devices/{device}/blocks/{block}/scl` (or `blocks_source`). For LAD, FBD or GRAPH \
blocks, which have no SCL source, read `tia://devices/{device}/blocks/{block}/xml` (or `blocks_export-xml`).
2. See where it is used with `blocks_cross-references`, and the tags it touches with `tags_list-all`.
3. Report, most important first: logic errors and unsafe states (what happens on restart, on a wire break, when \
two commands arrive together), missing interlocks, uninitialised or never-written variables, timers and edges \
used wrongly, magic numbers that belong in constants, naming and comments.
4. For each finding quote the lines, say why it matters and propose the corrected SCL. Do not change the block; \
if I accept a change, apply it with `blocks_update` and compile it with `blocks_compile`.
{_CONFIRM}"""


def _fix_compile(a: Mapping[str, str]) -> str:
    device = a["deviceName"]
    return f"""Make the software of the PLC "{device}" compile without errors.

1. Compile with `devices_compile-software` (deviceName "{device}"); the newest result is also \
`tia://compile/last`.
2. For each error take the block, line and column from the diagnostics and read that block's source \
(`tia://devices/{device}/blocks/<block>/scl`, or `blocks_source`).
3. Find the cause (undeclared tag or member, wrong data type, missing called block or UDT, syntax) and fix it at \
the root: declare the member, create the tag with `tags_create`, correct the type, or rewrite the code. Put the \
corrected SCL back with `external-sources_import-and-generate` (overwrite=true) or `blocks_update`.
4. Compile again and repeat until the state is Success; then list what you changed and any warnings left.
{_CONFIRM}"""


def _setup_project(a: Mapping[str, str]) -> str:
    project, cpu, device = a["projectName"], a["cpu"], a["deviceName"]
    return f"""Set up a new TIA Portal project "{project}" with a CPU.

1. Find the CPU: `catalog_search` with "{cpu}" (an article number such as 6ES7 516-3AN02-0AB0 or words such as \
"1516-3 PN/DP"); pick the exact article number and firmware version, and confirm with `catalog_find`.
2. If another project is open, save it with `projects_save` and close it with `projects_close`.
3. Create the project with `projects_create` (name "{project}").
4. Add the CPU with `devices_add` (orderNumber from step 1, name "{device}").
5. Compile the hardware with `devices_compile-hardware` and the software with `devices_compile-software`, then \
save with `projects_save`.
6. Report the project path and the device (`projects_overview`).
{_CONFIRM}"""


def _explain_tags(a: Mapping[str, str]) -> str:
    device, table = a["deviceName"], a["tableName"]
    return f"""Explain the tag table "{table}" of the PLC "{device}" to an engineer new to the plant.

1. Read `tia://devices/{device}/tag-tables/{table}` (or call `tags_list`) and its constants with \
`constants_list`.
2. Group the tags by what they are: digital inputs (%I), outputs (%Q), memory (%M), by plant area or device \
where the names suggest it.
3. For each group say what the signals probably do, using names, comments and addresses; flag tags without a \
comment, overlapping addresses, odd data types for their address and names that break the table's convention.
4. Where it helps, show which blocks use a tag with `blocks_cross-references`.
Do not change anything."""


PROMPTS: tuple[PromptSpec, ...] = (
    PromptSpec(
        "create_plc_program", "Create a PLC program from a description",
        "Write SCL for a described function, import it into a PLC, compile and fix it until it compiles.",
        (PromptArg("description", "What the program must do, in plain words."),
         PromptArg("deviceName", "The PLC to put it on.", required=False, default="PLC_1")),
        _create_program,
    ),
    PromptSpec(
        "motor_fb_with_unit_test", "Motor FB with a unit test",
        "Generate a motor FB from a description, compile it, download it to a simulated CPU, write and run a "
        "unit test.",
        (PromptArg("description", "How the motor should behave (start/stop, interlocks, feedback timeout)."),
         PromptArg("deviceName", "The PLC to put it on.", required=False, default="PLC_1"),
         PromptArg("blockName", "The FB's name.", required=False, default="FB_Motor")),
        _motor_with_test,
    ),
    PromptSpec(
        "review_block", "Review a block",
        "Read a block's source and cross-references and report bugs, unsafe states and style problems.",
        (PromptArg("deviceName", "The PLC holding the block."), PromptArg("blockName", "The block to review.")),
        _review_block,
    ),
    PromptSpec(
        "fix_compile_errors", "Fix compile errors",
        "Compile a PLC's software, read the diagnostics, fix the sources and compile again until it succeeds.",
        (PromptArg("deviceName", "The PLC to compile."),),
        _fix_compile,
    ),
    PromptSpec(
        "setup_project_with_cpu", "Set up a project with a CPU",
        "Find a CPU in the hardware catalog, create a project, add the CPU, compile and save.",
        (PromptArg("projectName", "Name of the new project."),
         PromptArg("cpu", "The CPU: an article number or words such as '1516-3 PN/DP'."),
         PromptArg("deviceName", "Name of the PLC in the project.", required=False, default="PLC_1")),
        _setup_project,
    ),
    PromptSpec(
        "explain_tag_table", "Explain a tag table",
        "Read a PLC tag table and explain its signals, grouped, with the problems it has.",
        (PromptArg("deviceName", "The PLC holding the table."), PromptArg("tableName", "The tag table.")),
        _explain_tags,
    ),
)
_BY_NAME = {p.name: p for p in PROMPTS}


def list_prompts() -> list[types.Prompt]:
    """Every prompt with its arguments."""
    return [
        types.Prompt(name=p.name, title=p.title, description=p.description, arguments=[
            types.PromptArgument(name=arg.name, required=arg.required, description=arg.description
                                 + (f" Default: {arg.default}." if arg.default else ""))
            for arg in p.arguments
        ])
        for p in PROMPTS
    ]


def get_prompt(name: str, arguments: Mapping[str, str] | None) -> types.GetPromptResult:
    """One prompt rendered with its arguments as a single user message.

    Raises:
        UnknownPrompt: (a ``KeyError``) no prompt of that name.
        ValueError: a required argument is missing or blank, or an argument the prompt does not take is given.
    """
    spec = _BY_NAME.get(name)
    if spec is None:
        raise UnknownPrompt(f"unknown prompt {name!r}; prompts: {', '.join(_BY_NAME)}")
    given = {key: str(value) for key, value in (arguments or {}).items()}
    known = {arg.name for arg in spec.arguments}
    unknown = sorted(set(given) - known)
    if unknown:
        raise ValueError(f"prompt {name!r} takes no argument {', '.join(unknown)}; it takes {', '.join(known)}")
    values: dict[str, str] = {}
    for arg in spec.arguments:
        value = given.get(arg.name, "").strip()
        if not value and arg.required:
            raise ValueError(f"prompt {name!r} needs the argument {arg.name!r}: {arg.description}")
        values[arg.name] = value or (arg.default or "")
    return types.GetPromptResult(
        description=spec.description,
        messages=[types.PromptMessage(role="user", content=types.TextContent(type="text", text=spec.render(values)))],
    )
