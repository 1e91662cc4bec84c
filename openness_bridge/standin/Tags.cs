// Stand-in for Siemens.Engineering.SW.Tags: PLC tag tables, their user groups, tags, user and system constants
// (MultilingualText is in MultilingualText.cs; see Engineering.cs for the ground rules and
// openness_bridge/README.md for the source of every public member).
// State (TagsState.cs) lives in StandIn.Control.TagFolder (one tree per PLC software) and is kept in the project file by
// TagRecords (IProjectPart), so save/reopen, close-discards and transaction rollback cover it.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Siemens.Engineering.SW.Tags;
using StandIn.Control;

namespace Siemens.Engineering.SW
{
    public sealed partial class PlcSoftware
    {
        public PlcTagTableSystemGroup TagTableGroup
        {
            get { OwnerProject.Live(); return new PlcTagTableSystemGroup(OwnerProject, Device, TagFolder.Of(Device.Software)); }
        }
    }
}

namespace Siemens.Engineering.SW.Tags
{
    public abstract class PlcTagTableGroup : ProjectObject
    {
        internal readonly DeviceState Device;
        internal readonly TagFolder State;
        internal PlcTagTableGroup(Project project, DeviceState device, TagFolder state)
            : base(project, () => TagFolder.Of(device.Software).Folders().Contains(state), "The object has been deleted.", "The tag table group no longer exists.", () => state.Name) { Device = device; State = state; }
        public PlcTagTableComposition TagTables { get { Live(); return new PlcTagTableComposition(OwnerProject, Device, State); } }
        public PlcTagTableUserGroupComposition Groups { get { Live(); return new PlcTagTableUserGroupComposition(OwnerProject, Device, State); } }
    }

    public sealed class PlcTagTableSystemGroup : PlcTagTableGroup
    {
        internal PlcTagTableSystemGroup(Project p, DeviceState d, TagFolder s) : base(p, d, s) { }
    }

    public sealed class PlcTagTableUserGroup : PlcTagTableGroup
    {
        internal PlcTagTableUserGroup(Project p, DeviceState d, TagFolder s) : base(p, d, s) { }

        // Deletes the group with its subgroups and tag tables, as the TIA UI does.
        public void Delete()
        {
            Live();
            Faults.Check("PlcTagTableUserGroup.Delete");
            if (State.AllTables().Any(t => t.IsDefault))
                throw TagFolder.Refused("The group cannot be deleted.", "It holds the default tag table.");
            TagFolder.Of(Device.Software).Folders().First(f => f.Groups.Contains(State)).Groups.Remove(State);
            OwnerProject.State.Modified = true;
        }
    }

    public sealed class PlcTagTableUserGroupComposition : NamedComposition<PlcTagTableUserGroup>
    {
        private readonly DeviceState _device;
        private readonly TagFolder _state;
        internal PlcTagTableUserGroupComposition(Project project, DeviceState device, TagFolder state)
            : base(project, () => state.Groups.Select(g => new PlcTagTableUserGroup(project, device, g)), g => g.State.Name) { _device = device; _state = state; }

        public PlcTagTableUserGroup Create(string name)
        {
            OwnerProject.Live();
            Faults.Check("PlcTagTableUserGroupComposition.Create");
            NewName.Check(name, _state.Groups.Select(g => g.Name), "The group cannot be created.", "The name is empty.", "A group named '" + name + "' already exists here.");
            var group = OwnerProject.Added(_state.Groups, new TagFolder { Name = name });
            return new PlcTagTableUserGroup(OwnerProject, _device, group);
        }
    }

    public sealed class PlcTagTableComposition : NamedComposition<PlcTagTable>
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly TagFolder _state;
        internal PlcTagTableComposition(Project project, DeviceState device, TagFolder state)
            : base(project, () => state.Tables.Select(t => new PlcTagTable(project, device, t)), t => t.State.Name) { _project = project; _device = device; _state = state; }

        // Table names are unique in the whole PLC, whatever group a table is in.
        public PlcTagTable Create(string name)
        {
            _project.Live();
            Faults.Check("PlcTagTableComposition.Create");
            NewName.Check(name, TagFolder.Of(_device.Software).AllTables().Select(t => t.Name), "The tag table cannot be created.", "The name is empty.", "A tag table named '" + name + "' already exists.");
            var table = _project.Added(_state.Tables, new TagTableState { Name = name });
            return new PlcTagTable(_project, _device, table);
        }

