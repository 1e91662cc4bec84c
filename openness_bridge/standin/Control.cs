// Test-only machinery of the stand-in: the simulated machine (TIA processes, project files) and
// fault injection. Nothing here exists in Siemens.Engineering; the bridge never touches it, only tests do.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Siemens.Engineering;

namespace StandIn.Control
{
    public static class Machine
    {
        internal static readonly List<PortalProcessState> Processes = new List<PortalProcessState>();
        private static int _nextPid = 7100;

        /// <summary>The TIA major version this build plays (its API surface and project files, .ap{Version}): chosen
        /// with -define:TIA_V17 / TIA_V18 / TIA_V19 / TIA_V21 (openness_bridge/standin/__init__.py).</summary>
#if TIA_V17
        internal const int Played = 17;
#elif TIA_V18
        internal const int Played = 18;
#elif TIA_V21
        internal const int Played = 21;
#else
        internal const int Played = 19;
#endif
        public static int Version = Played;

        /// <summary>How often a TiaPortalProcess handle was disposed (the bridge must never do it).</summary>
        public static int ProcessHandleDisposals;

        public static void Reset()
        {
            Processes.Clear();
            Version = Played;
            ProcessHandleDisposals = 0;
            Faults.Clear();
            Dialogs.Clear();
            Calls.Clear();
            CompilerScript.Clear();
            LibraryTypes.Clear();
            Program.ImportLog.Clear();
        }

        internal static PortalProcessState Launch(TiaPortalMode mode)
        {
            var state = new PortalProcessState(_nextPid++, mode);
            Processes.Add(state);
            return state;
        }

        /// <summary>Start a portal as a user would (not through Openness); returns its pid.</summary>
        public static int StartInteractive() { return Launch(TiaPortalMode.WithUserInterface).Id; }

        /// <summary>The process ends as if killed or crashed.</summary>
        public static void Kill(int pid) { Find(pid).Terminate(); }

        /// <summary>A user opens a project in the portal's UI.</summary>
        public static void OpenInUi(int pid, string file) { Find(pid).Open(ProjectState.Load(file, Version)); }

        /// <summary>A user closes the project in the portal's UI.</summary>
        public static void CloseInUi(int pid) { Find(pid).CloseProject(); }

        private static PortalProcessState Find(int pid) { return Processes.First(p => p.Id == pid && p.Alive); }
    }

    public static class Faults
    {
        private static readonly Dictionary<string, Queue<Exception>> Armed = new Dictionary<string, Queue<Exception>>();

        /// <summary>The next call of <paramref name="member"/> throws an exception of <paramref name="kind"/>
        /// (Security, TargetInvocation, ObjectDisposed, Runtime, NonRecoverable, NotSupported) with that text, detail text
        /// and, when <paramref name="innerMessage"/> is given, an inner InvalidOperationException. Remoting and
        /// ChannelDisposed throw what a call on the IPC channel of a TIA that died meanwhile throws
        /// (System.Runtime.Remoting.RemotingException, System.ObjectDisposedException), with the text only.</summary>
        public static void ArmNext(string member, string kind, string text, string detailText, string innerMessage)
        {
            Exception inner = innerMessage == null ? null : new InvalidOperationException(innerMessage);
            Exception exc;
            switch (kind)
            {
                case "Security": exc = new EngineeringSecurityException(text, detailText, inner); break;
                case "TargetInvocation": exc = new EngineeringTargetInvocationException(text, detailText, inner); break;
                case "ObjectDisposed": exc = new EngineeringObjectDisposedException(text, detailText, inner); break;
                case "Runtime": exc = new EngineeringRuntimeException(text, detailText, inner); break;
                case "NonRecoverable": exc = new NonRecoverableException(text, detailText, inner); break;
                case "NotSupported": exc = new EngineeringNotSupportedException(text, detailText, inner); break;
                case "Remoting": exc = new System.Runtime.Remoting.RemotingException(text); break;
                case "ChannelDisposed": exc = new ObjectDisposedException("IpcChannel", text); break;
                default: exc = Subclass(kind, text, detailText, inner); break;
            }
            Queue<Exception> queue;
            if (!Armed.TryGetValue(member, out queue)) Armed[member] = queue = new Queue<Exception>();
            queue.Enqueue(exc);
        }

