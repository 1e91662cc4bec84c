// Stand-in for the classic WinCC part of Siemens.Engineering (Siemens.Engineering.Hmi): a Comfort/Basic panel's
// HmiTarget with its screens, HMI tag tables and connections, and a bare HmiUnified.HmiSoftware for Unified panels
// (see Engineering.cs for the ground rules and openness_bridge/README.md for the source of every public member).
// As in TIA, the classic object model exposes only names: a screen's number and size, a tag's data type, connection
// and PLC tag, a connection's driver exist only in the SimaticML that Export writes. Objects are kept as their
// documents; Import refuses what TIA refuses (a name that exists without Override, a screen number another screen
// has, a screen not of the panel's size, a tag whose connection the device lacks).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using Siemens.Engineering.Hmi.Communication;
using Siemens.Engineering.Hmi.Screen;
using Siemens.Engineering.Hmi.Tag;
using StandIn.Control;

namespace Siemens.Engineering.Hmi
{
    // Offered as SoftwareContainer.Software by a classic panel's head item.
    public sealed class HmiTarget : Siemens.Engineering.HW.Software, IEngineeringServiceProvider
    {
        internal HmiTarget(Project project, DeviceState device) : base(project, device) { }

        // An HMI device compiles through GetService<ICompilable>() (Openness V21, "Compiling an HMI device"); the
        // stand-in does not compile: a Success with no findings, or the result armed with CompilerScript.
        public T GetService<T>() where T : class, IEngineeringService { return Siemens.Engineering.Compiler.StandInCompilable.Offer<T>(OwnerProject, Device.Name); }

        internal HmiState State { get { OwnerProject.Live(); return HmiState.Of(Device); } }
        public ScreenSystemFolder ScreenFolder { get { return new ScreenSystemFolder(OwnerProject, State); } }
        public TagSystemFolder TagFolder { get { return new TagSystemFolder(OwnerProject, State); } }
        public ConnectionComposition Connections { get { return new ConnectionComposition(OwnerProject, State); } }
        public Siemens.Engineering.Hmi.RuntimeScripting.VBScriptSystemFolder VBScriptFolder { get { return new Siemens.Engineering.Hmi.RuntimeScripting.VBScriptSystemFolder(OwnerProject, State); } }
        public Siemens.Engineering.Hmi.TextGraphicList.TextListComposition TextLists { get { return new Siemens.Engineering.Hmi.TextGraphicList.TextListComposition(OwnerProject, State); } }
        public Siemens.Engineering.Hmi.TextGraphicList.GraphicListComposition GraphicLists { get { return new Siemens.Engineering.Hmi.TextGraphicList.GraphicListComposition(OwnerProject, State); } }
    }
}

namespace Siemens.Engineering
{
    public sealed partial class Project
    {
        // Project graphics ("Languages & resources"); the stand-in's projects hold none (no Import declared).
        public Siemens.Engineering.Hmi.Globalization.MultiLingualGraphicComposition Graphics { get { Live(); return new Siemens.Engineering.Hmi.Globalization.MultiLingualGraphicComposition(); } }
    }
}

namespace Siemens.Engineering.Hmi.Globalization
{
    public sealed class MultiLingualGraphic
    {
        private MultiLingualGraphic() { }
        public string Name { get { return ""; } }
        public void Delete() { }
    }

    public sealed class MultiLingualGraphicComposition : EmptyComposition<MultiLingualGraphic> { internal MultiLingualGraphicComposition() { } }
}

namespace Siemens.Engineering.Hmi.RuntimeScripting
{
    public sealed class VBScriptSystemFolder
    {
        private readonly Project _project;
        private readonly HmiState _state;
        internal VBScriptSystemFolder(Project project, HmiState state) { _project = project; _state = state; }
        public VBScriptComposition VBScripts { get { _project.Live(); return new VBScriptComposition(_project, _state); } }
        // User folders are never created in the stand-in: the composition is always empty.
        public VBScriptUserFolderComposition Folders { get { _project.Live(); return new VBScriptUserFolderComposition(); } }
    }

    public sealed class VBScriptUserFolder
    {
        private VBScriptUserFolder() { }
        public string Name { get { return ""; } }
        public VBScriptComposition VBScripts { get { return null; } }
        public VBScriptUserFolderComposition Folders { get { return null; } }
    }

    public sealed class VBScriptUserFolderComposition : EmptyComposition<VBScriptUserFolder> { internal VBScriptUserFolderComposition() { } }

