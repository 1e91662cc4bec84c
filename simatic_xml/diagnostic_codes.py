"""Every code a :class:`~simatic_xml.diagnostics.Diagnostic` can carry, with its meaning.

Codes are part of the wire: pipelines filter on them (``--allow-missing`` turns the ``MISSING_*`` ones into
warnings), so each one is registered here once, grouped as ``docs/diagnostic-codes.md`` lists them (that page is
generated from this table). ``tests/lib/test_diagnostic_codes.py`` reads the source of the producers and fails when
a code is produced but not registered, or registered but no longer produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ("CODES", "GROUPS", "MESSAGES", "DiagnosticCode", "MessageTemplate", "describe", "message")

Severity = Literal["Error", "Warning", "Info"]


@dataclass(frozen=True, slots=True)
class DiagnosticCode:
    """One registered code.

    Args:
        code: the stable UPPER_SNAKE name on the wire.
        group: the heading it is listed under (one of :data:`GROUPS`).
        severities: the severities it is reported with (a name defined in two files is an Error inside one
            program and a Warning across files, for example).
        meaning: what it says about the user's code or files, in one sentence.
        message: the text a diagnostic of this code carries, a ``str.format`` template whose fields the reporter
            fills (:func:`message`); None where each producer words its own (a parser's syntax error, a file
            that cannot be read).
        variants: the templates of the other messages that go out under this code (:data:`MESSAGES`), in the
            registry's order.
    """

    code: str
    group: str
    severities: tuple[Severity, ...]
    meaning: str
    message: str | None = None
    variants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """One message a reporter words through :func:`message`: its key, the code it goes out under and its
    ``str.format`` template. A code's own message has the code as its key; a second message of one code (one
    finding worded two ways for two cases) has a key of its own, bound here to its code, as mypy's message
    registry binds each message to its error code."""

    key: str
    code: str
    template: str


GROUPS = (
    "Missing dependencies",
    "Syntax",
    "Names that do not resolve",
    "Calls and parameters",
    "Data types",
    "Statements",
    "Names and numbers",
    "LAD/FBD networks",
    "Generating blocks from SCL",
    "Files and documents",
    "What was not checked",
    "HMI devices",
    "PLC unit tests",
    "Style (opt-in)",
)
"""The headings, in the order the reference page lists them."""

_E: tuple[Severity, ...] = ("Error",)
_W: tuple[Severity, ...] = ("Warning",)
_I: tuple[Severity, ...] = ("Info",)
_EW: tuple[Severity, ...] = ("Error", "Warning")

# One row per code, each on one line however long its meaning: the registry reads as the table it is.
_TABLE: tuple[tuple[str, str, tuple[Severity, ...], str], ...] = (
    ("MISSING_TAG", "Missing dependencies", _EW,
     "A PLC tag, data block or HMI tag the code uses is not in the given files: the dependency is missing, not the "
     "code wrong (`--allow-missing` reports the `MISSING_*` codes of the PLC program as warnings)."),
    ("MISSING_BLOCK", "Missing dependencies", _EW, "A called block is not in the given files."),
    ("MISSING_TYPE", "Missing dependencies", _EW, "A PLC data type (UDT) the code uses is not in the given files."),
    ("MISSING_CONSTANT", "Missing dependencies", _EW, "A user constant the code uses is not in the given files."),
    ("MISSING_TECHNOLOGY_OBJECT", "Missing dependencies", _W,
     "A technology object handed to a TO parameter (MC_POWER's `Axis`) is not in the export; TIA V16/V17 repositories "
     "leave the PLC's Technology objects folder out."),
    ("MISSING_SCREEN", "Missing dependencies", _E, "A script activates an HMI screen the device does not have."),
    ("MISSING_TEXT_LIST", "Missing dependencies", _E,
     "A symbolic I/O field uses a text list the device does not have."),
    ("SYNTAX_ERROR", "Syntax", _E, "The SCL text does not parse."),
    ("CLASSIC_SCL", "Syntax", _E, "The text is STEP 7 classic SCL, not TIA Portal's."),
    ("NETWORK_SYNTAX", "Syntax", _E, "The SCL of one network of a SimaticML block does not parse."),
    ("UNDECLARED", "Names that do not resolve", _EW,
     "An operand is not declared (a warning while the program checked is not known to be complete)."),
    ("NOT_LOCAL", "Names that do not resolve", _E,
     "An operand written `#name` is a global tag or block, not a local one."),
    ("UNKNOWN_MEMBER", "Names that do not resolve", _E, "A structure, UDT or instance has no member of that name."),
    ("UNKNOWN_INSTRUCTION", "Names that do not resolve", _E, "A call names no block and no TIA instruction."),
    ("NOT_CALLABLE", "Names that do not resolve", _E, "The called operand is not a block or an instance."),
    ("UNKNOWN_TYPE", "Names that do not resolve", _E, "An unquoted data type is not one TIA knows."),
    ("RECURSIVE_TYPE", "Data types", _E,
     "A PLC data type or FB contains itself, directly or through other PLC data types (a member of its own type): "
     "TIA refuses recursive data types; the REST import refuses the document."),
    ("UNKNOWN_PARAMETER", "Calls and parameters", _E, "A call assigns a parameter the callee does not have."),
    ("PARAMETER_TWICE", "Calls and parameters", _E,
     "A call assigns one formal parameter twice (a formal call's list names each parameter once, IEC 61131-3; "
     "no Siemens page found words TIA's message)."),
    ("PARAMETER_NOT_SUPPLIED", "Calls and parameters", _EW,
     "A parameter the callee requires is not assigned (a warning for an in/out of a system FB's instance, which "
     "TIA's own exports leave out)."),
    ("WRONG_PARAMETER", "Calls and parameters", _E,
     "A parameter is assigned with the wrong operator (`:=` for inputs and in/outs, `=>` for outputs)."),
    ("INOUT_OPERAND", "Calls and parameters", _E, "An in/out parameter is given an expression instead of a tag."),
    ("PARAMETER_TYPE", "Calls and parameters", _E,
     "An actual parameter's data type does not convert implicitly to the formal parameter's."),
    ("OUTPUT_TYPE", "Calls and parameters", _E,
     "An output parameter's data type does not convert implicitly to the tag it is written to."),
    ("INOUT_TYPE", "Calls and parameters", _E, "An in/out parameter's data type differs from its actual parameter's."),
    ("MIXED_PARAMETERS", "Calls and parameters", _E, "A call mixes named and positional arguments."),
    ("TOO_MANY_ARGUMENTS", "Calls and parameters", _E, "A call passes more arguments than the callee has parameters."),
    ("SIGNATURE_UNKNOWN", "Calls and parameters", _I,
     "A system instruction's parameters are not known to the offline checker; the call was not checked."),
    ("UNCHECKED_INSTRUCTION", "Calls and parameters", _I,
     "A call names an instruction the offline catalogue does not have (an Info: the catalogue is not every "
     "instruction of every version and library, and a bare name may be a block of another file)."),
    ("NOT_SIMULATED", "Calls and parameters", _W,
     "`plc check`, `test run`: a call of an instruction (or a GOTO, a LAD/FBD box) that TIA accepts and the simulated "
     "PLC does not run; the CPU of `test run` stops when it is reached (docs/instructions.md gives the reason; "
     "`test run --require-simulated` makes it an error)."),
    ("TYPE_MISMATCH", "Data types", _E, "A value's data type does not convert implicitly to the target's."),
    ("LITERAL_RANGE", "Data types", _E, "A literal is outside the range of its data type."),
    ("OPERATOR_TYPE", "Data types", _E, "An operator is not defined for its operands' data types."),
    ("CONDITION_TYPE", "Data types", _E, "A condition (IF, WHILE, UNTIL) is not a Bool."),
    ("INDEX_TYPE", "Data types", _E, "An array index is not of an integer data type."),
    ("INDEX_RANGE", "Data types", _W,
     "A literal index is outside literal array bounds (a warning: no Siemens page found states TIA's verdict)."),
    ("INVALID_DECLARATION", "Data types", _E,
     "A declaration TIA's generation from source refuses: a start value that is no value of its data type, a String "
     "or WString length or array bounds outside their limits, a start value for an element the array has not (a "
     "SimaticML Subelement's path, an SCL list of more values than elements), a Variant outside Input, InOut and "
     "Temp; every check reports it, as `scl build` does, in SCL sources and in SimaticML interfaces alike (at the "
     "member's line)."),
    ("SLICE_RANGE", "Data types", _E,
     "A slice (.%X, .%B, .%W, .%D, .%L) reaches past the bits of its tag's data type."),
    ("INDEX_NOT_ARRAY", "Data types", _E,
     "An operand that is no ARRAY (an elementary tag, a STRUCT, a PLC data type) is given an index."),
    ("INDEX_DIMENSIONS", "Data types", _E, "An array is indexed with more or fewer indexes than it has dimensions."),
    ("CASE_SELECTOR", "Data types", _E, "A CASE expression is not of an integer or bit-string data type."),
    ("CASE_LABEL", "Data types", _E, "A CASE label is not a constant of the CASE expression's data type."),
    ("CASE_DUPLICATE", "Data types", _W,
     "A CASE value is a label of two branches; the later one is never taken for it (a warning: no Siemens page found "
     "states TIA's verdict)."),
    ("FOR_VARIABLE", "Data types", _E, "A FOR loop's control variable is not of an integer data type."),
    ("VOID_VALUE", "Data types", _E, "A function without a return value is used in an expression."),
    ("WRITE_CONSTANT", "Statements", _E, "A constant (user or system) is written."),
    ("GOTO_LABEL", "Statements", _E, "GOTO names a jump label the block does not declare."),
    ("GOTO_DUPLICATE_LABEL", "Statements", _W,
     "A jump label (`Name:`) is declared twice in the SCL networks of one block, so a GOTO to it names two targets "
     "(a warning: no Siemens page or TIA error text found states TIA's verdict)."),
    ("EXIT_OUTSIDE_LOOP", "Statements", _E, "EXIT stands outside a FOR, WHILE or REPEAT loop."),
    ("CONTINUE_OUTSIDE_LOOP", "Statements", _E, "CONTINUE stands outside a FOR, WHILE or REPEAT loop."),
    ("EXPRESSION_STATEMENT", "Statements", _E, "An expression stands alone as a statement."),
    ("RETURN_VALUE", "Statements", _E, "RETURN is given a value (SCL assigns the function value to the name)."),
    ("DUPLICATE_NAME", "Names and numbers", _EW,
     "A name is declared twice (a warning across files: a PLC holds one of them)."),
    ("DUPLICATE_BLOCK", "Names and numbers", _E,
     "Two blocks of one file have the same name (in two files it is a `DUPLICATE_NAME` warning: a PLC holds the one "
     "imported into it)."),
    ("NUMBER_IN_USE", "Names and numbers", _E, "A block number is used by two blocks of the same kind."),
    ("OB_NUMBER", "Names and numbers", _E,
     "An organization block's number is not one its event class allows (OB 1, 20-23, 30-38, 40-47, 100 or 123-32767 "
     "for their classes; 82, 83, 86 for theirs)."),
    ("BLOCK_NUMBER", "Names and numbers", _EW,
     "An FB, FC or DB is numbered outside 1 to 65535 (an error), or a DB past its CPU family's last data block "
     "number (a warning: the data sheets' limits were not found to quote)."),
    ("TAG_INVALID", "Names and numbers", _E,
     "A PLC tag of a tag table breaks TIA's rules for tags: an illegal or missing name, a missing address or one "
     "whose access width does not fit its data type, a bit number above 7, a data block address or the I/O access "
     "`:P`; or the table's name or a tag's HMI flag is one the tag routes refuse."),
    ("TAG_DUPLICATE", "Names and numbers", _E,
     "Two PLC tags of the PLC's tag tables have one name (names are unique across all tag tables of a CPU)."),
    ("TAG_OVERLAP", "Names and numbers", _W,
     "Two PLC tags share memory (TIA accepts it and marks the overlap; no page stating an error was found)."),
    ("TAG_ADDRESS_RANGE", "Names and numbers", _W,
     "A tag's address lies past the input, output or bit memory area of the CPU family (a warning: the area sizes "
     "are the data sheets' as known here, not quoted from a Siemens page)."),
    ("WATCH_OPERAND", "Names and numbers", _E,
     "A watch or force table entry names an operand TIA cannot monitor: a malformed or out-of-area address, a "
     "member its data block does not have, a block that is no data block."),
    ("WATCH_NOT_FORCEABLE", "Names and numbers", _E,
     "A force table entry is no input or output (an S7-1500 forces only %I and %Q and tags at those addresses)."),
    ("WATCH_VALUE", "Names and numbers", _E,
     "A watch table's modify value or a force table's force value is no value of its operand's data type."),
    ("WATCH_TABLE_NAME", "Names and numbers", _E,
     "A watch or force table's name is one the watch table routes refuse: a quote or control character, blanks "
     "around it, more than 128 characters, or only \".\" or \"..\" (the routes' rule; no Siemens page was found)."),
    ("FLGNET_TYPE", "LAD/FBD networks", _E, "A bit instruction's operand is not a Bool."),
    ("FLGNET_PIN_TYPE", "LAD/FBD networks", _E,
     "An operand does not fit the data type of a box's pin or of a called block's parameter."),
    ("FLGNET_WIRE", "LAD/FBD networks", _E, "A wire connects to a part that does not exist."),
    ("FLGNET_SLICE", "LAD/FBD networks", _E, "A bit slice is outside its operand's bits."),
    ("FLGNET_LITERAL", "LAD/FBD networks", _E,
     "A literal operand (LiteralConstant, TypedConstant) is no literal TIA writes (`12x`): its value must be one "
     "an SCL literal spells, as every literal of the corpus's exports is."),
    ("FLGNET_UID", "LAD/FBD networks", _E,
     "Two elements of one LAD/FBD network carry one UId, by which wires name the element they end at."),
    ("FLGNET_PIN", "LAD/FBD networks", _E,
     "A wire ends at a pin of a call of a block that the call's parameters (its `CallInfo`) do not list, or at a "
     "pin a basic instruction's box (Contact, Coil, Add, Move, a comparator, SR/RS, ...) does not have."),
    ("FLGNET_CARDINALITY", "LAD/FBD networks", _E,
     "A wire ends at a numbered pin (`in3`, `out2`) of an extensible box beyond the number of pins its `Card` "
     "declares."),
    ("FLGNET_INSTRUCTION", "LAD/FBD networks", _W,
     "A box names an instruction the offline catalogue does not have (a warning: no published list of TIA's "
     "LAD/FBD instruction names is complete for every version, GRAPH and safety block)."),
    ("FLGNET_LABEL", "LAD/FBD networks", _E, "A jump names a label the block does not define."),
    ("FLGNET_DUPLICATE_LABEL", "LAD/FBD networks", _W,
     "A jump label is declared by two LAD/FBD networks of one block, so a jump to it names two targets (a warning, "
     "as GOTO_DUPLICATE_LABEL: no Siemens page or TIA error text found states TIA's verdict)."),
    ("FLGNET_OPERAND", "LAD/FBD networks", _E,
     "A contact, coil, SR/RS or edge instruction lacks an operand it must have: the bit it reads or writes, an edge "
     "instruction's edge memory bit (engineering_api/rules/instruction_pins.py OPERAND_PINS)."),
    ("STL_LABEL", "LAD/FBD networks", _E, "An STL jump names a label the block does not declare."),
    ("STL_DUPLICATE_LABEL", "LAD/FBD networks", _E, "An STL jump label is declared on two lines of the block."),
    ("GRAPH_REFERENCE", "LAD/FBD networks", _E,
     "A GRAPH connection or jump names a step or transition the sequence does not have."),
    ("GENERATION_NOT_SUPPORTED", "Generating blocks from SCL", _E,
     "Valid SCL the generator cannot write into SimaticML (a REF_TO dereference or `?=`, a documentation comment, "
     "an S5 timer or counter operand `%T5`); "
     "`scl check` checks it and TIA's own generation builds it."),
    ("INVALID_NETWORK", "Generating blocks from SCL", _E, "A network's code cannot be written into SimaticML."),
    ("AT_OVERLAY", "Generating blocks from SCL", _W,
     "An AT overlay is written as a member of its own (its SimaticML form is not known to the generator)."),
    ("IGNORED_STATEMENT", "Generating blocks from SCL", _W,
     "A statement after a data block's BEGIN other than a start-value assignment is ignored, as TIA does."),
    ("START_VALUE_NOT_WRITTEN", "Generating blocks from SCL", _W,
     "A start value could not be written into the block (its member or type is not known)."),
    ("INVALID_SIMATICML", "Files and documents", _E, "A document is not valid SimaticML."),
    ("INVALID_TAG_TABLE", "Files and documents", _E, "A tag editor export (tag table) cannot be read."),
    ("ROUNDTRIP", "Files and documents", _E, "A document does not survive read, write and re-read unchanged."),
    ("NEWER_VERSION", "Files and documents", _E, "A document is of a newer TIA version than `--tia-version`."),
    ("READ_ERROR", "Files and documents", _E, "A file cannot be opened or decoded."),
    ("NOT_SIMATICML", "Files and documents", _W, "An XML file that is not a SimaticML document was skipped."),
    ("NOT_SCL", "Files and documents", _W, "A file given as an SCL source is not one and was skipped."),
    ("NOT_CHECKED", "Files and documents", _W,
     "A file of a kind the checks do not read yet (TIA V20's `.s7dcl`/`.s7res`) was named, not checked."),
    ("UNSUPPORTED_OBJECT", "Files and documents", _W,
     "A SimaticML object of a kind the checks do not read was skipped; an import of program objects refuses "
     "it (422)."),
    ("NETWORK_NOT_CHECKED", "What was not checked", _W,
     "A network was not checked (an SCL access scope TIA's schema allows but no export showed)."),
    ("TOO_MANY_DIAGNOSTICS", "What was not checked", _W,
     "The cap on warnings and notes was reached; says how many were left out (errors are never cut)."),
    ("SUPPRESSION_INVALID", "What was not checked", _W,
     "An inline `// noqa: CODE reason` was not applied: it gives no reason, or names a code that cannot be silenced (a "
     "syntax error, a document that cannot be read)."),
    ("CHECKER_FAILED", "What was not checked", _W,
     "The checker itself failed on a file or block: a defect to report, never a verdict on the code."),
    ("DOCUMENT_TOO_LARGE", "What was not checked", _W,
     "The language server did not check an open document longer than TIA accepts in one code block."),
    ("PARTNER_NOT_SET", "HMI devices", _W, "A connection has no partner station; its tags cannot be checked."),
    ("PARTNER_NOT_FOUND", "HMI devices", _E, "A connection's partner station is not in the project."),
    ("PARTNER_NOT_A_PLC", "HMI devices", _E, "A connection's partner station is not a PLC."),
    ("DRIVER_MISMATCH", "HMI devices", _E, "A connection's communication driver does not speak to its partner PLC."),
    ("CONNECTION_NOT_FOUND", "HMI devices", _E, "An HMI tag uses a connection the device does not have."),
    ("PLC_TAG_NOT_SET", "HMI devices", _E, "An external HMI tag is bound to no PLC tag and has no address."),
    ("PROCESS_VALUE_NOT_SET", "HMI devices", _W, "A screen item that shows a value is bound to no HMI tag."),
    ("TEXT_LIST_NOT_SET", "HMI devices", _E, "A symbolic I/O field has no text list."),
    ("TEST_FAILED", "PLC unit tests", _E,
     "`test run`: an assertion of a test case did not hold on the simulated PLC; says the step, the tag, its value and "
     "the expected one."),
    ("TEST_ERROR", "PLC unit tests", _E,
     "`test run`: a test case could not run to its end (an unknown tag, a CPU that went to STOP...); says where and "
     "why."),
    ("TEST_FILE_INVALID", "PLC unit tests", _E,
     "`test run`: a test file is not valid JSON, or a case in it is not a valid test case."),
    ("TEST_SETUP_FAILED", "PLC unit tests", _E,
     "`test run`: the folder's program could not be loaded, compiled or downloaded into the simulated PLC, or there is "
     "none."),
    # Off unless a repository's settings turn them on ([tool.engineering-api.style], docs/cli.md): TIA accepts all
    # of it; each rule is bound to its code in engineering_api/rules/compiler/style.py.
    ("STYLE_BLOCK_PREFIX", "Style (opt-in)", _W,
     "A block's name does not start with the prefix the settings give its kind (`block-prefix`)."),
    ("STYLE_MEMBER_PREFIX", "Style (opt-in)", _W,
     "A member of an FB's, FC's or OB's interface does not start with the prefix the settings give its section "
     "(`member-prefix`)."),
    ("STYLE_UNUSED_LOCAL", "Style (opt-in)", _W,
     "A member of a section the settings name (`unused-locals`; Temp by default) is never used in its block's SCL."),
    ("STYLE_NESTING_DEPTH", "Style (opt-in)", _W,
     "IF, CASE, FOR, WHILE and REPEAT are nested deeper than the settings allow (`nesting-depth`)."),
    ("STYLE_BLOCK_LENGTH", "Style (opt-in)", _W,
     "A block has more statements than the settings allow (`block-length`)."),
)

# The message of each code reported through a template, bound to the code here, as mypy's message registry binds
# its messages to their error codes: a message cannot go out under another code, and the compiler README's table
# and docs/diagnostic-codes.md are generated from this. The wording follows TIA's English compiler messages in
# form (quoted names, data types as TIA spells them).
_TEMPLATES: dict[str, str] = {
    "UNDECLARED": 'Tag "{name}" not defined.',
    "NOT_LOCAL": 'The operand "#{name}" is not a local tag; "{name}" is a global tag or block (write "{name}" without '
                 '"#").',
    "MISSING_TAG": 'Tag "{name}" not defined.',
    "MISSING_TECHNOLOGY_OBJECT": (
        'Technology object "{name}" is not in the export; it is taken to be one of the PLC\'s '
                                  'technology objects (export its "Technology objects" folder to have it checked).'),
    "UNKNOWN_MEMBER": 'Tag "{name}" not defined: "{type}" has no element "{member}".',
    "MISSING_TYPE": 'Data type "{name}" not defined.',
    "UNKNOWN_TYPE": 'Data type "{name}" is unknown.',
    "RECURSIVE_TYPE": "'{name}' contains itself ({chain}); TIA refuses recursive data types.",
    "MISSING_BLOCK": 'Block "{name}" not defined.',
    "UNKNOWN_INSTRUCTION": 'Unknown instruction "{name}".',
    "UNCHECKED_INSTRUCTION": 'The instruction "{name}" is not in the offline catalogue; TIA refuses a name it does '
                             'not have, but the catalogue is not complete, so this is a note and the call\'s '
                             'parameters were not checked.',
    "NOT_SIMULATED": 'The instruction "{name}" is not simulated: {reason}. On the simulated PLC (test run) the CPU '
                     'stops when it is reached.',
    "SIGNATURE_UNKNOWN": 'The parameters of the system instruction "{name}" are not known to the offline checker; '
                         'they were not checked.',
    "MIXED_PARAMETERS": 'The call of "{callee}" mixes arguments with and without formal parameter names; name all of '
                        'them or none.',
    "TOO_MANY_ARGUMENTS": '"{callee}" takes {count} parameter(s); this argument is one too many.',
    "UNKNOWN_PARAMETER": 'The parameter "{param}" is not defined in "{callee}".',
    "PARAMETER_TWICE": 'The parameter "{param}" of {callee} is assigned more than once.',
    "PARAMETER_NOT_SUPPLIED": 'The formal parameter "{param}" of "{callee}" must be supplied.',
    "WRONG_PARAMETER": 'The parameter "{param}" of "{callee}" is an {section} and must be assigned with "{op}".',
    "INOUT_OPERAND": 'The actual parameter of the in/out parameter "{param}" of "{callee}" must be a tag.',
    "PARAMETER_TYPE": 'The data type "{src}" of the actual parameter cannot be implicitly converted into the data '
                      'type "{dst}" of the formal parameter "{param}".',
    "OUTPUT_TYPE": 'The data type "{src}" of the output parameter "{param}" cannot be implicitly converted into the '
                   'data type "{dst}" of the actual parameter.',
    "INOUT_TYPE": 'The data type "{src}" of the actual parameter does not match the data type "{dst}" of the in/out '
                  'parameter "{param}".',
    "LITERAL_RANGE": 'The value {value} is outside the range of the data type "{type}".',
    "INDEX_RANGE": "The index {value} is outside the bounds {low}..{high} of the array.",
    "SLICE_RANGE": 'The slice "{slice}" is outside the {bits} bits of the data type "{type}".',
    "INDEX_NOT_ARRAY": 'The operand {name} of data type "{type}" is no ARRAY and takes no index.',
    "INDEX_DIMENSIONS": "{count} indexes for an array of {dims} dimension(s).",
    "INDEX_TYPE": 'The array index must be of an integer data type, not "{src}".',
    "CASE_SELECTOR": 'The CASE expression must be of an integer or bit-string data type, not "{src}".',
    "CASE_LABEL": 'The CASE label {label} is not a constant of the data type "{type}" of the CASE expression.',
    "CASE_DUPLICATE": "The CASE value {value} is already a label of an earlier branch; this branch is never taken "
                      "for it.",
    "FOR_VARIABLE": 'The control variable "{name}" of a FOR loop must be of an integer data type, not "{src}".',
    "TYPE_MISMATCH": 'Implicit conversion of the data type "{src}" into the data type "{dst}" is not possible.',
    "OPERATOR_TYPE": 'The operator "{op}" is not defined for the data types "{left}" and "{right}".',
    "CONDITION_TYPE": 'The expression must be of data type "Bool", not "{src}".',
    "VOID_VALUE": 'The function "{name}" has no function value (Void) and cannot be used in an expression.',
    "WRITE_CONSTANT": 'The constant "{name}" cannot be written.',
    "DUPLICATE_NAME": 'The name "{name}" is declared more than once.',
    "DUPLICATE_BLOCK": 'The block name "{name}" already exists.',
    "NUMBER_IN_USE": 'The block number {cls} {number} is already used by "{other}".',
    "OB_NUMBER": 'The number {number} is not allowed for an organization block of the type "{type}" (allowed: '
                 '{allowed}).',
    "BLOCK_NUMBER": "The block number {cls} {number} is outside 1 to {last}{where}.",
    "TAG_INVALID": 'The PLC tag "{name}": {reason}',
    "TAG_DUPLICATE": 'The tag name "{name}" is already used in the tag table "{table}"; names are unique across all '
                     'tag tables of the PLC.',
    "TAG_OVERLAP": 'The address {address} of the tag "{name}" overlaps {other_address} of the tag "{other}".',
    "TAG_ADDRESS_RANGE": 'The address {address} of the tag "{name}" lies past the {area} area of an {family} CPU '
                         '(bytes 0 to {last}).',
    "GOTO_LABEL": 'The jump label "{label}" is not defined in the block.',
    "GOTO_DUPLICATE_LABEL": 'The jump label "{label}" is declared more than once in the block.',
    "EXIT_OUTSIDE_LOOP": "EXIT is only permitted inside a FOR, WHILE or REPEAT loop.",
    "CONTINUE_OUTSIDE_LOOP": "CONTINUE is only permitted inside a FOR, WHILE or REPEAT loop.",
    "EXPRESSION_STATEMENT": "An expression is not a statement; assign its value or call a block.",
    "RETURN_VALUE": "RETURN does not take a value in SCL; assign the function value to the function name.",
    "NOT_CALLABLE": 'The operand "{name}" of data type "{type}" cannot be called.',
    "FLGNET_TYPE": 'The operand "{name}" of data type "{type}" does not fit the instruction "{part}" (Bool required).',
    "FLGNET_PIN_TYPE": 'Implicit conversion of the data type "{src}" into the data type "{dst}" is not possible at the '
                       'pin "{pin}" of the instruction "{part}" (operand {name}).',
    "FLGNET_UID": "The UId {uid} names two elements of the network; each element needs a UId of its own.",
    "WATCH_OPERAND": "{problem}",
    "WATCH_NOT_FORCEABLE": "The operand {operand} cannot be forced: an S7-1500 forces only inputs and outputs.",
    "WATCH_VALUE": "The value {value} does not fit the operand {operand}: {problem}",
    "WATCH_TABLE_NAME": 'The watch or force table name "{name}": {reason}',
    "FLGNET_PIN": 'The box "{part}" has no pin "{pin}": it is no parameter of the called block or instruction.',
    "FLGNET_CARDINALITY": 'The instruction "{part}" has {card} numbered pins (Card); the pin "{pin}" is beyond them.',
    "FLGNET_INSTRUCTION": 'The instruction "{part}" is not in the offline catalogue; TIA refuses a name it does '
                          'not have, but the catalogue is not complete, so this is a warning.',
    "FLGNET_WIRE": 'A wire of network {network} connects to a part that does not exist (UId {uid}).',
    "NETWORK_SYNTAX": "Syntax error: {message}",
    "NETWORK_NOT_CHECKED": "The network was not checked: {reason}.",

    "FLGNET_SLICE": 'The slice "{slice}" is outside the {bits} bits of "{name}" (data type "{type}").',
    "FLGNET_LITERAL": 'The operand "{value}" is no valid constant.',
    "FLGNET_LABEL": 'The jump label "{label}" is not defined in the block.',
    "FLGNET_DUPLICATE_LABEL": 'The jump label "{label}" is declared more than once in the block.',
    "FLGNET_OPERAND": 'The instruction "{part}" has no operand.',

    "STL_LABEL": 'The jump label "{label}" is not defined in the block.',
    "STL_DUPLICATE_LABEL": 'The jump label "{label}" is declared more than once in the block.',

    "STYLE_BLOCK_PREFIX": 'The name of the {kind} "{name}" does not start with "{prefix}".',
    "STYLE_MEMBER_PREFIX": 'The {section} member "{name}" does not start with "{prefix}".',
    "STYLE_UNUSED_LOCAL": 'The {section} member "{name}" is never used in the block.',
    "STYLE_NESTING_DEPTH": "{statement} nested {depth} deep; at most {limit} levels are allowed.",
    "STYLE_BLOCK_LENGTH": 'The block "{name}" has {count} statements; at most {limit} are allowed.',
}

# Messages that go out under another message's code: (key, code, template).
_VARIANTS: tuple[tuple[str, str, str], ...] = (
    # Two files of one run define one block: a repository holding variants or copies of a source, each checked
    # with its own definitions; a PLC holds only the one imported into it (engineering_api.rules.compiler.check).
    ("DUPLICATE_NAME_ACROSS_FILES", "DUPLICATE_NAME",
     '"{name}" is also defined in {other}; a PLC holds only one of them (each file is checked with its own).'),
    # A user constant of a tag table broken as a tag can be (engineering_api.rules.compiler.tag_tables).
    ("TAG_INVALID_CONSTANT", "TAG_INVALID", 'The user constant "{name}": {reason}'),
    # A tag table's own name, as the tag routes refuse it (engineering_api.rules.compiler.tag_tables).
    ("TAG_TABLE_INVALID", "TAG_INVALID", 'The tag table "{name}": {reason}'),
    # An edge instruction without its edge memory bit (engineering_api.rules.instruction_pins.OPERAND_PINS).
    ("FLGNET_OPERAND_PIN", "FLGNET_OPERAND", 'The instruction "{part}" has no operand at its pin "{pin}".'),
)

MESSAGES = MappingProxyType({
    **{code: MessageTemplate(code, code, template) for code, template in _TEMPLATES.items()},
    **{key: MessageTemplate(key, code, template) for key, code, template in _VARIANTS}})
"""Every message template, by the key a reporter passes to :func:`message`."""

CODES = MappingProxyType({code: DiagnosticCode(code, group, severities, meaning, _TEMPLATES.get(code),
                                               tuple(t for _, of, t in _VARIANTS if of == code))
                          for code, group, severities, meaning in _TABLE})
"""Every registered code, by name."""


def describe(code: str) -> DiagnosticCode | None:
    """The registered code ``code``, or None for a code this version does not produce."""
    return CODES.get(code)


def message(key: str, **fields: object) -> str:
    """The message ``key`` (a code, or the key of a second message of a code: :data:`MESSAGES`) with its
    template's ``fields`` filled in.

    Raises:
        KeyError: ``key`` has no message template (a defect of the caller: register the template).
    """
    found = MESSAGES.get(key)
    if found is None:
        raise KeyError(f"diagnostic message {key} has no template")
    return found.template.format(**fields)