        /// <summary>An Openness exception subclass by its simple name (e.g. MissingProductsException), as this build's
        /// version declares it.</summary>
        private static Exception Subclass(string kind, string text, string detailText, Exception inner)
        {
            var type = typeof(Siemens.Engineering.EngineeringException).Assembly.GetType("Siemens.Engineering." + kind);
            if (type == null || !typeof(Exception).IsAssignableFrom(type)) throw new ArgumentException("unknown kind " + kind);
            var made = Activator.CreateInstance(type, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic, null, new object[] { text, detailText, inner }, null);
            return (Exception)made;
        }

        public static void Clear() { Armed.Clear(); }

        internal static void Check(string member)
        {
            Dialogs.Show(member);
            Queue<Exception> queue;
            if (Armed.TryGetValue(member, out queue) && queue.Count > 0) throw queue.Dequeue();
        }
    }

    /// <summary>How often the bridge called a member whose cost a test measures ("PlcBlock.Name",
    /// "PlcBlockComposition.Find", "PlcBlock.Export"...): in TIA each such call crosses into the portal's process (an
    /// export also writes a file), so their number is what a lookup costs. Only the members that call
    /// <see cref="Count"/> are counted.</summary>
    public static class Calls
    {
        private static readonly Dictionary<string, int> Counts = new Dictionary<string, int>();

        /// <summary>The calls of <paramref name="member"/> since the last <see cref="Clear"/>.</summary>
        public static int Of(string member)
        {
            int count;
            lock (Counts) return Counts.TryGetValue(member, out count) ? count : 0;
        }

        public static void Clear() { lock (Counts) Counts.Clear(); }

        // Locked: every tag table's, device's... Name counts, and sessions run on threads of their own.
        internal static void Count(string member)
        {
            int count;
            lock (Counts)
            {
                Counts.TryGetValue(member, out count);
                Counts[member] = count + 1;
            }
        }
    }

    internal sealed class PortalProcessState
    {
        internal PortalProcessState(int id, TiaPortalMode mode) { Id = id; Mode = mode; Alive = true; }
        internal readonly int Id;
        internal readonly TiaPortalMode Mode;
        internal bool Alive;
        internal bool ExclusiveAccessHeld;
        internal ProjectState Project;
        /// <summary>Transactions on this process's project not yet disposed.</summary>
        internal int OpenTransactions;

        // "Not allowed inside a transaction: project open, save, close, archive, retrieve" and "an active transaction
        // makes GoOnline fail" (the V21 Openness manual as summarised in Czarnak/totally-integrated-claude@9147951,
        // skills/tia-csharp-common/SKILL.md and skills/tia-plc-operations/references/online-status.md; second-hand).
        // The exception type and text of TIA's refusal are inferred.
        internal void RefuseInTransaction(string method)
        {
            if (OpenTransactions > 0)
                throw new Siemens.Engineering.EngineeringTargetInvocationException("Error when calling method '" + method + "'.",
                    "This action is not allowed while a transaction is active.", null);
        }

        internal void Open(ProjectState project) { Project = project; }
        internal void CloseProject() { Project = null; }

        internal void Terminate()
        {
            Project = null;  // unsaved changes are lost with the process
            Alive = false;
        }
    }

    internal sealed partial class DeviceState
    {
        internal string Name;
        internal string ItemName;
        internal string TypeIdentifier;
        internal SoftwareState Software;  // null unless the article is a CPU (Catalog.IsCpu)

        internal static DeviceState Make(string name, string itemName, string typeIdentifier)
        {
            var d = new DeviceState { Name = name, ItemName = itemName, TypeIdentifier = typeIdentifier };
            if (Catalog.IsCpu(typeIdentifier)) d.Software = new SoftwareState();
            return d;
        }
    }