    public sealed class VBScriptComposition : HmiDocumentComposition<VBScript>
    {
        internal VBScriptComposition(Project project, HmiState state) : base(project, state, state.Scripts, "Hmi.RuntimeScripting.VBScript", "", o => new VBScript(project, state, o)) { }
    }

    public sealed class VBScript : HmiDocument { internal VBScript(Project project, HmiState state, HmiObjectState obj) : base(project, state.Scripts, obj) { } }
}

namespace Siemens.Engineering.Hmi.TextGraphicList
{
    public sealed class TextListComposition : HmiDocumentComposition<TextList>
    {
        internal TextListComposition(Project project, HmiState state) : base(project, state, state.TextLists, "Hmi.TextGraphicList.TextList", "", o => new TextList(project, state, o)) { }
    }

    public sealed class TextList : HmiDocument { internal TextList(Project project, HmiState state, HmiObjectState obj) : base(project, state.TextLists, obj) { } }

    public sealed class GraphicListComposition : HmiDocumentComposition<GraphicList>
    {
        internal GraphicListComposition(Project project, HmiState state) : base(project, state, state.GraphicLists, "Hmi.TextGraphicList.GraphicList", "", o => new GraphicList(project, state, o)) { }
    }

    public sealed class GraphicList : HmiDocument { internal GraphicList(Project project, HmiState state, HmiObjectState obj) : base(project, state.GraphicLists, obj) { } }
}

namespace Siemens.Engineering.HmiUnified
{
    // A Unified panel's software; its object model is in HmiUnified.cs.
    public sealed partial class HmiSoftware : Siemens.Engineering.HW.Software
    {
        internal HmiSoftware(Project project, DeviceState device) : base(project, device) { }
    }
}

namespace Siemens.Engineering.Hmi.Screen
{
    public sealed class ScreenSystemFolder : HmiScreenFolder { internal ScreenSystemFolder(Project project, HmiState state) : base(project, state, "") { } }

    public sealed class ScreenUserFolder : HmiScreenFolder
    {
        internal ScreenUserFolder(Project project, HmiState state, string path) : base(project, state, path) { }
        public string Name { get { return FolderName; } }
    }

    public sealed class ScreenUserFolderComposition : HmiFolderComposition<ScreenUserFolder>
    {
        internal ScreenUserFolderComposition(Project project, HmiState state, string parent) : base(project, state.ScreenFolders, parent, p => new ScreenUserFolder(project, state, p)) { }
    }

    public sealed class ScreenComposition : HmiDocumentComposition<Screen>
    {
        internal ScreenComposition(Project project, HmiState state, string folder) : base(project, state, state.Screens, "Hmi.Screen.Screen", folder, o => new Screen(project, state, o)) { }
    }

    public sealed class Screen : HmiDocument { internal Screen(Project project, HmiState state, HmiObjectState obj) : base(project, state.Screens, obj) { } }
}

namespace StandIn.Control
{
    /// <summary>The system folder or a user folder of a classic panel's screens: Screens, which Openness declares on
    /// each folder class.</summary>
    public abstract class HmiScreenFolder : HmiFolder<ScreenComposition, ScreenUserFolderComposition>
    {
        internal HmiScreenFolder(Siemens.Engineering.Project project, HmiState state, string path) : base(project, state, path, (p, s, f) => new ScreenComposition(p, s, f), (p, s, f) => new ScreenUserFolderComposition(p, s, f)) { }
        public ScreenComposition Screens { get { return Objects; } }
    }
}

namespace Siemens.Engineering.Hmi.Tag
{
    public sealed class TagSystemFolder : HmiTagFolder { internal TagSystemFolder(Project project, HmiState state) : base(project, state, "") { } }

    public sealed class TagUserFolder : HmiTagFolder
    {
        internal TagUserFolder(Project project, HmiState state, string path) : base(project, state, path) { }
        public string Name { get { return FolderName; } }
    }

    public sealed class TagUserFolderComposition : HmiFolderComposition<TagUserFolder>
    {
        internal TagUserFolderComposition(Project project, HmiState state, string parent) : base(project, state.TagFolders, parent, p => new TagUserFolder(project, state, p)) { }
    }

    public sealed class TagTableComposition : HmiDocumentComposition<TagTable>
    {
        internal TagTableComposition(Project project, HmiState state, string folder) : base(project, state, state.TagTables, "Hmi.Tag.TagTable", folder, o => new TagTable(project, state, o)) { }
    }

