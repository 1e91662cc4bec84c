"""Dry runs of the destructive Tags & Constants operations (:mod:`engineering_api.jobs.preview`).

Deletes list the table, folder, tag or constant and everything that goes with it; imports are checked with the
port's ``validate_only`` import (the same rules, nothing written) and list the tags and constants an ``overwrite``
replaces; exports name the file they would overwrite. Each raises what its handler raises for the same input.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from engineering_api.backend import errors as e
from engineering_api.domain import tag_formats
from engineering_api.domain.blocks.sources import users_of
from engineering_api.domain.common import folder_paths
from engineering_api.domain.tags.handlers import (
    check_target,
    file_parsed,
    folder_path_of,
    json_parsed,
    refuse_unreadable,
)
from engineering_api.domain.tags.schemas import DEFAULT_TABLE
from engineering_api.domain.tags.verdict import judged_simaticml
from engineering_api.errors import codes
from engineering_api.jobs.preview import PlannedChange, Preview, file_change, names, plan, plural

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import TagTableInfo
    from engineering_api.domain.tags.schemas import (
        ImportSimaticmlInput,
        ConstantRef,
        ExportFileInput,
        FolderInput,
        ImportFileInput,
        ImportJsonInput,
        TableRef,
        TagRef,
    )
    from engineering_api.jobs.operations import OperationContext

__all__ = (
    "preview_constant_delete", "preview_export", "preview_file_import", "preview_folder_delete", "preview_json_import",
    "preview_table_delete", "preview_tag_delete",
)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_NamedT = TypeVar("_NamedT", bound=_Named)


def _by_name(items: list[_NamedT], name: str) -> _NamedT | None:
    """Exact name first, then case-insensitive (as the tables are looked up)."""
    return next((i for i in items if i.name == name), None) or next(
        (i for i in items if i.name.lower() == name.lower()), None)


def _table(ctx: OperationContext, device: str, name: str) -> TagTableInfo:
    table = _by_name(ctx.backend.tags.list_tag_tables(device), name)
    if table is None:
        raise e.NotFoundError(f"The tag table '{name}' was not found in '{device}'.", code=codes.TAG_TABLE_NOT_FOUND)
    return table


def _contents(ctx: OperationContext, device: str, table: str) -> list[PlannedChange]:
    """The tags and user constants of a table, as deletions."""
    tags = [PlannedChange(action="delete", kind="tag", name=t.name, device=device,
                          detail=f"{t.data_type} {t.logical_address} in '{table}'")
            for t in ctx.backend.tags.list_tags(device, table)]
    constants = [PlannedChange(action="delete", kind="constant", name=c.name, device=device,
                               detail=f"{c.data_type} = {c.value} in '{table}'")
                 for c in ctx.backend.tag_constants.list_constants(device, table, "user")]
    return tags + constants


def preview_table_delete(ctx: OperationContext, d: TableRef) -> Preview:
    """tag-tables.delete: the table with its tags and user constants (the default table is refused)."""
    table = _table(ctx, d.device_name, d.table_name)
    if table.name == DEFAULT_TABLE:
        raise e.ConflictError("The default tag table cannot be deleted.", code=codes.DEFAULT_TAG_TABLE)
    tags, constants = plural(table.tag_count, "tag"), plural(table.user_constant_count, "user constant")
    change = PlannedChange(action="delete", kind="tagTable", name=table.name, device=d.device_name,
                           detail=f"{tags}, {constants}")
    return plan(f"Would delete the tag table '{table.name}' of {d.device_name} with {tags} and {constants}.",
                [change, *_contents(ctx, d.device_name, table.name)])


def preview_folder_delete(ctx: OperationContext, d: FolderInput) -> Preview:
    """tag-tables.folders.delete: the folder, its subfolders and every table in them with their tags."""
    given = folder_path_of(d)
    path = "/".join(part.strip() for part in given.strip().strip("/\\").replace("\\", "/").split("/"))
    tables = ctx.backend.tags.list_tag_tables(d.device_name)
    inside = [t for t in tables if t.folder == path or t.folder.startswith(path + "/")]
    if any(t.name == DEFAULT_TABLE for t in inside):
        raise e.ConflictError(
            f"The folder '{path}' holds the default tag table, which cannot be deleted.", code=codes.DEFAULT_TAG_TABLE
        )
    folders = folder_paths(ctx.backend.tags.tag_table_tree(d.device_name))
    if path not in folders:
        raise e.NotFoundError(f"The folder '{given}' was not found.", code=codes.FOLDER_NOT_FOUND)
    sub = [f for f in folders if f.startswith(path + "/")]
    changes = [PlannedChange(action="delete", kind="folder", name=f, device=d.device_name) for f in [path, *sub]]
    for table in inside:
        changes.append(PlannedChange(action="delete", kind="tagTable", name=table.name, device=d.device_name,
                                     detail=f"in '{table.folder}', {plural(table.tag_count, 'tag')}"))
        changes += _contents(ctx, d.device_name, table.name)
    what = f" with {plural(len(inside), 'tag table')} ({names(t.name for t in inside)})" if inside \
        else " (no tables inside)"
    return plan(f"Would delete the tag table folder '{path}'{what} from {d.device_name}.", changes)


def preview_tag_delete(ctx: OperationContext, d: TagRef) -> Preview:
    """tags.delete."""
    tags = ctx.backend.tags.list_tags(d.device_name, d.table_name)
    tag = _by_name(tags, d.tag_name)
    if tag is None:
        table = _table(ctx, d.device_name, d.table_name).name
        raise e.NotFoundError(f"The tag '{d.tag_name}' was not found in the tag table '{table}'.",
                              code=codes.TAG_NOT_FOUND)
    users = [name for name, how in users_of(ctx, d.device_name, tag.name) if how == "Operand"]
    warnings = [f"The tag '{tag.name}' is still used by {names(users)}, which will no longer compile."] if users else []
    return plan(f"Would delete the tag '{tag.name}' ({tag.data_type} {tag.logical_address}) from the tag table "
                f"'{tag.table_name or d.table_name}' of {d.device_name}.",
                [PlannedChange(action="delete", kind="tag", name=tag.name, device=d.device_name,
                               detail=f"{tag.data_type} {tag.logical_address}")], warnings)


def preview_constant_delete(ctx: OperationContext, d: ConstantRef) -> Preview:
    """constants.delete (a system constant is refused: read-only)."""
    constants = ctx.backend.tag_constants.list_constants(d.device_name, d.table_name, "all")
    user = _by_name([c for c in constants if not c.is_system], d.constant_name)
    if user is None:
        if any(c.is_system and c.name.lower() == d.constant_name.lower() for c in constants) or any(
                c.name.lower() == d.constant_name.lower()
                for c in ctx.backend.tag_constants.list_constants(d.device_name, DEFAULT_TABLE, "system")):
            raise e.ValidationError(f"'{d.constant_name}' is a system constant; system constants are read-only.",
                                    code=codes.SYSTEM_CONSTANT_READ_ONLY)
        table = _table(ctx, d.device_name, d.table_name).name
        raise e.NotFoundError(f"The user constant '{d.constant_name}' was not found in the tag table '{table}'.",
                              code=codes.CONSTANT_NOT_FOUND)
    return plan(f"Would delete the user constant '{user.name}' ({user.data_type} = {user.value}) from the tag table "
                f"'{user.table_name or d.table_name}' of {d.device_name}.",
                [PlannedChange(action="delete", kind="constant", name=user.name, device=d.device_name,
                               detail=f"{user.data_type} = {user.value}")])


# ----- imports (destructive with overwrite) ------------------------------------------------------
def _becomes(table: str, old: str, new: str) -> str:
    return f"{old} in '{table}'" + (" is replaced by the same definition" if old == new else f" becomes {new}")


def _import_preview(ctx: OperationContext, device: str, parsed: tag_formats.ParsedTags, source: str, *, table: str,
                    follow_path: bool, overwrite: bool) -> Preview:
    refuse_unreadable(ctx, device, parsed, source, table=table, follow_path=follow_path, overwrite=overwrite)
    checked = ctx.backend.tag_import.import_tags(device, parsed.tags, parsed.constants, table=table,
                                                 follow_path=follow_path,
                                      overwrite=overwrite, validate_only=True)
    # The check passed: with overwrite, every name the PLC already holds is replaced in its own table.
    tags = {t.name.lower(): t for t in ctx.backend.tags.list_all_tags(device)}
    constants = {c.name.lower(): c for t in ctx.backend.tags.list_tag_tables(device)
                 for c in ctx.backend.tag_constants.list_constants(device, t.name, "user")}
    changes = [PlannedChange(action="create", kind="tagTable", name=n, device=device, detail="new table")
               for n in checked.created_tables]
    changes += [PlannedChange(action="overwrite", kind="tag", name=old.name, device=device,
                              detail=_becomes(old.table_name, f"{old.data_type} {old.logical_address}",
                                              f"{row.data_type} {row.logical_address}"))
                for row in parsed.tags if (old := tags.get(row.name.lower())) is not None]
    changes += [PlannedChange(action="overwrite", kind="constant", name=old_constant.name, device=device,
                              detail=_becomes(old_constant.table_name,
                                              f"{old_constant.data_type} = {old_constant.value}",
                                              f"{row.data_type} = {row.value}"))
                for row in parsed.constants if (old_constant := constants.get(row.name.lower())) is not None]
    replaced = [c.name for c in changes if c.action == "overwrite"]
    count = f"{plural(len(parsed.tags), 'tag')} and {plural(len(parsed.constants), 'user constant')}"
    into = names(checked.tables) if checked.tables else f"'{table}'"
    tail = (f", overwriting {names(replaced)}" if replaced
            else "; nothing would be overwritten" + ("" if overwrite else " (overwrite is off)"))
    warnings = [w.message for w in checked.warnings]
    return plan(f"Would import {count} from {source} into {into} of {device}{tail}.", changes, warnings)


def preview_json_import(ctx: OperationContext, d: ImportJsonInput) -> Preview:
    """tags.import-json."""
    parsed, source = json_parsed(d)
    return _import_preview(ctx, d.device_name, parsed, source, table=d.table_name or DEFAULT_TABLE, follow_path=True,
                           overwrite=d.overwrite)


def preview_simaticml_import(ctx: OperationContext, d: ImportSimaticmlInput) -> Preview:
    """tags.import-simaticml: refused as the import refuses it (the one check first)."""
    parsed, source = judged_simaticml(ctx, d)
    return _import_preview(ctx, d.device_name, parsed, source, table=d.table_name or DEFAULT_TABLE,
                           follow_path=d.table_name is None, overwrite=d.overwrite)


def preview_file_import(reader: Any, kind: str) -> Any:
    """tags.import-csv / tags.import-xlsx."""
    def preview(ctx: OperationContext, d: ImportFileInput) -> Preview:
        parsed = file_parsed(reader, kind, d.file_path)
        return _import_preview(ctx, d.device_name, parsed, Path(d.file_path).name, table=d.table_name,
                               follow_path=d.use_path_column, overwrite=d.overwrite)

    return preview


def preview_export(ctx: OperationContext, d: ExportFileInput) -> Preview:
    """tags.export-*: the file it would write or overwrite."""
    target = check_target(d)
    table = _table(ctx, d.device_name, d.table_name)
    change, what = file_change(target, d.overwrite)
    return plan(f"Would export the tag table '{table.name}' of {d.device_name} and {what}.", [change] if change else [])