    /// <summary>The stand-in's idea of the hardware catalog: which articles are CPUs (have PLC software).</summary>
    public static class Catalog
    {
        /// <summary>S7-1500 (6ES7 51x) and S7-1200 (6ES7 21x) CPU articles; everything else has no PLC software.</summary>
        public static bool IsCpu(string typeIdentifier)
        {
            var order = (typeIdentifier ?? "").Replace("OrderNumber:", "");
            return order.StartsWith("6ES7 51", StringComparison.Ordinal) || order.StartsWith("6ES7 21", StringComparison.Ordinal);
        }
    }

    internal sealed partial class SoftwareState
    {
        internal readonly GroupState Blocks;
        internal readonly GroupState Types;
        internal readonly Dictionary<string, ObjectState> Objects = new Dictionary<string, ObjectState>(StringComparer.OrdinalIgnoreCase);
        internal SoftwareState()
        {
            Blocks = new GroupState { Name = "Program blocks", Software = this };
            Types = new GroupState { Name = "PLC data types", Software = this };
        }

        internal GroupState GroupOf(string name)
        {
            return new[] { Blocks, Types }.Concat(UnitRoots()).SelectMany(g => g.Walk()).FirstOrDefault(g => g.Items.Contains(name, StringComparer.OrdinalIgnoreCase));
        }

        internal void Remove(string name)
        {
            var group = GroupOf(name);
            if (group != null) group.Items.RemoveAll(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            Objects.Remove(name);
            InterfaceDates.Remove(name);
        }
    }

    /// <summary>What the stand-in keeps of an imported object: the SimaticML bytes and what it read from them.</summary>
    internal sealed class ObjectState
    {
        internal string Name;
        internal string Element;  // "SW.Blocks.FB", "SW.Types.PlcStruct", ...
        internal int Number;
        internal string InstanceOf;
        internal bool AutoNumber;  // a block TIA gives a free number when its own is taken on import
        internal byte[] Xml = new byte[0];

        /// <summary>Reads the document element, Name, Number and InstanceOfName; null when it is not SimaticML.</summary>
        internal static ObjectState Read(byte[] data)
        {
            try
            {
                var doc = new System.Xml.XmlDocument { XmlResolver = null };
                using (var stream = new MemoryStream(data)) doc.Load(stream);
                var root = doc.DocumentElement;
                if (root == null || root.Name != "Document") return null;
                var element = root.ChildNodes.OfType<System.Xml.XmlElement>().FirstOrDefault(e => e.Name.StartsWith("SW.", StringComparison.Ordinal));
                if (element == null) return null;
                var attrs = element["AttributeList"];
                if (attrs == null || attrs["Name"] == null) return null;
                int number;
                int.TryParse(attrs["Number"] == null ? "" : attrs["Number"].InnerText, out number);
                // <AutoNumber> as written; an export that leaves default values out (no DocumentInfo, or no
                // WithDefaults in its ExportSetting) writes it only when false: automatic numbering is the default.
                var info = root["DocumentInfo"];
                var setting = info == null ? null : info["ExportSetting"];
                var auto = attrs["AutoNumber"] != null ? attrs["AutoNumber"].InnerText.Trim() == "true"
                    : setting == null || !setting.InnerText.Contains("WithDefaults");
                return new ObjectState
                {
                    Name = attrs["Name"].InnerText, Element = element.Name, Number = number,
                    InstanceOf = attrs["InstanceOfName"] == null ? null : attrs["InstanceOfName"].InnerText, Xml = data,
                    AutoNumber = auto && element.Name.StartsWith("SW.Blocks.", StringComparison.Ordinal),
                };
            }
            catch (System.Xml.XmlException) { return null; }
        }

        /// <summary>Gives the block another number: the document's Number is rewritten.</summary>
        internal void Renumber(int number)
        {
            var doc = new System.Xml.XmlDocument { XmlResolver = null, PreserveWhitespace = true };
            using (var stream = new MemoryStream(Xml)) doc.Load(stream);
            var element = doc.DocumentElement.ChildNodes.OfType<System.Xml.XmlElement>().First(e => e.Name.StartsWith("SW.", StringComparison.Ordinal));
            element["AttributeList"]["Number"].InnerText = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using (var output = new MemoryStream())
            {
                doc.Save(output);
                Xml = output.ToArray();
            }
            Number = number;
        }
    }