    public sealed class TagTable : HmiDocument { internal TagTable(Project project, HmiState state, HmiObjectState obj) : base(project, state.TagTables, obj) { } }
}

namespace StandIn.Control
{
    /// <summary>The system folder or a user folder of a classic panel's tag tables: TagTables, which Openness declares
    /// on each folder class.</summary>
    public abstract class HmiTagFolder : HmiFolder<TagTableComposition, TagUserFolderComposition>
    {
        internal HmiTagFolder(Siemens.Engineering.Project project, HmiState state, string path) : base(project, state, path, (p, s, f) => new TagTableComposition(p, s, f), (p, s, f) => new TagUserFolderComposition(p, s, f)) { }
        public TagTableComposition TagTables { get { return Objects; } }
    }
}

namespace Siemens.Engineering.Hmi.Communication
{
    // Connections have no user folders: they all live at the top ("").
    public sealed class ConnectionComposition : HmiDocumentComposition<Connection>
    {
        internal ConnectionComposition(Project project, HmiState state) : base(project, state, state.Connections, "Hmi.Communication.Connection", "", o => new Connection(project, state, o)) { }
    }

    public sealed class Connection : HmiDocument { internal Connection(Project project, HmiState state, HmiObjectState obj) : base(project, state.Connections, obj) { } }
}

namespace StandIn.Control
{
    internal sealed partial class DeviceState
    {
        internal HmiState Hmi;
    }

    /// <summary>A classic panel's object kept as its SimaticML document: Name and Export, which Openness declares on each
    /// object class (Screen, TagTable, Connection, VBScript, TextList, GraphicList).</summary>
    public abstract class HmiDocument
    {
        internal readonly Siemens.Engineering.Project OwnerProject;
        private readonly List<HmiObjectState> _list;
        internal readonly HmiObjectState Object;
        internal HmiDocument(Siemens.Engineering.Project project, List<HmiObjectState> list, HmiObjectState obj) { OwnerProject = project; _list = list; Object = obj; }
        public string Name { get { HmiXml.Live(OwnerProject, _list, Object); return Object.Name; } }
        public void Export(FileInfo path, Siemens.Engineering.ExportOptions exportOptions) { HmiXml.Live(OwnerProject, _list, Object); HmiXml.Export(Object, path); }
    }

    /// <summary>Find, Import and the objects of one kind of a classic panel, in one user folder ("" at the top). Import
    /// refuses what TIA refuses (HmiXml.Import; the fault point is "&lt;class&gt;.Import") and puts the object here.</summary>
    public abstract class HmiDocumentComposition<T> : Composition<T> where T : class
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly HmiState _state;
        private readonly List<HmiObjectState> _list;
        private readonly string _element;
        private readonly string _folder;
        private readonly Func<HmiObjectState, T> _wrap;
        internal HmiDocumentComposition(Siemens.Engineering.Project project, HmiState state, List<HmiObjectState> list, string element, string folder, Func<HmiObjectState, T> wrap)
        {
            _project = project;
            _state = state;
            _list = list;
            _element = element;
            _folder = folder;
            _wrap = wrap;
        }

        private List<HmiObjectState> Here() { return _list.Where(x => x.Folder == _folder).ToList(); }
        internal override IEnumerable<T> Items() { _project.Live(); return Here().Select(_wrap); }

        public T Find(string name)
        {
            _project.Live();
            var found = HmiXml.Find(Here(), name);
            return found == null ? null : _wrap(found);
        }

