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

        /// <summary>TIA major version this stand-in plays (project files are .ap{Version}).</summary>
        public static int Version = 19;

        /// <summary>How often a TiaPortalProcess handle was disposed (the bridge must never do it).</summary>
        public static int ProcessHandleDisposals;

        public static void Reset()
        {
            Processes.Clear();
            Version = 19;
            ProcessHandleDisposals = 0;
            Faults.Clear();
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
        /// (Security, TargetInvocation, ObjectDisposed, Runtime, NotSupported) with that text, detail text
        /// and, when <paramref name="innerMessage"/> is given, an inner InvalidOperationException.</summary>
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
                case "NotSupported": exc = new EngineeringNotSupportedException(text, detailText, inner); break;
                default: throw new ArgumentException("unknown kind " + kind);
            }
            Queue<Exception> queue;
            if (!Armed.TryGetValue(member, out queue)) Armed[member] = queue = new Queue<Exception>();
            queue.Enqueue(exc);
        }

        public static void Clear() { Armed.Clear(); }

        internal static void Check(string member)
        {
            Queue<Exception> queue;
            if (Armed.TryGetValue(member, out queue) && queue.Count > 0) throw queue.Dequeue();
        }
    }

    internal sealed class PortalProcessState
    {
        internal PortalProcessState(int id, TiaPortalMode mode) { Id = id; Mode = mode; Alive = true; }
        internal readonly int Id;
        internal readonly TiaPortalMode Mode;
        internal bool Alive;
        internal ProjectState Project;

        internal void Open(ProjectState project) { Project = project; }
        internal void CloseProject() { Project = null; }

        internal void Terminate()
        {
            Project = null;  // unsaved changes are lost with the process
            Alive = false;
        }
    }

    internal sealed class DeviceState
    {
        internal string Name;
        internal string ItemName;
        internal string TypeIdentifier;
    }

    /// <summary>A project file is a small text file: header line, then one tab-separated line per device.</summary>
    internal sealed class ProjectState
    {
        private const string Header = "stand-in TIA project";
        internal string Name;
        internal string File;
        internal string Author = "";
        internal DateTime Created;
        internal DateTime LastModified;
        internal bool Modified;
        internal readonly List<DeviceState> Devices = new List<DeviceState>();

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
            foreach (var line in lines.Skip(1))
            {
                var parts = line.Split('\t');
                if (parts.Length == 4 && parts[0] == "device")
                    state.Devices.Add(new DeviceState { Name = parts[1], ItemName = parts[2], TypeIdentifier = parts[3] });
                else if (parts.Length == 2 && parts[0] == "author")
                    state.Author = parts[1];
            }
            return state;
        }

        internal void Save()
        {
            var lines = new List<string> { Header, "author\t" + Author };
            lines.AddRange(Devices.Select(d => "device\t" + d.Name + "\t" + d.ItemName + "\t" + d.TypeIdentifier));
            System.IO.File.WriteAllLines(File, lines, new UTF8Encoding(false));
            LastModified = DateTime.Now;
            Modified = false;
        }
    }
}