    internal sealed class GroupState
    {
        internal SoftwareState Software;
        internal string Name;
        internal readonly List<string> Items = new List<string>();
        internal readonly List<GroupState> Groups = new List<GroupState>();

        internal IEnumerable<string> All() { return Items.Concat(Groups.SelectMany(g => g.All())); }

        internal IEnumerable<GroupState> Walk() { return new[] { this }.Concat(Groups.SelectMany(g => g.Walk())); }

        internal IEnumerable<KeyValuePair<string, string>> Paths(string prefix)
        {
            foreach (var item in Items) yield return new KeyValuePair<string, string>(prefix, item);
            foreach (var g in Groups)
                foreach (var p in g.Paths(prefix.Length == 0 ? g.Name : prefix + "/" + g.Name)) yield return p;
        }

        internal GroupState Path(string path)
        {
            return GroupPath.Below(this, path, g => g.Groups, g => g.Name, (parent, part) => new GroupState { Name = part, Software = Software });
        }
    }

    /// <summary>Group paths ("a/b") as the project-file records keep them, for every kind of group tree.</summary>
    internal static class GroupPath
    {
        /// <summary>The paths one level below <paramref name="parent"/> ("" for the top) among folder paths kept as "a/b".</summary>
        internal static List<string> Children(List<string> paths, string parent)
        {
            return paths.Where(p => parent == "" ? !p.Contains("/") : p.StartsWith(parent + "/", StringComparison.Ordinal) && !p.Substring(parent.Length + 1).Contains("/")).ToList();
        }

        /// <summary>The group at <paramref name="path"/> below <paramref name="root"/>, each missing level made by
        /// <paramref name="make"/> (parent, name) and added (project files name groups before what is in them).</summary>
        internal static T Below<T>(T root, string path, Func<T, List<T>> groups, Func<T, string> name, Func<T, string, T> make) where T : class
        {
            var group = root;
            foreach (var part in (path ?? "").Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var next = groups(group).FirstOrDefault(g => name(g) == part);
                if (next == null) { next = make(group, part); groups(group).Add(next); }
                group = next;
            }
            return group;
        }
    }

    /// <summary>Puts objects into a PLC's software directly, and records what Import received.</summary>
    public static class Program
    {
        /// <summary>Names of the objects imported through PlcBlockComposition/PlcTypeComposition.Import, in call order.</summary>
        public static readonly List<string> ImportLog = new List<string>();

        /// <summary>Add block <paramref name="name"/> in the user-group path <paramref name="groupPath"/> ("A/B", "" for
        /// the system group) of device <paramref name="device"/> of the project open in process <paramref name="pid"/>.</summary>
        public static void AddBlock(int pid, string device, string groupPath, string name)
        {
            var software = Software(pid, device);
            software.Blocks.Path(groupPath).Items.Add(name);
            software.Objects[name] = new ObjectState { Name = name, Element = "SW.Blocks.FB" };
            software.InterfaceChanged(name);
        }

        public static void AddType(int pid, string device, string groupPath, string name)
        {
            var software = Software(pid, device);
            software.Types.Path(groupPath).Items.Add(name);
            software.Objects[name] = new ObjectState { Name = name, Element = "SW.Types.PlcStruct" };
            software.InterfaceChanged(name);
        }

        internal static SoftwareState Software(int pid, string device)
        {
            var process = Machine.Processes.First(p => p.Id == pid && p.Alive);
            return process.Project.Devices.First(d => d.Name == device).Software;
        }
    }

    /// <summary>Scripts the result of the next ICompilable.Compile() call (the stand-in does not compile).</summary>
    public static class CompilerScript
    {
        private static readonly Queue<Siemens.Engineering.Compiler.CompilerResult> Next = new Queue<Siemens.Engineering.Compiler.CompilerResult>();