        public IList<T> Import(FileInfo path, Siemens.Engineering.ImportOptions importOptions)
        {
            var made = HmiXml.Import(_project, _state, _list, _element, path, importOptions, GetType().Name + ".Import");
            made.Folder = _folder;
            return new List<T> { _wrap(made) };
        }
    }

    /// <summary>A folder of a classic panel's screens or tag tables at <c>Path</c> ("" for the system folder): Folders,
    /// which Openness declares on each folder class, the composition of its objects (<c>Objects</c>), which each kind
    /// offers under its own name (Screens, TagTables), and a user folder's name (<c>FolderName</c>).</summary>
    public abstract class HmiFolder<TObjects, TFolders>
    {
        internal readonly Siemens.Engineering.Project OwnerProject;
        internal readonly string Path;
        private readonly HmiState _state;
        private readonly Func<Siemens.Engineering.Project, HmiState, string, TObjects> _objects;
        private readonly Func<Siemens.Engineering.Project, HmiState, string, TFolders> _folders;
        internal HmiFolder(Siemens.Engineering.Project project, HmiState state, string path,
            Func<Siemens.Engineering.Project, HmiState, string, TObjects> objects, Func<Siemens.Engineering.Project, HmiState, string, TFolders> folders)
        {
            OwnerProject = project;
            _state = state;
            Path = path;
            _objects = objects;
            _folders = folders;
        }

        internal TObjects Objects { get { OwnerProject.Live(); return _objects(OwnerProject, _state, Path); } }
        internal string FolderName { get { OwnerProject.Live(); return PathFolder.LastPart(Path); } }
        public TFolders Folders { get { OwnerProject.Live(); return _folders(OwnerProject, _state, Path); } }
    }

    /// <summary>The user folders below one folder of a classic panel's screens or tags: Create with TIA's name rules.</summary>
    public abstract class HmiFolderComposition<TFolder> : Composition<TFolder>
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly List<string> _folders;
        private readonly string _parent;
        private readonly Func<string, TFolder> _wrap;
        internal HmiFolderComposition(Siemens.Engineering.Project project, List<string> folders, string parent, Func<string, TFolder> wrap) { _project = project; _folders = folders; _parent = parent; _wrap = wrap; }
        internal override IEnumerable<TFolder> Items() { _project.Live(); return GroupPath.Children(_folders, _parent).Select(_wrap); }
        public TFolder Create(string name) { _project.Live(); return _wrap(HmiState.CreateFolder(_project, _folders, _parent, name)); }
    }

    internal sealed class HmiObjectState
    {
        internal string Folder = "";  // a screen's or tag table's user folder path ("a/b"), "" at the top
        internal string Name;
        internal byte[] Xml;
        internal XmlElement Root;
    }

    /// <summary>A classic panel's objects as their documents; a new panel gets 'Root screen' and 'Default tag table'.</summary>
    internal sealed class HmiState
    {
        internal readonly List<HmiObjectState> Screens = new List<HmiObjectState>();
        internal readonly List<HmiObjectState> TagTables = new List<HmiObjectState>();
        internal readonly List<HmiObjectState> Connections = new List<HmiObjectState>();
        internal readonly List<HmiObjectState> Scripts = new List<HmiObjectState>();
        internal readonly List<HmiObjectState> TextLists = new List<HmiObjectState>();
        internal readonly List<HmiObjectState> GraphicLists = new List<HmiObjectState>();
        internal readonly List<string> ScreenFolders = new List<string>();  // user folder paths, parents first
        internal readonly List<string> TagFolders = new List<string>();
        internal int Width = 800, Height = 480;

        /// <summary>Folders.Create(name): TIA refuses a name the parent already has (ignoring case).</summary>
        internal static string CreateFolder(Siemens.Engineering.Project project, List<string> folders, string parent, string name)
        {
            if (string.IsNullOrEmpty(name) || name.Contains("/") || GroupPath.Children(folders, parent).Any(p => string.Equals(p.Split('/').Last(), name, StringComparison.OrdinalIgnoreCase)))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The folder could not be created.", "The name '" + name + "' is not valid or already exists.", null);
            var path = parent == "" ? name : parent + "/" + name;
            folders.Add(path);
            project.State.Modified = true;
            return path;
        }

        internal static bool IsClassic(string typeIdentifier) { return Article(typeIdentifier).StartsWith("6AV2 12", StringComparison.Ordinal) && !IsUnified(typeIdentifier); }
        internal static bool IsUnified(string typeIdentifier) { return Article(typeIdentifier).StartsWith("6AV2 128", StringComparison.Ordinal); }
        private static string Article(string typeIdentifier) { return (typeIdentifier ?? "").Replace("OrderNumber:", ""); }

        internal static HmiState Of(DeviceState device)
        {
            if (device.Hmi != null) return device.Hmi;
            var state = Empty(device);
            state.Screens.Add(HmiXml.Parse(Encoding.UTF8.GetBytes(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Document><Engineering version=\"V19\" /><Hmi.Screen.Screen ID=\"0\"><AttributeList>"
                + "<Height>" + state.Height + "</Height><Name>Root screen</Name><Number>1</Number><Width>" + state.Width + "</Width>"
                + "</AttributeList></Hmi.Screen.Screen></Document>"), null));
            state.TagTables.Add(HmiXml.Parse(Encoding.UTF8.GetBytes(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Document><Engineering version=\"V19\" /><Hmi.Tag.TagTable ID=\"0\"><AttributeList>"
                + "<Name>Default tag table</Name></AttributeList><ObjectList /></Hmi.Tag.TagTable></Document>"), null));
            device.Hmi = state;
            return state;
        }

        internal static HmiState Empty(DeviceState device)
        {
            var article = Article(device.TypeIdentifier);
            var state = new HmiState();
            // Display resolutions of the panels the fake's catalog has (Siemens data sheets); 800x480 otherwise.
            if (article.StartsWith("6AV2 124-0MC", StringComparison.Ordinal) || article.StartsWith("6AV2 124-0QC", StringComparison.Ordinal)
                || article.StartsWith("6AV2 123-2MB", StringComparison.Ordinal)) { state.Width = 1280; state.Height = 800; }
            else if (article.StartsWith("6AV2 124-0UC", StringComparison.Ordinal)) { state.Width = 1366; state.Height = 768; }
            else if (article.StartsWith("6AV2 124-0XC", StringComparison.Ordinal)) { state.Width = 1920; state.Height = 1080; }
            return state;
        }
    }

    internal static class HmiXml
    {
        internal static void Live(Siemens.Engineering.Project project, List<HmiObjectState> list, HmiObjectState obj)
        {
            project.Live(() => list.Contains(obj), "The object has been disposed.", "It was replaced or deleted.");
        }

        internal static HmiObjectState Find(List<HmiObjectState> list, string name)
        {
            return list.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        private static Siemens.Engineering.EngineeringTargetInvocationException Refused(string detail)
        {
            return new Siemens.Engineering.EngineeringTargetInvocationException("The import failed.", detail, null);
        }

        internal static HmiObjectState Parse(byte[] data, string expect)
        {
            var doc = new XmlDocument { XmlResolver = null };
            try
            {
                var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
                using (var stream = new MemoryStream(data))
                using (var reader = XmlReader.Create(stream, settings)) doc.Load(reader);
            }
            catch (XmlException exc) { throw Refused("The file is not well-formed XML: " + exc.Message); }
            var top = doc.DocumentElement;
            var root = top == null || top.Name != "Document" ? null
                : top.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.Name != "Engineering" && e.Name != "DocumentInfo");
            if (root == null || (expect != null && root.Name != expect))
                throw Refused("The file does not hold a " + expect + ".");
            var name = Attr(root, "Name");
            if (string.IsNullOrWhiteSpace(name)) throw Refused("The object has no name.");
            return new HmiObjectState { Name = name, Xml = data, Root = root };
        }

        private static string Attr(XmlElement obj, string name)
        {
            var list = obj["AttributeList"];
            return list == null || list[name] == null ? null : list[name].InnerText;
        }

        private static IEnumerable<XmlElement> Tags(HmiObjectState table)
        {
            var list = table.Root["ObjectList"];
            return list == null ? new XmlElement[0] : list.ChildNodes.OfType<XmlElement>().Where(e => e.Name == "Hmi.Tag.Tag");
        }

        private static string Link(XmlElement obj, string role)
        {
            var links = obj["LinkList"];
            var link = links == null ? null : links[role];
            return link == null || link["Name"] == null ? null : link["Name"].InnerText;
        }

        internal static HmiObjectState Import(Siemens.Engineering.Project project, HmiState state, List<HmiObjectState> list,
            string element, FileInfo path, Siemens.Engineering.ImportOptions options, string member)
        {
            project.Live();
            Faults.Check(member);
            if (!path.Exists) throw Refused("The file '" + path.FullName + "' does not exist.");
            var made = Parse(File.ReadAllBytes(path.FullName), element);
            var clash = Find(list, made.Name);
            if (clash != null && options != Siemens.Engineering.ImportOptions.Override)
                throw Refused("An object named '" + clash.Name + "' already exists.");
            if (element == "Hmi.Screen.Screen")
            {
                var number = Attr(made.Root, "Number");
                var other = state.Screens.FirstOrDefault(s => s != clash && Attr(s.Root, "Number") == number);
                if (other != null)
                    throw Refused("The screen number '" + number + "' for screen '" + made.Name + "' is not unique for this device.");
                if (Attr(made.Root, "Width") != state.Width.ToString() || Attr(made.Root, "Height") != state.Height.ToString())
                    throw Refused("The size of the screen '" + made.Name + "' does not match the device (" + state.Width + "x" + state.Height + ").");
            }
            if (element == "Hmi.Tag.TagTable")
            {
                foreach (var tag in Tags(made))
                {
                    var connection = Link(tag, "Connection");
                    if (connection != null && Find(state.Connections, connection) == null)
                        throw Refused("Connection " + connection + " of the " + Attr(tag, "Name") + " tag was not found.");
                    var tagName = Attr(tag, "Name");
                    if (state.TagTables.Where(t => t != clash).SelectMany(Tags).Any(t => string.Equals(Attr(t, "Name"), tagName, StringComparison.OrdinalIgnoreCase)))
                        throw Refused("The tag '" + tagName + "' already exists.");
                }
            }
            var index = clash == null ? list.Count : list.IndexOf(clash);
            if (clash != null) list.Remove(clash);
            list.Insert(index, made);
            project.State.Modified = true;
            return made;
        }

        internal static void Export(HmiObjectState obj, FileInfo path)
        {
            if (path.Exists) throw new Siemens.Engineering.EngineeringTargetInvocationException("The export failed.", "The file '" + path.FullName + "' already exists.", null);
            File.WriteAllBytes(path.FullName, obj.Xml);
        }
    }

    /// <summary>A classic panel's head item offers its HmiTarget, a Unified panel's its HmiSoftware.</summary>
    internal sealed class HmiServices : IDeviceItemServices
    {
        public object Provide(Type service, Siemens.Engineering.Project project, DeviceState device, bool isCpuItem)
        {
            if (service != typeof(Siemens.Engineering.HW.Features.SoftwareContainer) || !isCpuItem) return null;
            if (HmiState.IsClassic(device.TypeIdentifier))
                return new Siemens.Engineering.HW.Features.SoftwareContainer(new Siemens.Engineering.Hmi.HmiTarget(project, device));
            if (HmiState.IsUnified(device.TypeIdentifier))
                return new Siemens.Engineering.HW.Features.SoftwareContainer(new Siemens.Engineering.HmiUnified.HmiSoftware(project, device));
            return null;
        }
    }

    /// <summary>Records: hmi.screen / hmi.tagtable / hmi.connection / hmi.script / hmi.textlist / hmi.graphiclist, device, document (in project order).</summary>
    internal sealed class HmiPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices.Where(d => d.Hmi != null))
            {
                yield return new[] { "hmi.device", device.Name };
                foreach (var f in device.Hmi.ScreenFolders) yield return new[] { "hmi.screenfolder", device.Name, Record.Text(f) };
                foreach (var f in device.Hmi.TagFolders) yield return new[] { "hmi.tagfolder", device.Name, Record.Text(f) };
                foreach (var s in device.Hmi.Screens) yield return new[] { "hmi.screen", device.Name, Convert.ToBase64String(s.Xml), Record.Text(s.Folder) };
                foreach (var t in device.Hmi.TagTables) yield return new[] { "hmi.tagtable", device.Name, Convert.ToBase64String(t.Xml), Record.Text(t.Folder) };
                foreach (var c in device.Hmi.Connections) yield return new[] { "hmi.connection", device.Name, Convert.ToBase64String(c.Xml) };
                foreach (var x in device.Hmi.Scripts) yield return new[] { "hmi.script", device.Name, Convert.ToBase64String(x.Xml) };
                foreach (var x in device.Hmi.TextLists) yield return new[] { "hmi.textlist", device.Name, Convert.ToBase64String(x.Xml) };
                foreach (var x in device.Hmi.GraphicLists) yield return new[] { "hmi.graphiclist", device.Name, Convert.ToBase64String(x.Xml) };
            }
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (!fields[0].StartsWith("hmi.", StringComparison.Ordinal)) return false;
            var device = project.Devices.First(d => d.Name == fields[1]);
            if (fields[0] == "hmi.device") { device.Hmi = HmiState.Empty(device); return true; }
            if (fields[0] == "hmi.screenfolder") { device.Hmi.ScreenFolders.Add(Record.Untext(fields[2])); return true; }
            if (fields[0] == "hmi.tagfolder") { device.Hmi.TagFolders.Add(Record.Untext(fields[2])); return true; }
            var obj = HmiXml.Parse(Convert.FromBase64String(fields[2]), null);
            if (fields.Length > 3) obj.Folder = Record.Untext(fields[3]);
            var hmi = device.Hmi;
            (fields[0] == "hmi.screen" ? hmi.Screens : fields[0] == "hmi.tagtable" ? hmi.TagTables
                : fields[0] == "hmi.script" ? hmi.Scripts : fields[0] == "hmi.textlist" ? hmi.TextLists
                : fields[0] == "hmi.graphiclist" ? hmi.GraphicLists : hmi.Connections).Add(obj);
            return true;
        }
    }
}