        // SimaticML import of a tag table (15.1 stub: Import(FileInfo, ImportOptions) -> IList<PlcTagTable>). TIA
        // creates the table in this group, or with Override replaces the tags and user constants of the table of
        // that name; it refuses other documents, an existing table without Override (or one in another group:
        // table names are unique in the whole PLC) and tag or constant names another table of the PLC uses.
        public IList<PlcTagTable> Import(FileInfo path, ImportOptions importOptions)
        {
            _project.Live();
            Faults.Check("PlcTagTableComposition.Import");
            const string failed = "The import failed.";
            if (!path.Exists) throw TagFolder.Refused(failed, "The file '" + path.FullName + "' does not exist.");
            var imported = TagTableXml.Read(File.ReadAllBytes(path.FullName));
            if (imported == null)
                throw TagFolder.Refused(failed, "The file is not a SimaticML tag table document (SW.Tags.PlcTagTable).");
            var root = TagFolder.Of(_device.Software);
            var existing = root.AllTables().FirstOrDefault(t => string.Equals(t.Name, imported.Name, StringComparison.OrdinalIgnoreCase));
            if (existing != null && importOptions != ImportOptions.Override)
                throw TagFolder.Refused(failed, "A tag table named '" + imported.Name + "' already exists.");
            if (existing != null && !_state.Tables.Contains(existing))
                throw TagFolder.Refused(failed, "The tag table '" + existing.Name + "' exists in another group; tag table names are unique in the PLC.");
            var taken = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var c in TagFolder.SystemConstants(_device)) taken[c.Name] = "the system constants";
            foreach (var t in root.AllTables().Where(t => t != existing))
                foreach (var n in t.Tags.Select(x => x.Name).Concat(t.Constants.Select(x => x.Name))) taken[n] = "the tag table '" + t.Name + "'";
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var n in imported.Tags.Select(x => x.Name).Concat(imported.Constants.Select(x => x.Name)))
            {
                string owner;
                if (string.IsNullOrWhiteSpace(n)) throw TagFolder.Refused(failed, "A tag or user constant has no name.");
                if (!seen.Add(n)) throw TagFolder.Refused(failed, "The name '" + n + "' is used twice in the document.");
                if (taken.TryGetValue(n, out owner)) throw TagFolder.Refused(failed, "The name '" + n + "' is already used in " + owner + ".");
            }
            var target = existing ?? imported;
            if (existing != null)
            {
                existing.Name = imported.Name;
                existing.Tags.Clear(); existing.Tags.AddRange(imported.Tags);
                existing.Constants.Clear(); existing.Constants.AddRange(imported.Constants);
            }
            else _state.Tables.Add(imported);
            _project.State.Modified = true;
            Program.ImportLog.Add(target.Name);
            return new List<PlcTagTable> { new PlcTagTable(_project, _device, target) };
        }
    }

    public sealed class PlcTagTable : ProjectObject
    {
        private readonly DeviceState _device;
        internal readonly TagTableState State;
        internal PlcTagTable(Project project, DeviceState device, TagTableState state)
            : base(project, () => TagFolder.Of(device.Software).AllTables().Contains(state), "The object has been deleted.", "The tag table no longer exists.", () => state.Name) { _device = device; State = state; }

        public bool IsDefault { get { Live(); return State.IsDefault; } }
        public PlcTagComposition Tags { get { Live(); return new PlcTagComposition(OwnerProject, _device, State); } }
        public PlcUserConstantComposition UserConstants { get { Live(); return new PlcUserConstantComposition(OwnerProject, _device, State); } }

        // The PLC's system constants (hardware identifiers); TIA shows them in the default tag table only.
        public PlcSystemConstantComposition SystemConstants
        {
            get
            {
                Live();
                var list = State.IsDefault ? TagFolder.SystemConstants(_device) : new List<ConstantState>();
                return new PlcSystemConstantComposition(list.Select(c => new PlcSystemConstant(OwnerProject, c)).ToList());
            }
        }

        public void Delete()
        {
            Live();
            Faults.Check("PlcTagTable.Delete");
            if (State.IsDefault) throw TagFolder.Refused("The tag table cannot be deleted.", "The default tag table cannot be deleted.");
            TagFolder.Of(_device.Software).Folders().First(f => f.Tables.Contains(State)).Tables.Remove(State);
            OwnerProject.State.Modified = true;
        }

        // SimaticML as TIA writes it (UTF-8 with BOM); TIA does not overwrite an existing file.
        public void Export(FileInfo path, ExportOptions exportOptions)
        {
            Live();
            Faults.Check("PlcTagTable.Export");
            if (path.Exists) throw TagFolder.Refused("The export failed.", "The file '" + path.FullName + "' already exists.");
            File.WriteAllText(path.FullName, TagTableXml.Write(State, Machine.Version), new UTF8Encoding(true));
        }
    }

    public sealed class PlcTagComposition : NamedComposition<PlcTag>
    {
        private readonly DeviceState _device;
        private readonly TagTableState _table;
        internal PlcTagComposition(Project project, DeviceState device, TagTableState table)
            : base(project, () => table.Tags.Select(t => new PlcTag(project, table, t)), t => t.State.Name) { _device = device; _table = table; }

        public PlcTag Create(string name, string dataTypeName, string logicalAddress)
        {
            OwnerProject.Live();
            Faults.Check("PlcTagComposition.Create");
            TagFolder.CheckFreeName(_device, name, "The tag cannot be created.");
            var tag = OwnerProject.Added(_table.Tags, new TagState { Name = name, DataTypeName = dataTypeName ?? "", LogicalAddress = logicalAddress ?? "" });
            return new PlcTag(OwnerProject, _table, tag);
        }
    }

    public sealed class PlcTag
    {
        private readonly Project _project;
        private readonly TagTableState _table;
        internal readonly TagState State;
        internal PlcTag(Project project, TagTableState table, TagState state) { _project = project; _table = table; State = state; }

        private TagState Live() { _project.Live(() => _table.Tags.Contains(State), "The object has been deleted.", "The tag no longer exists."); return State; }

        private void Change(string member, Action<TagState> change) { TagFolder.Change(_project, Live(), member, change); }

        public string Name { get { return Live().Name; } }
        public string DataTypeName { get { return Live().DataTypeName; } set { Change("PlcTag.DataTypeName", s => s.DataTypeName = value ?? ""); } }
        public string LogicalAddress { get { return Live().LogicalAddress; } set { Change("PlcTag.LogicalAddress", s => s.LogicalAddress = value ?? ""); } }
        public bool ExternalAccessible { get { return Live().Accessible; } set { Change("PlcTag.ExternalAccessible", s => s.Accessible = value); } }
        public bool ExternalVisible { get { return Live().Visible; } set { Change("PlcTag.ExternalVisible", s => s.Visible = value); } }
        public bool ExternalWritable { get { return Live().Writable; } set { Change("PlcTag.ExternalWritable", s => s.Writable = value); } }
        public MultilingualText Comment { get { return new MultilingualText(_project, Live()); } }

        public void Delete() { Change("PlcTag.Delete", s => _table.Tags.Remove(s)); }
    }

    public abstract class PlcConstant
    {
        internal readonly Project OwnerProject;
        internal readonly ConstantState State;
        internal PlcConstant(Project project, ConstantState state) { OwnerProject = project; State = state; }
        internal virtual ConstantState Live() { OwnerProject.Live(); return State; }
        public string Name { get { return Live().Name; } }
        public string DataTypeName { get { return Live().DataTypeName; } }
        public string Value { get { return Live().Value; } }
    }

    public sealed class PlcSystemConstant : PlcConstant
    {
        internal PlcSystemConstant(Project project, ConstantState state) : base(project, state) { }
    }

    public sealed class PlcSystemConstantComposition : ListComposition<PlcSystemConstant>
    {
        internal PlcSystemConstantComposition(List<PlcSystemConstant> items) : base(items) { }
        public PlcSystemConstant Find(string name) { return First(c => c.State.Name == name); }
    }

    public sealed class PlcUserConstant : PlcConstant
    {
        private readonly DeviceState _device;
        private readonly TagTableState _table;
        internal PlcUserConstant(Project project, DeviceState device, TagTableState table, ConstantState state) : base(project, state) { _device = device; _table = table; }

        internal override ConstantState Live() { OwnerProject.Live(() => _table.Constants.Contains(State), "The object has been deleted.", "The user constant no longer exists."); return State; }

        private void Change(string member, Action<ConstantState> change) { TagFolder.Change(OwnerProject, Live(), member, change); }

        // The 15.1 API reference gives PlcUserConstant setters for Name, DataTypeName and Value.
        public new string Name
        {
            get { return Live().Name; }
            set
            {
                Change("PlcUserConstant.Name", s =>
                {
                    if (!string.Equals(s.Name, value, StringComparison.OrdinalIgnoreCase)) TagFolder.CheckFreeName(_device, value, "The user constant cannot be renamed.");
                    s.Name = value;
                });
            }
        }
        public new string DataTypeName { get { return Live().DataTypeName; } set { Change("PlcUserConstant.DataTypeName", s => s.DataTypeName = value ?? ""); } }
        public new string Value { get { return Live().Value; } set { Change("PlcUserConstant.Value", s => s.Value = value ?? ""); } }
        public MultilingualText Comment { get { return new MultilingualText(OwnerProject, Live()); } }

        public void Delete() { Change("PlcUserConstant.Delete", s => _table.Constants.Remove(s)); }
    }

    public sealed class PlcUserConstantComposition : NamedComposition<PlcUserConstant>
    {
        private readonly DeviceState _device;
        private readonly TagTableState _table;
        internal PlcUserConstantComposition(Project project, DeviceState device, TagTableState table)
            : base(project, () => table.Constants.Select(c => new PlcUserConstant(project, device, table, c)), c => c.State.Name) { _device = device; _table = table; }

        public PlcUserConstant Create(string name, string dataTypeName, string value)
        {
            OwnerProject.Live();
            Faults.Check("PlcUserConstantComposition.Create");
            TagFolder.CheckFreeName(_device, name, "The user constant cannot be created.");
            var constant = OwnerProject.Added(_table.Constants, new ConstantState { Name = name, DataTypeName = dataTypeName ?? "", Value = value ?? "" });
            return new PlcUserConstant(OwnerProject, _device, _table, constant);
        }
    }
}