        /// <summary>First line: "State\tErrors\tWarnings" of the result. Then one line per message:
        /// dots for the depth (one dot = top level), then "Path\tDescription\tState\tErrors\tWarnings".</summary>
        public static void ArmNext(string spec)
        {
            var lines = spec.Split('\n').Where(l => l.Trim().Length > 0).ToList();
            var head = lines[0].Split('\t');
            var root = new List<Siemens.Engineering.Compiler.CompilerResultMessage>();
            var stack = new List<List<Siemens.Engineering.Compiler.CompilerResultMessage>> { root };
            foreach (var line in lines.Skip(1))
            {
                var depth = line.TakeWhile(c => c == '.').Count();
                var f = line.Substring(depth).Split('\t');
                var children = new List<Siemens.Engineering.Compiler.CompilerResultMessage>();
                stack[depth - 1].Add(new Siemens.Engineering.Compiler.CompilerResultMessage(
                    f[0], f[1], State(f[2]), int.Parse(f[3]), int.Parse(f[4]), children));
                if (stack.Count > depth) stack.RemoveRange(depth, stack.Count - depth);
                stack.Add(children);
            }
            Next.Enqueue(new Siemens.Engineering.Compiler.CompilerResult(State(head[0]), int.Parse(head[1]), int.Parse(head[2]), root));
        }

        public static void Clear() { Next.Clear(); }

        internal static Siemens.Engineering.Compiler.CompilerResult Take() { return Next.Count > 0 ? Next.Dequeue() : null; }

        private static Siemens.Engineering.Compiler.CompilerResultState State(string s)
        {
            return (Siemens.Engineering.Compiler.CompilerResultState)Enum.Parse(typeof(Siemens.Engineering.Compiler.CompilerResultState), s);
        }
    }

    /// <summary>One area's share of a project's state (tags, watch tables, networks...), kept in the project file
    /// as records: tab-separated fields whose first field is a tag only this part uses. Every class implementing
    /// it is found by reflection, so an area adds its state without touching this file.</summary>
    internal interface IProjectPart
    {
        /// <summary>The records to write for <paramref name="project"/> (fields must not hold tabs or line
        /// breaks: use <see cref="Record.Text"/> for free text).</summary>
        IEnumerable<string[]> Save(ProjectState project);

        /// <summary>Reads one record; false when its tag is not this part's. Called after the devices are read.</summary>
        bool Load(ProjectState project, string[] fields);
    }

    /// <summary>Offers services of device items (DeviceItem.GetService&lt;T&gt;()) for an area, found by reflection
    /// like <see cref="IProjectPart"/>; answers null for a service it does not offer.</summary>
    internal interface IDeviceItemServices
    {
        object Provide(Type service, Siemens.Engineering.Project project, DeviceState device, bool isCpuItem);
    }

    internal static class Record
    {
        /// <summary>Free text as one field (base64 of UTF-8).</summary>
        internal static string Text(string value) { return Convert.ToBase64String(Encoding.UTF8.GetBytes(value ?? "")); }

        internal static string Untext(string field) { return Encoding.UTF8.GetString(Convert.FromBase64String(field)); }
    }

    internal static class Parts
    {
        internal static readonly IList<IProjectPart> Project = Find<IProjectPart>();
        internal static readonly IList<IDeviceItemServices> DeviceItemServices = Find<IDeviceItemServices>();

        private static IList<T> Find<T>()
        {
            return typeof(Parts).Assembly.GetTypes()
                .Where(t => typeof(T).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract)
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
                .Select(t => (T)Activator.CreateInstance(t, true)).ToList();
        }
    }

    /// <summary>A project file is a small text file: header line, then one tab-separated record per line
    /// (author, devices, program objects, then every <see cref="IProjectPart"/>'s records).</summary>
    internal sealed partial class ProjectState
    {
        private const string Header = "stand-in TIA project";
        internal string Name;
        internal string File;
        internal string Author = "";
        internal DateTime Created;
        internal DateTime LastModified;
        internal bool Modified;
        internal readonly List<DeviceState> Devices = new List<DeviceState>();

        /// <summary>Stays the same across a rollback, so Project objects made before it stay valid.</summary>
        internal object Identity = new object();

        internal static ProjectState CreateOnDisk(string folder, string name, int version)
        {
            Directory.CreateDirectory(folder);
            var state = new ProjectState
            {
                Name = name, File = Path.Combine(folder, name + ".ap" + version), Created = DateTime.Now,
            };
            state.Save();
            return state;
        }

