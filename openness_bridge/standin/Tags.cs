// Stand-in for Siemens.Engineering.SW.Tags: PLC tag tables, their user groups, tags, user and system constants,
// and the MultilingualText their comments use (see Engineering.cs for the ground rules and
// openness_bridge/README.md for the source of every public member).
// State lives in StandIn.Control.TagFolder (one tree per PLC software) and is kept in the project file by
// TagRecords (IProjectPart), so save/reopen, close-discards and transaction rollback cover it.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
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

namespace Siemens.Engineering
{
    // A text in every project language; the stand-in's projects have one language, English (en-US).
    public sealed class MultilingualText
    {
        private readonly Project _project;
        private readonly ICommented _owner;
        internal MultilingualText(Project project, ICommented owner) { _project = project; _owner = owner; }
        public MultilingualTextItemComposition Items
        {
            get { _project.Live(); return new MultilingualTextItemComposition(new List<MultilingualTextItem> { new MultilingualTextItem(_project, _owner) }); }
        }
    }

    public sealed class MultilingualTextItemComposition : IEnumerable<MultilingualTextItem>
    {
        private readonly List<MultilingualTextItem> _items;
        internal MultilingualTextItemComposition(List<MultilingualTextItem> items) { _items = items; }
        public int Count { get { return _items.Count; } }
        public IEnumerator<MultilingualTextItem> GetEnumerator() { return _items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class MultilingualTextItem
    {
        private readonly Project _project;
        private readonly ICommented _owner;
        internal MultilingualTextItem(Project project, ICommented owner) { _project = project; _owner = owner; }
        public Language Language { get { _project.Live(); return new Language(new CultureInfo("en-US")); } }
        public string Text
        {
            get { _project.Live(); return _owner.Comment; }
            set { _project.Live(); Faults.Check("MultilingualTextItem.Text"); _owner.Comment = value ?? ""; _project.State.Modified = true; }
        }
    }

    public sealed class Language
    {
        internal Language(CultureInfo culture) { Culture = culture; }
        public CultureInfo Culture { get; private set; }
    }
}

namespace Siemens.Engineering.SW.Tags
{
    public abstract class PlcTagTableGroup
    {
        internal readonly Project OwnerProject;
        internal readonly DeviceState Device;
        internal readonly TagFolder State;
        internal PlcTagTableGroup(Project project, DeviceState device, TagFolder state) { OwnerProject = project; Device = device; State = state; }
        internal void Live()
        {
            OwnerProject.Live();
            if (!TagFolder.Of(Device.Software).Folders().Contains(State))
                throw new EngineeringObjectDisposedException("The object has been deleted.", "The tag table group no longer exists.", null);
        }
        public string Name { get { Live(); return State.Name; } }
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

    public sealed class PlcTagTableUserGroupComposition : IEnumerable<PlcTagTableUserGroup>
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly TagFolder _state;
        internal PlcTagTableUserGroupComposition(Project project, DeviceState device, TagFolder state) { _project = project; _device = device; _state = state; }
        public int Count { get { _project.Live(); return _state.Groups.Count; } }

        // One level only, like every Openness Find.
        public PlcTagTableUserGroup Find(string name)
        {
            _project.Live();
            var g = _state.Groups.FirstOrDefault(x => x.Name == name);
            return g == null ? null : new PlcTagTableUserGroup(_project, _device, g);
        }

