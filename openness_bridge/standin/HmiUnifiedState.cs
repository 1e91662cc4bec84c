// The stand-in's WinCC Unified state (StandIn.Control, not Siemens API): a panel's screens, items, events, tag tables,
// tags, connections and lists as HmiUnified.cs's classes keep them, the handles and name rules those classes share,
// and the project-file records (UnifiedPart).
using System;
using System.Collections.Generic;
using System.Linq;

namespace StandIn.Control
{
    /// <summary>One object of a composition kept by name only (a text or graphic list).</summary>
    internal sealed class UNamed
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly List<string> _names;
        internal readonly string Key;
        internal UNamed(Siemens.Engineering.Project project, List<string> names, string name) { _project = project; _names = names; Key = name; }
        internal string Name { get { _project.Live(); return Key; } }
        internal void Delete() { _project.Changed(() => _names.Remove(Key)); }
    }

    /// <summary>A composition of objects kept by name: Create refuses a name it has (ignoring case), as TIA does.</summary>
    internal sealed class UNames
    {
        internal readonly Siemens.Engineering.Project Project;
        private readonly List<string> _names;
        private readonly string _kind;
        internal UNames(Siemens.Engineering.Project project, List<string> names, string kind) { Project = project; _names = names; _kind = kind; }
        internal UNamed Create(string name)
        {
            Project.Live();
            UnifiedState.Unique(_names, name, _kind);
            _names.Add(name);
            Project.State.Modified = true;
            return new UNamed(Project, _names, name);
        }
        internal IEnumerable<UNamed> All() { return _names.ToList().Select(n => new UNamed(Project, _names, n)); }
    }

    /// <summary>Making a Unified text or graphic list as an engineer does in TIA Portal's editor (tests only): Openness
    /// shows no Create for them.</summary>
    public static class UnifiedLists
    {
        public static void Add(Siemens.Engineering.HmiUnified.HmiSoftware software, bool graphic, string name)
        {
            var state = software.UState;
            new UNames(software.OwnerProject, graphic ? state.GraphicLists : state.TextLists, graphic ? "graphic list" : "text list").Create(name);
        }
    }

    /// <summary>An object of a Unified panel kept as a record in the panel's state (a screen, screen item, tag table,
    /// tag, connection or script module): Name and Delete, which Openness declares on each class. Delete removes the
    /// record (and what hangs on it) through <c>remove</c>.</summary>
    public abstract class UnifiedObject : ProjectObject
    {
        private readonly Action _remove;
        // Live() is the project's check only: the Unified handles keep their record and check no more.
        internal UnifiedObject(Siemens.Engineering.Project project, Func<string> name, Action remove) : base(project, () => true, "", "", name) { _remove = remove; }
        public void Delete() { OwnerProject.Changed(_remove); }
    }

    /// <summary>Name and Delete of an object kept by name only, which Openness declares on each class (HmiTextList,
    /// HmiGraphicList).</summary>
    public abstract class UnifiedNamedObject
    {
        internal readonly UNamed Named;
        internal UnifiedNamedObject(UNamed named) { Named = named; }
        public string Name { get { return Named.Name; } }
        public void Delete() { Named.Delete(); }
    }

    /// <summary>A composition of objects kept by name only: Find (ignoring case), which Openness declares on each
    /// composition (HmiTextListComposition, HmiGraphicListComposition). No public source shows a Create there (the V21
    /// catalogue lists none), so lists are made as in TIA Portal's editor: StandIn.Control.UnifiedLists.Add.</summary>
    public abstract class UnifiedNamesComposition<T> : UnifiedComposition<T> where T : UnifiedNamedObject
    {
        private readonly UNames _names;
        private readonly Func<UNamed, T> _wrap;
        internal UnifiedNamesComposition(UNames names, Func<UNamed, T> wrap) : base(names.Project, () => names.All().Select(wrap), o => o.Named.Key) { _names = names; _wrap = wrap; }
        internal T Create(string name) { return _wrap(_names.Create(name)); }
    }

    internal sealed partial class DeviceState
    {
        internal UnifiedState Unified;
    }

    internal sealed class UEvent { internal int Type; internal string Code = ""; internal string Global = ""; }
    internal sealed class UItem { internal string Name; internal string Type; internal int Left; internal int Top; internal uint Width; internal uint Height; internal string Tag; internal readonly List<UEvent> Events = new List<UEvent>(); }
    internal sealed class UScreen { internal string Name; internal string Group = ""; internal uint Width; internal uint Height; internal readonly List<UItem> Items = new List<UItem>(); internal readonly List<UEvent> Events = new List<UEvent>(); }
    internal sealed class UTable { internal string Name; internal string Group = ""; }
    internal sealed class UTag { internal string Name; internal string Table; internal string DataType = ""; internal string Connection = ""; internal string PlcTag = ""; }
    internal sealed class UConnection { internal string Name; internal string Partner = ""; internal string Driver = ""; }

    /// <summary>An event handler: the script it carries is the handler's state (IHmiScript).</summary>
    internal sealed class UEventHandle : Siemens.Engineering.HmiUnified.UI.Dynamization.Script.IHmiScript
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly List<UEvent> _owner;
        internal readonly UEvent Event;
        internal UEventHandle(Siemens.Engineering.Project project, List<UEvent> owner, UEvent e) { _project = project; _owner = owner; Event = e; }
        internal void Live() { _project.Live(); }
        public string ScriptCode { get { Live(); return Event.Code; } set { _project.Changed(() => Event.Code = value ?? ""); } }
        public string GlobalDefinitionAreaScriptCode { get { Live(); return Event.Global; } set { _project.Changed(() => Event.Global = value ?? ""); } }
        internal void Delete() { _project.Changed(() => _owner.Remove(Event)); }
    }

    /// <summary>An event handler of a screen or screen item, typed by its owner's event enum: EventType, Script and
    /// Delete, which Openness declares on each handler class.</summary>
    public abstract class ScriptedEventHandler<TEvent>
    {
        internal readonly UEventHandle Handle;
        internal ScriptedEventHandler(UEventHandle handle) { Handle = handle; }
        public TEvent EventType { get { Handle.Live(); return (TEvent)Enum.ToObject(typeof(TEvent), Handle.Event.Type); } }
        public Siemens.Engineering.HmiUnified.UI.Dynamization.Script.IHmiScript Script { get { Handle.Live(); return Handle; } }
        public void Delete() { Handle.Delete(); }
    }

    /// <summary>The event handlers of a screen or screen item: Create and Find by event type, which Openness declares on
    /// each handler composition.</summary>
    public abstract class EventHandlerComposition<THandler, TEvent> : Composition<THandler> where THandler : class
    {
        private readonly UEvents _events;
        private readonly Func<UEventHandle, THandler> _wrap;
        internal EventHandlerComposition(UEvents events, Func<UEventHandle, THandler> wrap) { _events = events; _wrap = wrap; }
        internal override IEnumerable<THandler> Items() { return _events.All().Select(_wrap); }
        public THandler Create(TEvent eventType) { return _wrap(_events.Create(Convert.ToInt32(eventType))); }

        public THandler Find(TEvent eventType)
        {
            var handle = _events.Find(Convert.ToInt32(eventType));
            return handle == null ? null : _wrap(handle);
        }
    }

    /// <summary>A screen group or tag table group (<paramref name="groups"/>: the paths of that kind): Groups and Delete,
    /// which Openness declares on each group class. Delete removes what the group and its subgroups hold
    /// (<paramref name="removeContents"/>), then the groups.</summary>
    public abstract class UnifiedGroup<TGroups> : PathFolder
    {
        internal readonly UnifiedState UState;
        private readonly List<string> _groups;
        private readonly Func<TGroups> _subgroups;
        private readonly Action _removeContents;
        internal UnifiedGroup(Siemens.Engineering.Project project, UnifiedState state, List<string> groups, string path, Func<TGroups> subgroups, Action removeContents)
            : base(project, path) { UState = state; _groups = groups; _subgroups = subgroups; _removeContents = removeContents; }
        public TGroups Groups { get { OwnerProject.Live(); return _subgroups(); } }
        public void Delete() { OwnerProject.Changed(() => { _removeContents(); UState.DeleteGroup(_groups, Path); }); }
    }

    /// <summary>The groups below one screen group or tag table group (<paramref name="groups"/>: the paths of that
    /// kind): Create with the Unified name rule (UnifiedState.NewGroupPath), which Openness declares on each composition.</summary>
    public abstract class UnifiedGroupComposition<TGroup> : UnifiedComposition<TGroup> where TGroup : PathFolder
    {
        private readonly UnifiedState _state;
        private readonly List<string> _groups;
        private readonly string _parent;
        private readonly Func<string, TGroup> _wrap;
        internal UnifiedGroupComposition(Siemens.Engineering.Project project, UnifiedState state, List<string> groups, string parent, Func<string, TGroup> wrap)
            : base(project, () => GroupPath.Children(groups, parent).Select(wrap), g => g.Path.Split('/').Last()) { _state = state; _groups = groups; _parent = parent; _wrap = wrap; }
        public TGroup Create(string name)
        {
            OwnerProject.Live();
            return _wrap(OwnerProject.Added(_groups, _state.NewGroupPath(_groups, _parent, name)));
        }
    }

    /// <summary>The event handlers of one screen or item (each event type at most once, as TIA's Create refuses a second).</summary>
    internal sealed class UEvents
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly List<UEvent> _events;
        internal UEvents(Siemens.Engineering.Project project, List<UEvent> events) { _project = project; _events = events; }
        internal UEventHandle Find(int type) { _project.Live(); var e = _events.FirstOrDefault(x => x.Type == type); return e == null ? null : new UEventHandle(_project, _events, e); }
        internal IEnumerable<UEventHandle> All() { _project.Live(); return _events.ToList().Select(e => new UEventHandle(_project, _events, e)); }
        internal UEventHandle Create(int type)
        {
            _project.Live();
            if (_events.Any(x => x.Type == type))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The event handler could not be created.", "The event already has a handler.", null);
            var e = _project.Added(_events, new UEvent { Type = type });
            return new UEventHandle(_project, _events, e);
        }
    }

    internal sealed class UnifiedState
    {
        // The stand-in's one Unified article is the MTP700 (800x480), so a new screen has that size.
        internal const uint PanelWidth = 800;
        internal const uint PanelHeight = 480;
        internal const string DefaultTagTable = "Default tag table";

        internal readonly List<UScreen> Screens = new List<UScreen>();
        internal readonly List<string> ScreenGroups = new List<string>();
        internal readonly List<UTable> Tables = new List<UTable>();
        internal readonly List<string> TableGroups = new List<string>();
        internal readonly List<UTag> Tags = new List<UTag>();
        internal readonly List<UConnection> Connections = new List<UConnection>();
        internal readonly List<string> ScriptModules = new List<string>();
        internal readonly List<string> TextLists = new List<string>();
        internal readonly List<string> GraphicLists = new List<string>();

        internal static UnifiedState Of(DeviceState device)
        {
            if (device.Unified == null) device.Unified = Empty();
            return device.Unified;
        }

        internal static UnifiedState Empty()
        {
            var state = new UnifiedState();
            state.Tables.Add(new UTable { Name = DefaultTagTable });
            return state;
        }

        internal static void Unique(IEnumerable<string> names, string name, string kind)
        {
            if (string.IsNullOrEmpty(name) || names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The " + kind + " could not be created.", "The name '" + name + "' is not valid or already exists.", null);
        }

        internal static bool Within(string group, string path) { return group == path || group.StartsWith(path + "/", StringComparison.Ordinal); }

        /// <summary>The path of a new group <paramref name="name"/> below <paramref name="parent"/>, checked with the
        /// Unified name rule; the caller adds it (Project.Added, which marks the
        /// project modified as every Create does).</summary>
        internal string NewGroupPath(List<string> groups, string parent, string name)
        {
            Unique(GroupPath.Children(groups, parent).Select(p => p.Split('/').Last()), name, "group");
            return parent == "" ? name : parent + "/" + name;
        }


        internal void DeleteGroup(List<string> groups, string path) { groups.RemoveAll(p => Within(p, path)); }
    }

    /// <summary>Records: hmiu.* with the device name first; free text through <see cref="Record.Text"/>.</summary>
    internal sealed class UnifiedPart : IProjectPart
    {
        private static string T(string v) { return Record.Text(v); }
        private static string U(string v) { return Record.Untext(v); }

        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices.Where(d => d.Unified != null))
            {
                var s = device.Unified;
                var d = T(device.Name);
                yield return new[] { "hmiu.device", d };
                foreach (var g in s.ScreenGroups) yield return new[] { "hmiu.screengroup", d, T(g) };
                foreach (var g in s.TableGroups) yield return new[] { "hmiu.tablegroup", d, T(g) };
                foreach (var t in s.Tables.Where(t => t.Name != UnifiedState.DefaultTagTable)) yield return new[] { "hmiu.table", d, T(t.Name), T(t.Group) };
                foreach (var t in s.Tags) yield return new[] { "hmiu.tag", d, T(t.Name), T(t.Table), T(t.DataType), T(t.Connection), T(t.PlcTag) };
                foreach (var c in s.Connections) yield return new[] { "hmiu.connection", d, T(c.Name), T(c.Partner), T(c.Driver) };
                foreach (var m in s.ScriptModules) yield return new[] { "hmiu.script", d, T(m) };
                foreach (var l in s.TextLists) yield return new[] { "hmiu.textlist", d, T(l) };
                foreach (var l in s.GraphicLists) yield return new[] { "hmiu.graphiclist", d, T(l) };
                for (var i = 0; i < s.Screens.Count; i++)
                {
                    var sc = s.Screens[i];
                    yield return new[] { "hmiu.screen", d, T(sc.Name), T(sc.Group), sc.Width.ToString(), sc.Height.ToString() };
                    foreach (var e in sc.Events) yield return new[] { "hmiu.event", d, i.ToString(), "", e.Type.ToString(), T(e.Code), T(e.Global) };
                    foreach (var it in sc.Items)
                    {
                        yield return new[] { "hmiu.item", d, i.ToString(), T(it.Name), it.Type, it.Left.ToString(), it.Top.ToString(), it.Width.ToString(), it.Height.ToString(), it.Tag == null ? "-" : T(it.Tag) };
                        foreach (var e in it.Events) yield return new[] { "hmiu.event", d, i.ToString(), T(it.Name), e.Type.ToString(), T(e.Code), T(e.Global) };
                    }
                }
            }
        }

        public bool Load(ProjectState project, string[] f)
        {
            if (!f[0].StartsWith("hmiu.", StringComparison.Ordinal)) return false;
            var device = project.Devices.First(x => x.Name == U(f[1]));
            if (f[0] == "hmiu.device") { device.Unified = UnifiedState.Empty(); return true; }
            var s = device.Unified;
            switch (f[0])
            {
                case "hmiu.screengroup": s.ScreenGroups.Add(U(f[2])); break;
                case "hmiu.tablegroup": s.TableGroups.Add(U(f[2])); break;
                case "hmiu.table": s.Tables.Add(new UTable { Name = U(f[2]), Group = U(f[3]) }); break;
                case "hmiu.tag": s.Tags.Add(new UTag { Name = U(f[2]), Table = U(f[3]), DataType = U(f[4]), Connection = U(f[5]), PlcTag = U(f[6]) }); break;
                case "hmiu.connection": s.Connections.Add(new UConnection { Name = U(f[2]), Partner = U(f[3]), Driver = U(f[4]) }); break;
                case "hmiu.script": s.ScriptModules.Add(U(f[2])); break;
                case "hmiu.textlist": s.TextLists.Add(U(f[2])); break;
                case "hmiu.graphiclist": s.GraphicLists.Add(U(f[2])); break;
                case "hmiu.screen": s.Screens.Add(new UScreen { Name = U(f[2]), Group = U(f[3]), Width = uint.Parse(f[4]), Height = uint.Parse(f[5]) }); break;
                case "hmiu.item":
                    s.Screens[int.Parse(f[2])].Items.Add(new UItem { Name = U(f[3]), Type = f[4], Left = int.Parse(f[5]), Top = int.Parse(f[6]), Width = uint.Parse(f[7]), Height = uint.Parse(f[8]), Tag = f[9] == "-" ? null : U(f[9]) });
                    break;
                case "hmiu.event":
                    var screen = s.Screens[int.Parse(f[2])];
                    var events = f[3] == "" ? screen.Events : screen.Items.First(it => it.Name == U(f[3])).Events;
                    events.Add(new UEvent { Type = int.Parse(f[4]), Code = U(f[5]), Global = U(f[6]) });
                    break;
                default: return false;
            }
            return true;
        }
    }
}
