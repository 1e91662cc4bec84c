"""The pipeline templates the server ships: the jobs a PLC team automates first.

Every template is an ordinary pipeline over registry operations; instantiating one checks and saves it like any
pipeline, so a template that named a wrong operation or parameter would fail its own test
(``tests/api/test_pipeline_templates.py`` runs each on the fake). Variables with a ``None`` default must be given
when instantiating (``parameters``) or when running (``variables``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .models import PipelineTemplateSummary, TemplateVariable

__all__ = ("TEMPLATES", "Template")


@dataclass(frozen=True)
class Template:
    """A template: its summary for the picker and the pipeline it makes."""

    id: str
    name: str
    description: str
    category: str
    variables: tuple[tuple[str, Any, str], ...]
    """(name, default, what it is for)."""
    steps: tuple[dict[str, Any], ...]
    trigger: Literal["manual", "schedule"] = "manual"
    schedule: dict[str, Any] | None = None
    on_failure: str = "stop"

    def summary(self) -> PipelineTemplateSummary:
        """The template as ``GET /api/pipelines/templates`` lists it."""
        return PipelineTemplateSummary(
            id=self.id, name=self.name, description=self.description, category=self.category, trigger=self.trigger,
            variables=[TemplateVariable(name=n, default=d, description=w) for n, d, w in self.variables],
        )


_DEVICE = ("deviceName", "PLC_1", "The PLC to build (its device name in the project).")
_COMPILE = {"name": "Compile", "action": "devices.compile-hardware", "params": {"deviceName": "${deviceName}"}}
"""Hardware and software, as TIA compiles a device; a compile with errors fails the step."""

TEMPLATES: tuple[Template, ...] = (
    Template(
        id="build-and-test", name="Build and test", category="CI",
        description="Compile the PLC (hardware and software), run its PLC unit tests on the simulated CPU and save "
                    "the project when everything passed.",
        variables=(_DEVICE, ("testPattern", "*", "Which test cases run: a name, '*' or a glob such as 'Motor*'.")),
        steps=(
            _COMPILE,
            {"name": "Test", "action": "testharness.run",
             "params": {"testName": "${testPattern}", "deviceName": "${deviceName}"}},
            {"name": "Save", "action": "projects.save"},
        ),
    ),
    Template(
        id="export-to-git", name="Export to git", category="Source control",
        description="Export the open project into its git repository (created when missing) and commit; optionally "
                    "push the branch to a remote.",
        variables=(
            ("message", "Automatic export", "The commit message (the run's time stamp is appended)."),
            ("pushToRemote", False, "Push the branch after the commit."),
            ("remoteName", "origin", "The remote to push to."),
        ),
        steps=(
            {"name": "Save", "action": "projects.save"},
            {"name": "Init", "action": "vcs.init"},
            {"name": "Commit", "action": "vcs.commit", "params": {"message": "${message} (${timestamp})"}},
            {"name": "Push", "action": "vcs.push", "params": {"remoteName": "${remoteName}"},
             "condition": "${pushToRemote} == true"},
        ),
    ),
    Template(
        id="nightly-archive", name="Nightly archive", category="Maintenance",
        description="Every night at 02:00 UTC: save the open project and write a dated archive of it.",
        variables=(
            ("archiveFolder", "archives", "Folder (in the workspace) that receives the archives."),
            ("archiveExtension", "zap19", "The archive suffix of the project's TIA version: zap16 ... zap21."),
        ),
        steps=(
            {"name": "Save", "action": "projects.save"},
            {"name": "Archive", "action": "projects.archive",
             "params": {"archivePath": "${archiveFolder}/${pipeline.name}-${timestamp}.${archiveExtension}"},
             "retryCount": 1, "retryDelayMs": 5000},
        ),
        trigger="schedule", schedule={"cron": "0 2 * * *", "timezone": "UTC", "missedRuns": "runOnce"},
    ),
    Template(
        id="design-to-plc", name="Design spec to tested PLC", category="Code generation",
        description="Load a design specification, generate its blocks and tags into the PLC, compile, download to "
                    "the simulated CPU, start it and run the PLC unit tests.",
        variables=(
            ("design", None, "The design specification (JSON object, as POST /api/design-spec/load takes it)."),
            _DEVICE,
            ("instanceName", "PLC_1_SIM", "The PLCSIM Advanced instance to download to (created when missing)."),
            ("testPattern", "*", "Which test cases run."),
        ),
        steps=(
            {"name": "Load design", "action": "design-spec.load", "params": {"design": "${design}"}},
            {"name": "Generate", "action": "design-spec.generate-and-import",
             "params": {"deviceName": "${deviceName}", "overwrite": True}},
            _COMPILE,
            {"name": "Download", "action": "devices.download",
             "params": {"deviceName": "${deviceName}", "instanceName": "${instanceName}", "stopCpu": True,
                        "startAfterDownload": True}},
            {"name": "Test", "action": "testharness.run",
             "params": {"testName": "${testPattern}", "deviceName": "${deviceName}",
                        "instanceName": "${instanceName}"}},
        ),
    ),
    Template(
        id="excel-tags-compile", name="Tags from Excel, then compile", category="Tags",
        description="Import a tag table from an Excel workbook (TIA's export layout), replacing tags of the same "
                    "name, then compile the PLC.",
        variables=(
            ("xlsxPath", None, "The workbook, a path in the workspace (upload it with POST /api/files)."),
            _DEVICE,
            ("tableName", "Default tag table",
             "The tag table that receives the tags (TIA's default table unless given)."),
        ),
        steps=(
            {"name": "Import tags", "action": "tags.import-xlsx",
             "params": {"deviceName": "${deviceName}", "tableName": "${tableName}", "filePath": "${xlsxPath}",
                        "overwrite": True}},
            _COMPILE,
        ),
    ),
)