        public PlcTagTableUserGroup Create(string name)
        {
            _project.Live();
            Faults.Check("PlcTagTableUserGroupComposition.Create");
            if (string.IsNullOrWhiteSpace(name))
                throw TagFolder.Refused("The group cannot be created.", "The name is empty.");
            if (_state.Groups.Any(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw TagFolder.Refused("The group cannot be created.", "A group named '" + name + "' already exists here.");
            var group = new TagFolder { Name = name };
            _state.Groups.Add(group);
            _project.State.Modified = true;
            return new PlcTagTableUserGroup(_project, _device, group);
        }

        public IEnumerator<PlcTagTableUserGroup> GetEnumerator()
        {
            _project.Live();
            return _state.Groups.Select(g => new PlcTagTableUserGroup(_project, _device, g)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class PlcTagTableComposition : IEnumerable<PlcTagTable>
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly TagFolder _state;
        internal PlcTagTableComposition(Project project, DeviceState device, TagFolder state) { _project = project; _device = device; _state = state; }
        public int Count { get { _project.Live(); return _state.Tables.Count; } }

        public PlcTagTable Find(string name)
        {
            _project.Live();
            var t = _state.Tables.FirstOrDefault(x => x.Name == name);
            return t == null ? null : new PlcTagTable(_project, _device, t);
        }

        // Table names are unique in the whole PLC, whatever group a table is in.
        public PlcTagTable Create(string name)
        {
            _project.Live();
            Faults.Check("PlcTagTableComposition.Create");
            if (string.IsNullOrWhiteSpace(name))
                throw TagFolder.Refused("The tag table cannot be created.", "The name is empty.");
            if (TagFolder.Of(_device.Software).AllTables().Any(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw TagFolder.Refused("The tag table cannot be created.", "A tag table named '" + name + "' already exists.");
            var table = new TagTableState { Name = name };
            _state.Tables.Add(table);
            _project.State.Modified = true;
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

        public IEnumerator<PlcTagTable> GetEnumerator()
        {
            _project.Live();
            return _state.Tables.Select(t => new PlcTagTable(_project, _device, t)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class PlcTagTable
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        internal readonly TagTableState State;
        internal PlcTagTable(Project project, DeviceState device, TagTableState state) { _project = project; _device = device; State = state; }

        private void Live()
        {
            _project.Live();
            if (!TagFolder.Of(_device.Software).AllTables().Contains(State))
                throw new EngineeringObjectDisposedException("The object has been deleted.", "The tag table no longer exists.", null);
        }

        public string Name { get { Live(); return State.Name; } }
        public bool IsDefault { get { Live(); return State.IsDefault; } }
        public PlcTagComposition Tags { get { Live(); return new PlcTagComposition(_project, _device, State); } }
        public PlcUserConstantComposition UserConstants { get { Live(); return new PlcUserConstantComposition(_project, _device, State); } }

        // The PLC's system constants (hardware identifiers); TIA shows them in the default tag table only.
        public PlcSystemConstantComposition SystemConstants
        {
            get
            {
                Live();
                var list = State.IsDefault ? TagFolder.SystemConstants(_device) : new List<ConstantState>();
                return new PlcSystemConstantComposition(list.Select(c => new PlcSystemConstant(_project, c)).ToList());
            }
        }

        public void Delete()
        {
            Live();
            Faults.Check("PlcTagTable.Delete");
            if (State.IsDefault) throw TagFolder.Refused("The tag table cannot be deleted.", "The default tag table cannot be deleted.");
            TagFolder.Of(_device.Software).Folders().First(f => f.Tables.Contains(State)).Tables.Remove(State);
            _project.State.Modified = true;
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

    public sealed class PlcTagComposition : IEnumerable<PlcTag>
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly TagTableState _table;
        internal PlcTagComposition(Project project, DeviceState device, TagTableState table) { _project = project; _device = device; _table = table; }
        public int Count { get { _project.Live(); return _table.Tags.Count; } }

        public PlcTag Find(string name)
        {
            _project.Live();
            var tag = _table.Tags.FirstOrDefault(t => t.Name == name);
            return tag == null ? null : new PlcTag(_project, _table, tag);
        }

        public PlcTag Create(string name, string dataTypeName, string logicalAddress)
        {
            _project.Live();
            Faults.Check("PlcTagComposition.Create");
            TagFolder.CheckFreeName(_device, name, "The tag cannot be created.");
            var tag = new TagState { Name = name, DataTypeName = dataTypeName ?? "", LogicalAddress = logicalAddress ?? "" };
            _table.Tags.Add(tag);
            _project.State.Modified = true;
            return new PlcTag(_project, _table, tag);
        }

        public IEnumerator<PlcTag> GetEnumerator()
        {
            _project.Live();
            return _table.Tags.Select(t => new PlcTag(_project, _table, t)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class PlcTag
    {
        private readonly Project _project;
        private readonly TagTableState _table;
        private readonly TagState _state;
        internal PlcTag(Project project, TagTableState table, TagState state) { _project = project; _table = table; _state = state; }

        private TagState Live()
        {
            _project.Live();
            if (!_table.Tags.Contains(_state))
                throw new EngineeringObjectDisposedException("The object has been deleted.", "The tag no longer exists.", null);
            return _state;
        }

        private void Change(string member, Action<TagState> change)
        {
            var state = Live();
            Faults.Check(member);
            change(state);
            _project.State.Modified = true;
        }

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

    public sealed class PlcSystemConstantComposition : IEnumerable<PlcSystemConstant>
    {
        private readonly List<PlcSystemConstant> _items;
        internal PlcSystemConstantComposition(List<PlcSystemConstant> items) { _items = items; }
        public int Count { get { return _items.Count; } }
        public PlcSystemConstant Find(string name) { return _items.FirstOrDefault(c => c.State.Name == name); }
        public IEnumerator<PlcSystemConstant> GetEnumerator() { return _items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    public sealed class PlcUserConstant : PlcConstant
    {
        private readonly DeviceState _device;
        private readonly TagTableState _table;
        internal PlcUserConstant(Project project, DeviceState device, TagTableState table, ConstantState state) : base(project, state) { _device = device; _table = table; }

        internal override ConstantState Live()
        {
            OwnerProject.Live();
            if (!_table.Constants.Contains(State))
                throw new EngineeringObjectDisposedException("The object has been deleted.", "The user constant no longer exists.", null);
            return State;
        }

        private void Change(string member, Action<ConstantState> change)
        {
            var state = Live();
            Faults.Check(member);
            change(state);
            OwnerProject.State.Modified = true;
        }

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

    public sealed class PlcUserConstantComposition : IEnumerable<PlcUserConstant>
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        private readonly TagTableState _table;
        internal PlcUserConstantComposition(Project project, DeviceState device, TagTableState table) { _project = project; _device = device; _table = table; }
        public int Count { get { _project.Live(); return _table.Constants.Count; } }

        public PlcUserConstant Find(string name)
        {
            _project.Live();
            var c = _table.Constants.FirstOrDefault(x => x.Name == name);
            return c == null ? null : new PlcUserConstant(_project, _device, _table, c);
        }

        public PlcUserConstant Create(string name, string dataTypeName, string value)
        {
            _project.Live();
            Faults.Check("PlcUserConstantComposition.Create");
            TagFolder.CheckFreeName(_device, name, "The user constant cannot be created.");
            var constant = new ConstantState { Name = name, DataTypeName = dataTypeName ?? "", Value = value ?? "" };
            _table.Constants.Add(constant);
            _project.State.Modified = true;
            return new PlcUserConstant(_project, _device, _table, constant);
        }

        public IEnumerator<PlcUserConstant> GetEnumerator()
        {
            _project.Live();
            return _table.Constants.Select(c => new PlcUserConstant(_project, _device, _table, c)).ToList().GetEnumerator();
        }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }
}

namespace StandIn.Control
{
    internal sealed partial class SoftwareState
    {
        /// <summary>The "PLC tags" system group; null until first used (then it holds the default tag table).</summary>
        internal TagFolder TagRoot;
    }

    /// <summary>Something with a one-language comment (tags, user constants).</summary>
    internal interface ICommented { string Comment { get; set; } }

    internal sealed class TagState : ICommented
    {
        internal string Name, DataTypeName, LogicalAddress;
        internal bool Accessible = true, Visible = true, Writable = true;
        public string Comment { get; set; }
        internal TagState() { Comment = ""; }
    }

    internal sealed class ConstantState : ICommented
    {
        internal string Name, DataTypeName, Value;
        public string Comment { get; set; }
        internal ConstantState() { Comment = ""; }
    }

    internal sealed class TagTableState
    {
        internal string Name;
        internal bool IsDefault;
        internal readonly List<TagState> Tags = new List<TagState>();
        internal readonly List<ConstantState> Constants = new List<ConstantState>();
    }

    /// <summary>A tag table group ("PLC tags" itself or a user group) and TIA's rules about names in it.</summary>
    internal sealed class TagFolder
    {
        internal string Name;
        internal readonly List<TagFolder> Groups = new List<TagFolder>();
        internal readonly List<TagTableState> Tables = new List<TagTableState>();

        internal const string DefaultTable = "Default tag table";

        /// <summary>The tag tree of a PLC; TIA gives every PLC its "Default tag table".</summary>
        internal static TagFolder Of(SoftwareState software)
        {
            if (software.TagRoot == null)
            {
                software.TagRoot = new TagFolder { Name = "PLC tags" };
                software.TagRoot.Tables.Add(new TagTableState { Name = DefaultTable, IsDefault = true });
            }
            return software.TagRoot;
        }

        internal IEnumerable<TagFolder> Folders() { return new[] { this }.Concat(Groups.SelectMany(g => g.Folders())); }
        internal IEnumerable<TagTableState> AllTables() { return Folders().SelectMany(f => f.Tables); }

        internal static Siemens.Engineering.EngineeringTargetInvocationException Refused(string text, string detail)
        {
            return new Siemens.Engineering.EngineeringTargetInvocationException(text, detail, null);
        }

        /// <summary>Tags, user constants and system constants share one namespace per PLC (case-insensitive).</summary>
        internal static void CheckFreeName(DeviceState device, string name, string text)
        {
            if (string.IsNullOrWhiteSpace(name)) throw Refused(text, "The name is empty.");
            var root = Of(device.Software);
            var taken = root.AllTables().SelectMany(t => t.Tags.Select(x => x.Name).Concat(t.Constants.Select(c => c.Name)))
                .Concat(SystemConstants(device).Select(c => c.Name));
            if (taken.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
                throw Refused(text, "The name '" + name + "' is already used in this PLC.");
        }

        /// <summary>The stand-in's system constants: the CPU's fixed hardware objects with TIA's names and identifiers
        /// (a sample; real TIA lists one per hardware object and OB).</summary>
        internal static List<ConstantState> SystemConstants(DeviceState device)
        {
            return new List<ConstantState>
            {
                new ConstantState { Name = "Local~Device", DataTypeName = "Hw_Device", Value = "32" },
                new ConstantState { Name = "Local~Configuration", DataTypeName = "Hw_SubModule", Value = "33" },
                new ConstantState { Name = "Local~Common", DataTypeName = "Hw_SubModule", Value = "50" },
                new ConstantState { Name = "Local~Exec", DataTypeName = "Hw_SubModule", Value = "52" },
            };
        }
    }

    /// <summary>The SW.Tags.PlcTagTable document of a table, in the layout of TIA's exports (attributes in
    /// alphabetical order; from V19 on the HMI flags are written only when false).</summary>
    internal static class TagTableXml
    {
        internal static string Write(TagTableState table, int version)
        {
            var id = 0;
            var xml = new StringBuilder();
            xml.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Document>\r\n");
            xml.Append("  <Engineering version=\"V" + version + "\" />\r\n");
            xml.Append("  <SW.Tags.PlcTagTable ID=\"" + (id++).ToString("X") + "\">\r\n");
            xml.Append("    <AttributeList>\r\n      <Name>" + Esc(table.Name) + "</Name>\r\n    </AttributeList>\r\n");
            xml.Append("    <ObjectList>\r\n");
            foreach (var tag in table.Tags)
            {
                xml.Append("      <SW.Tags.PlcTag ID=\"" + (id++).ToString("X") + "\" CompositionName=\"Tags\">\r\n        <AttributeList>\r\n");
                Attr(xml, "DataTypeName", tag.DataTypeName);
                foreach (var flag in new[] { Tuple.Create("ExternalAccessible", tag.Accessible), Tuple.Create("ExternalVisible", tag.Visible), Tuple.Create("ExternalWritable", tag.Writable) })
                    if (version < 19 || !flag.Item2) Attr(xml, flag.Item1, flag.Item2 ? "true" : "false");
                Attr(xml, "LogicalAddress", tag.LogicalAddress);
                Attr(xml, "Name", tag.Name);
                xml.Append("        </AttributeList>\r\n");
                Comment(xml, tag.Comment, ref id);
                xml.Append("      </SW.Tags.PlcTag>\r\n");
            }
            foreach (var constant in table.Constants)
            {
                xml.Append("      <SW.Tags.PlcUserConstant ID=\"" + (id++).ToString("X") + "\" CompositionName=\"UserConstants\">\r\n        <AttributeList>\r\n");
                Attr(xml, "DataTypeName", constant.DataTypeName);
                Attr(xml, "Name", constant.Name);
                Attr(xml, "Value", constant.Value);
                xml.Append("        </AttributeList>\r\n");
                Comment(xml, constant.Comment, ref id);
                xml.Append("      </SW.Tags.PlcUserConstant>\r\n");
            }
            xml.Append("    </ObjectList>\r\n  </SW.Tags.PlcTagTable>\r\n</Document>");
            return xml.ToString();
        }

        /// <summary>The table of a SW.Tags.PlcTagTable document (null when the bytes are not one): tags with their
        /// HMI flags (absent means true, as V19+ exports omit them) and en-US comments, and user constants.</summary>
        internal static TagTableState Read(byte[] data)
        {
            try
            {
                var doc = new System.Xml.XmlDocument { XmlResolver = null };
                using (var stream = new MemoryStream(data)) doc.Load(stream);
                var root = doc.DocumentElement;
                var element = root == null || root.Name != "Document" ? null : root["SW.Tags.PlcTagTable"];
                var name = Field(element, "Name");
                if (string.IsNullOrEmpty(name)) return null;
                var table = new TagTableState { Name = name };
                var objects = element["ObjectList"];
                if (objects == null) return table;
                foreach (var item in objects.ChildNodes.OfType<System.Xml.XmlElement>())
                {
                    if (item.Name == "SW.Tags.PlcTag")
                        table.Tags.Add(new TagState
                        {
                            Name = Field(item, "Name"), DataTypeName = Field(item, "DataTypeName") ?? "", LogicalAddress = Field(item, "LogicalAddress") ?? "",
                            Accessible = Field(item, "ExternalAccessible") != "false", Visible = Field(item, "ExternalVisible") != "false",
                            Writable = Field(item, "ExternalWritable") != "false", Comment = CommentOf(item),
                        });
                    else if (item.Name == "SW.Tags.PlcUserConstant")
                        table.Constants.Add(new ConstantState
                        {
                            Name = Field(item, "Name"), DataTypeName = Field(item, "DataTypeName") ?? "", Value = Field(item, "Value") ?? "", Comment = CommentOf(item),
                        });
                }
                return table;
            }
            catch (System.Xml.XmlException) { return null; }
        }

        private static string Field(System.Xml.XmlElement element, string name)
        {
            var attrs = element == null ? null : element["AttributeList"];
            var field = attrs == null ? null : attrs[name];
            return field == null ? null : field.InnerText;
        }

        private static string CommentOf(System.Xml.XmlElement item)
        {
            var texts = item.SelectNodes("ObjectList/MultilingualText[@CompositionName='Comment']/ObjectList/MultilingualTextItem/AttributeList")
                .OfType<System.Xml.XmlElement>().ToList();
            var english = texts.FirstOrDefault(a => a["Culture"] != null && a["Culture"].InnerText == "en-US") ?? texts.FirstOrDefault();
            return english == null || english["Text"] == null ? "" : english["Text"].InnerText;
        }

        private static string Esc(string text) { return SecurityElement.Escape(text ?? ""); }

        private static void Attr(StringBuilder xml, string name, string value)
        {
            xml.Append("          <" + name + ">" + Esc(value) + "</" + name + ">\r\n");
        }

        private static void Comment(StringBuilder xml, string text, ref int id)
        {
            xml.Append("        <ObjectList>\r\n          <MultilingualText ID=\"" + (id++).ToString("X") + "\" CompositionName=\"Comment\">\r\n");
            xml.Append("            <ObjectList>\r\n              <MultilingualTextItem ID=\"" + (id++).ToString("X") + "\" CompositionName=\"Items\">\r\n");
            xml.Append("                <AttributeList>\r\n                  <Culture>en-US</Culture>\r\n");
            xml.Append(string.IsNullOrEmpty(text) ? "                  <Text />\r\n" : "                  <Text>" + Esc(text) + "</Text>\r\n");
            xml.Append("                </AttributeList>\r\n              </MultilingualTextItem>\r\n            </ObjectList>\r\n");
            xml.Append("          </MultilingualText>\r\n        </ObjectList>\r\n");
        }
    }

    /// <summary>Keeps every PLC's tag tree in the project file: "tags.group" (folder path), "tags.table" (folder,
    /// name, default), "tags.tag" and "tags.const" (table and fields); free text as <see cref="Record.Text"/>.</summary>
    internal sealed class TagRecords : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices.Where(d => d.Software != null && d.Software.TagRoot != null))
                foreach (var record in Folder(device.Name, device.Software.TagRoot, ""))
                    yield return record;
        }

        private static IEnumerable<string[]> Folder(string device, TagFolder folder, string path)
        {
            if (path.Length > 0) yield return new[] { "tags.group", device, Record.Text(path) };
            foreach (var table in folder.Tables)
            {
                yield return new[] { "tags.table", device, Record.Text(path), Record.Text(table.Name), table.IsDefault ? "1" : "0" };
                foreach (var t in table.Tags)
                    yield return new[]
                    {
                        "tags.tag", device, Record.Text(table.Name), Record.Text(t.Name), Record.Text(t.DataTypeName), Record.Text(t.LogicalAddress),
                        Record.Text(t.Comment), (t.Accessible ? "1" : "0") + (t.Visible ? "1" : "0") + (t.Writable ? "1" : "0"),
                    };
                foreach (var c in table.Constants)
                    yield return new[] { "tags.const", device, Record.Text(table.Name), Record.Text(c.Name), Record.Text(c.DataTypeName), Record.Text(c.Value), Record.Text(c.Comment) };
            }
            foreach (var g in folder.Groups)
                foreach (var record in Folder(device, g, path.Length == 0 ? g.Name : path + "/" + g.Name)) yield return record;
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields.Length < 3 || !fields[0].StartsWith("tags.", StringComparison.Ordinal)) return false;
            var software = project.Devices.First(d => d.Name == fields[1]).Software;
            if (software.TagRoot == null) software.TagRoot = new TagFolder { Name = "PLC tags" };  // the records hold the default table
            var root = software.TagRoot;
            switch (fields[0])
            {
                case "tags.group": Path(root, Record.Untext(fields[2])); return true;
                case "tags.table":
                    Path(root, Record.Untext(fields[2])).Tables.Add(new TagTableState { Name = Record.Untext(fields[3]), IsDefault = fields[4] == "1" });
                    return true;
                case "tags.tag":
                    Table(root, fields[2]).Tags.Add(new TagState
                    {
                        Name = Record.Untext(fields[3]), DataTypeName = Record.Untext(fields[4]), LogicalAddress = Record.Untext(fields[5]),
                        Comment = Record.Untext(fields[6]), Accessible = fields[7][0] == '1', Visible = fields[7][1] == '1', Writable = fields[7][2] == '1',
                    });
                    return true;
                case "tags.const":
                    Table(root, fields[2]).Constants.Add(new ConstantState
                    {
                        Name = Record.Untext(fields[3]), DataTypeName = Record.Untext(fields[4]), Value = Record.Untext(fields[5]), Comment = Record.Untext(fields[6]),
                    });
                    return true;
                default: return false;
            }
        }

        private static TagTableState Table(TagFolder root, string field)
        {
            var name = Record.Untext(field);
            return root.AllTables().First(t => t.Name == name);
        }

        private static TagFolder Path(TagFolder root, string path)
        {
            var folder = root;
            foreach (var part in path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var next = folder.Groups.FirstOrDefault(g => g.Name == part);
                if (next == null) { next = new TagFolder { Name = part }; folder.Groups.Add(next); }
                folder = next;
            }
            return folder;
        }
    }
}