        internal static ProjectState Load(string file, int version)
        {
            if (!file.EndsWith(".ap" + version, StringComparison.OrdinalIgnoreCase))
                throw new EngineeringTargetInvocationException("The project cannot be opened.", "It was not created with this TIA Portal version.", null);
            var lines = System.IO.File.ReadAllLines(file, Encoding.UTF8);
            if (lines.Length == 0 || lines[0] != Header)
                throw new EngineeringTargetInvocationException("The project cannot be opened.", "The file is not a TIA Portal project.", null);
            var state = new ProjectState
            {
                Name = Path.GetFileNameWithoutExtension(file), File = Path.GetFullPath(file),
                Created = System.IO.File.GetCreationTime(file), LastModified = System.IO.File.GetLastWriteTime(file),
            };
            state.Read(lines.Skip(1));
            return state;
        }

        private void Read(IEnumerable<string> lines)
        {
            foreach (var line in lines)
            {
                var parts = line.Split('\t');
                if (parts.Length == 4 && parts[0] == "device")
                    Devices.Add(DeviceState.Make(parts[1], parts[2], parts[3]));
                else if (parts.Length == 6 && parts[0] == "object")
                {
                    var software = Devices.First(d => d.Name == parts[1]).Software;
                    var xml = Convert.FromBase64String(parts[5]);
                    var obj = ObjectState.Read(xml) ?? new ObjectState { Name = parts[4], Element = parts[2] == "type" ? "SW.Types.PlcStruct" : "SW.Blocks.FB" };
                    (parts[2] == "type" ? software.Types : software.Blocks).Path(parts[3]).Items.Add(parts[4]);
                    software.Objects[parts[4]] = obj;
                }
                else if (parts.Length == 2 && parts[0] == "author")
                    Author = parts[1];
                else if (!Parts.Project.Any(p => p.Load(this, parts)))
                    throw new EngineeringTargetInvocationException("The project cannot be opened.", "Unknown record '" + parts[0] + "' in the project file.", null);
            }
        }

        private List<string> Records()
        {
            var lines = new List<string> { "author\t" + Author };
            lines.AddRange(Devices.Select(d => "device\t" + d.Name + "\t" + d.ItemName + "\t" + d.TypeIdentifier));
            foreach (var d in Devices.Where(x => x.Software != null))
                foreach (var kind in new[] { "block", "type" })
                    foreach (var p in (kind == "type" ? d.Software.Types : d.Software.Blocks).Paths(""))
                    {
                        ObjectState obj;
                        d.Software.Objects.TryGetValue(p.Value, out obj);
                        lines.Add("object\t" + d.Name + "\t" + kind + "\t" + p.Key + "\t" + p.Value + "\t" + Convert.ToBase64String(obj == null ? new byte[0] : obj.Xml));
                    }
            foreach (var part in Parts.Project)
                lines.AddRange(part.Save(this).Select(fields => string.Join("\t", fields)));
            return lines;
        }

        internal void Save()
        {
            var lines = new List<string> { Header };
            lines.AddRange(Records());
            System.IO.File.WriteAllLines(File, lines, new UTF8Encoding(false));
            LastModified = DateTime.Now;
            Modified = false;
        }

        /// <summary>Everything a rollback needs to bring this state back (Transaction).</summary>
        internal Snapshot Take() { return new Snapshot(this, Records()); }

        internal sealed class Snapshot
        {
            private readonly ProjectState _state;
            private readonly List<string> _records;
            private readonly bool _modified;
            internal Snapshot(ProjectState state, List<string> records) { _state = state; _records = records; _modified = state.Modified; }

            internal object Identity { get { return _state.Identity; } }

            internal ProjectState Restore()
            {
                var state = new ProjectState
                {
                    Name = _state.Name, File = _state.File, Created = _state.Created, LastModified = _state.LastModified,
                    Modified = _modified, Identity = _state.Identity,
                };
                state.Read(_records);
                return state;
            }
        }
    }
}
