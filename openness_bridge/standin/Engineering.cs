// Stand-in for the parts of Siemens.Engineering (TIA Portal Openness) that the bridge touches.
// Compiled with Mono's mcs at test time; never shipped, never loaded on Windows.
// Public names and signatures follow the public sources listed in docs/openness-members.md (generated from
// openness_bridge/reference/members.tsv); members whose real shape is unknown are left out rather than guessed.
// Behaviour is kept to simple in-memory state so the bridge's use of it can be checked.
// Test-only controls live in the StandIn.Control namespace (Control.cs), never in Siemens.*.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using StandIn.Control;

namespace Siemens.Engineering
{
    public enum TiaPortalMode { WithoutUserInterface = 0, WithUserInterface = 1 }

    public enum ProjectArchivationMode { None = 0, Compressed = 1, DiscardRestorableData = 2, DiscardRestorableDataAndCompressed = 3 }

    public sealed class ExceptionMessageData
    {
        internal ExceptionMessageData(string text, string detailText) { Text = text; DetailText = detailText; }
        public string Text { get; private set; }
        public string DetailText { get; private set; }
        public override string ToString() { return Text; }

        // The detail list both exception trees carry (EngineeringException and NonRecoverableException, which the
        // real API keeps on separate bases): the detail text as its one entry, or none.
        internal static IList<ExceptionMessageData> DetailsOf(string detailText)
        {
            var details = new List<ExceptionMessageData>();
            if (!string.IsNullOrEmpty(detailText)) details.Add(new ExceptionMessageData(detailText, ""));
            return details;
        }
    }

    // Constructors of the real exception types are not public API (TIA raises them); these are internal.
    public class EngineeringException : Exception
    {
        internal EngineeringException(string text, string detailText, Exception inner)
            : base(text, inner)
        {
            MessageData = new ExceptionMessageData(text, detailText);
            DetailMessageData = ExceptionMessageData.DetailsOf(detailText);
        }
        public ExceptionMessageData MessageData { get; private set; }
        public IList<ExceptionMessageData> DetailMessageData { get; private set; }
    }

    public class EngineeringTargetInvocationException : EngineeringException
    {
        internal EngineeringTargetInvocationException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class EngineeringSecurityException : EngineeringException
    {
        internal EngineeringSecurityException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class EngineeringObjectDisposedException : EngineeringException
    {
        internal EngineeringObjectDisposedException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class EngineeringRuntimeException : EngineeringException
    {
        internal EngineeringRuntimeException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class EngineeringNotSupportedException : EngineeringException
    {
        internal EngineeringNotSupportedException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    // The subclasses the real assemblies declare (reference/openness_api.tsv): each version's build has those of its
    // version. TIA raises them; the stand-in raises one where a test arms it (StandIn.Control.Faults.ArmNext).
    public class EngineeringDelegateInvocationException : EngineeringTargetInvocationException
    {
        internal EngineeringDelegateInvocationException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class EngineeringUserAbortException : EngineeringTargetInvocationException
    {
        internal EngineeringUserAbortException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class FunctionRightNotFoundException : EngineeringTargetInvocationException
    {
        internal FunctionRightNotFoundException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class EngineeringOutOfMemoryException : EngineeringException
    {
        internal EngineeringOutOfMemoryException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class LicenseNotFoundException : EngineeringTargetInvocationException
    {
        internal LicenseNotFoundException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

#if TIA_FROM_V18
    public class MissingProductsException : EngineeringTargetInvocationException
    {
        internal MissingProductsException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class SimaticMLVersionNotSupportedException : EngineeringTargetInvocationException
    {
        internal SimaticMLVersionNotSupportedException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class EngineeringPasswordPolicyViolationException : EngineeringTargetInvocationException
    {
        internal EngineeringPasswordPolicyViolationException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }

    public class PasswordPolicySettingsException : EngineeringTargetInvocationException
    {
        internal PasswordPolicySettingsException(string text, string detailText, Exception inner) : base(text, detailText, inner) { }
    }
#endif

    // TIA Portal has closed or crashed: the session is gone. Not an EngineeringException (15.1 and V17 stubs: base
    // System.Exception; V21 manual's exception table: "TIA Portal closed; restart required"). An
    // EngineeringRuntimeException, by contrast, is an ordinary recoverable error.
    public class NonRecoverableException : Exception
    {
        internal NonRecoverableException(string text, string detailText, Exception inner)
            : base(text, inner)
        {
            MessageData = new ExceptionMessageData(text, detailText);
            DetailMessageData = ExceptionMessageData.DetailsOf(detailText);
        }
        public ExceptionMessageData MessageData { get; private set; }
        public IList<ExceptionMessageData> DetailMessageData { get; private set; }
    }

    public interface IEngineeringService { }

    public interface IEngineeringServiceProvider
    {
        T GetService<T>() where T : class, IEngineeringService;
    }

    public sealed class TiaPortalProcess : IDisposable
    {
        internal readonly PortalProcessState State;
        internal TiaPortalProcess(PortalProcessState state) { State = state; AcquisitionTime = DateTime.Now; }

        public int Id { get { return State.Id; } }
        public TiaPortalMode Mode { get { return State.Mode; } }
        public DateTime AcquisitionTime { get; private set; }
        public FileInfo ProjectPath
        {
            get { return State.Project == null ? null : new FileInfo(State.Project.File); }
        }

        public TiaPortal Attach()
        {
            Faults.Check("TiaPortalProcess.Attach");
            if (!State.Alive) throw new NonRecoverableException("The TIA Portal process has exited.", "", null);
            return new TiaPortal(State);
        }

        // The 15.1 stub documents Dispose as "Performs a close of the process"; Siemens warns that in V21
        // disposing a handle from GetProcesses() ends the instance. Modelled as: it ends the process.
        public void Dispose()
        {
            Machine.ProcessHandleDisposals++;
            State.Terminate();
        }
    }

    public sealed partial class TiaPortal : IDisposable
    {
        internal readonly PortalProcessState State;
        private bool _disposed;

        public TiaPortal(TiaPortalMode mode)
        {
            Faults.Check("TiaPortal..ctor");
            State = Machine.Launch(mode);
            Dialogs.Connections.Add(this);
        }

        internal TiaPortal(PortalProcessState state) { State = state; Dialogs.Connections.Add(this); }

        public static IList<TiaPortalProcess> GetProcesses()
        {
            Faults.Check("TiaPortal.GetProcesses");
            return Machine.Processes.Where(p => p.Alive).Select(p => new TiaPortalProcess(p)).ToList();
        }

        public TiaPortalProcess GetCurrentProcess()
        {
            Live();
            return new TiaPortalProcess(State);
        }

        public ProjectComposition Projects { get { Live(); return new ProjectComposition(State); } }

#if TIA_FROM_V18
        // From V18 (the real V17 metadata has none; V18 and V19 have it).
        public Siemens.Engineering.HW.HardwareCatalog.HardwareCatalog HardwareCatalog { get { Live(); return new Siemens.Engineering.HW.HardwareCatalog.HardwareCatalog(); } }
#endif

        // One exclusive access at a time; while it is held, the UI (here: nobody) waits.
        public ExclusiveAccess ExclusiveAccess(string text)
        {
            Live();
            Faults.Check("TiaPortal.ExclusiveAccess");
            if (State.ExclusiveAccessHeld)
                throw new EngineeringTargetInvocationException("Exclusive access is already held.", "Dispose the current ExclusiveAccess first.", null);
            return new ExclusiveAccess(State, text);
        }

        // Releases this connection only. Whether disposing the TiaPortal that started TIA also closes TIA is
        // not shown by the public sources, so the bridge does not rely on it either way.
        // Disposed is raised when the object is disposed (this connection) or the portal is closed
        // (StandIn.Control.Dialogs.CloseByUser); a crashed process raises nothing.
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Dialogs.Connections.Remove(this);
            RaiseDisposed();
        }

        private void Live()
        {
            if (_disposed) throw new EngineeringObjectDisposedException("The TiaPortal object has been disposed.", "", null);
            if (!State.Alive) throw new NonRecoverableException("The connection to TIA Portal was lost.", "The TIA Portal process has exited.", null);
            Faults.Check("TiaPortal.Access");
        }
    }

    // A portal holds at most one open project.
    public sealed partial class ProjectComposition : CountedComposition<Project>
    {
        private readonly PortalProcessState _process;
        internal ProjectComposition(PortalProcessState process) { _process = process; }

        internal override IEnumerable<Project> Items()
        {
            return _process.Project == null ? new Project[0] : new[] { new Project(_process, _process.Project) };
        }

        public Project Create(DirectoryInfo path, string name)
        {
            Faults.Check("ProjectComposition.Create");
            if (_process.Project != null)
                throw new EngineeringTargetInvocationException("Another project is already open.", "Close the open project first.", null);
            var folder = System.IO.Path.Combine(path.FullName, name);
            if (Directory.Exists(folder) || File.Exists(folder))
                throw new EngineeringTargetInvocationException("The project cannot be created.", "The folder '" + folder + "' already exists.", null);
            var state = ProjectState.CreateOnDisk(folder, name, Machine.Version);
            _process.Open(state);
            return new Project(_process, state);
        }

        public Project Open(FileInfo path) { return Opened(path, null, false); }

        public Project Retrieve(FileInfo sourcePath, DirectoryInfo targetDirectory) { return Retrieved(sourcePath, targetDirectory, null, false); }
    }

    // The project every transaction is about (ProjectBase implements it in the real API).
    public interface ITransactionSupport { }

    public sealed partial class Project : IEngineeringServiceProvider, ITransactionSupport
    {
        private readonly PortalProcessState _process;
        private readonly object _identity;
        internal Project(PortalProcessState process, ProjectState state) { _process = process; _identity = state.Identity; }

        // Looked up on every access: a rolled-back transaction replaces the state but keeps its identity.
        internal ProjectState State { get { return _process.Project; } }
        internal PortalProcessState Process { get { return _process; } }

        public string Name { get { Live(); return State.Name; } }
        public FileInfo Path { get { Live(); return new FileInfo(State.File); } }
        public bool IsModified { get { Live(); return State.Modified; } }
        // Read-only in the real API (stubs 15.1-V17: "Get" only); TIA takes the author from the Windows user.
        public string Author { get { Live(); return State.Author; } }
        public DateTime CreationTime { get { Live(); return State.Created; } }
        public DateTime LastModified { get { Live(); return State.LastModified; } }
        public Siemens.Engineering.HW.DeviceComposition Devices { get { Live(); return new Siemens.Engineering.HW.DeviceComposition(this); } }
        public Siemens.Engineering.HW.DeviceUserGroupComposition DeviceGroups { get { Live(); return new Siemens.Engineering.HW.DeviceUserGroupComposition(this, null); } }
        public Siemens.Engineering.HW.DeviceSystemGroup UngroupedDevicesGroup { get { Live(); return new Siemens.Engineering.HW.DeviceSystemGroup(this); } }
        public Siemens.Engineering.HW.SubnetComposition Subnets { get { Live(); return new Siemens.Engineering.HW.SubnetComposition(this); } }

        // "Support simulation during block compilation" (project properties, Protection tab): needed to download to PLCSIM.
        public bool IsSimulationDuringBlockCompilationEnabled
        {
            get { Live(); return State.SimulationDuringBlockCompilation; }
            set { Live(); Faults.Check("Project.IsSimulationDuringBlockCompilationEnabled"); State.SimulationDuringBlockCompilation = value; State.Modified = true; }
        }

        // Archives what is on disk; TIA refuses while there are unsaved changes, and does not overwrite.
        public void Archive(DirectoryInfo targetDirectory, string targetName, ProjectArchivationMode archivationMode)
        {
            Live();
            Faults.Check("Project.Archive");
            _process.RefuseInTransaction("Archive");
            if (State.Modified)
                throw new EngineeringTargetInvocationException("The project cannot be archived.", "The project has unsaved changes; save it first.", null);
            if (!targetDirectory.Exists)
                throw new EngineeringTargetInvocationException("The project cannot be archived.", "The folder '" + targetDirectory.FullName + "' does not exist.", null);
            var extension = ".zap" + Machine.Version;
            var name = targetName.EndsWith(extension, StringComparison.OrdinalIgnoreCase) ? targetName : targetName + extension;
            var target = System.IO.Path.Combine(targetDirectory.FullName, name);
            if (File.Exists(target) || Directory.Exists(target))
                throw new EngineeringTargetInvocationException("The project cannot be archived.", "The file '" + target + "' already exists.", null);
            ProjectArchive.Write(State, target);
        }

        public void Save()
        {
            Live();
            Faults.Check("Project.Save");
            _process.RefuseInTransaction("Save");
            State.Save();
        }

        // Close discards unsaved changes (Openness has no "save on close").
        public void Close()
        {
            Live();
            Faults.Check("Project.Close");
            _process.RefuseInTransaction("Close");
            _process.CloseProject();
        }

        public T GetService<T>() where T : class, IEngineeringService
        {
            Live();
            if (typeof(T) == typeof(Siemens.Engineering.Cax.CaxProvider)) return new Siemens.Engineering.Cax.CaxProvider(this) as T;
            if (typeof(T) == typeof(Siemens.Engineering.Umac.UmacConfigurator)) return new Siemens.Engineering.Umac.UmacConfigurator(this) as T;
            return null;
        }

        internal void Live()
        {
            if (!_process.Alive)
                throw new NonRecoverableException("The connection to TIA Portal was lost.", "The TIA Portal process has exited.", null);
            if (_process.Project == null || _process.Project.Identity != _identity)
                throw new EngineeringObjectDisposedException("The project object has been disposed.", "The project was closed.", null);
            Faults.Check("Project.Access");
        }

        /// <summary>A change of the project's state through a handle: Live(), then <paramref name="change"/>, the project
        /// marked modified.</summary>
        internal void Changed(Action change)
        {
            Live();
            change();
            State.Modified = true;
        }

        /// <summary>A change through the member with the fault point <paramref name="faultPoint"/> (e.g.
        /// "PlcWatchTable.Delete"), after the caller's own liveness check: the fault first, then
        /// <paramref name="change"/>, the project marked modified.</summary>
        internal void ChangedAt(string faultPoint, Action change)
        {
            Faults.Check(faultPoint);
            change();
            State.Modified = true;
        }

        /// <summary>A new object in the project's state: added to <paramref name="list"/>, the project marked modified.</summary>
        internal T Added<T>(List<T> list, T item)
        {
            list.Add(item);
            State.Modified = true;
            return item;
        }

        /// <summary>Live(), then TIA's disposed-object error (<paramref name="text"/>, <paramref name="detail"/>) unless the
        /// object a handle stands for still <paramref name="exists"/> (asked after the project check).</summary>
        internal void Live(Func<bool> exists, string text, string detail)
        {
            Live();
            if (!exists()) throw new EngineeringObjectDisposedException(text, detail, null);
        }
    }

    public sealed class ExclusiveAccess : IDisposable
    {
        private readonly PortalProcessState _process;
        private bool _disposed;
        internal ExclusiveAccess(PortalProcessState process, string text) { _process = process; Text = text; process.ExclusiveAccessHeld = true; }

        public string Text { get; set; }
        public bool IsCancellationRequested { get { return false; } }

        public Transaction Transaction(ITransactionSupport persistence, string undoDescription)
        {
            if (_disposed) throw new EngineeringObjectDisposedException("The ExclusiveAccess object has been disposed.", "", null);
            var library = persistence as Siemens.Engineering.Library.GlobalLibrary;
            if (library != null)
            {
                Faults.Check("ExclusiveAccess.Transaction");
                return new Transaction(library.Begin(), undoDescription);
            }
            var project = persistence as Project;
            if (project == null) throw new EngineeringTargetInvocationException("A transaction needs a project.", "", null);
            project.Live();
            Faults.Check("ExclusiveAccess.Transaction");
            return new Transaction(project, undoDescription);
        }

        public void Dispose() { if (!_disposed) { _disposed = true; _process.ExclusiveAccessHeld = false; } }
    }

    // Without CommitOnDispose, Dispose rolls every change made since the transaction started back.
    public sealed class Transaction : IDisposable
    {
        private readonly PortalProcessState _process;
        private readonly ProjectState.Snapshot _before;
        private readonly Action _rollback;  // a global library's transaction: puts its state back
        private bool _done;
        internal Transaction(Project project, string undoDescription)
        {
            _process = project.Process;
            _before = project.State.Take();
            UndoDescription = undoDescription;
            _process.OpenTransactions++;
        }

        internal Transaction(Action rollback, string undoDescription) { _rollback = rollback; UndoDescription = undoDescription; }

        internal string UndoDescription { get; private set; }
        public bool CanCommit { get { return !_done; } }
        public bool CommitRequested { get; private set; }

        public void CommitOnDispose() { CommitRequested = true; }

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            if (_process != null) _process.OpenTransactions--;
            if (!CommitRequested && _rollback != null)
                _rollback();
            else if (!CommitRequested && _process.Project != null && _process.Project.Identity == _before.Identity)
                _process.Project = _before.Restore();
        }
    }
}

namespace StandIn.Control
{
    internal sealed partial class ProjectState
    {
        internal bool SimulationDuringBlockCompilation;
    }

    /// <summary>Project settings in the project file.</summary>
    internal sealed class ProjectSettingsPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            if (project.SimulationDuringBlockCompilation) yield return new[] { "settings.simulation", "1" };
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields[0] != "settings.simulation") return false;
            project.SimulationDuringBlockCompilation = fields[1] == "1";
            return true;
        }
    }

    /// <summary>The stand-in's .zapNN: gzip of a header line, the project name and one record per file of the
    /// project folder (relative path and content, base64). Not TIA's format, which is not public.</summary>
    internal static class ProjectArchive
    {
        private const string Header = "stand-in TIA archive";

        internal static void Write(ProjectState project, string target)
        {
            var folder = Path.GetDirectoryName(project.File);
            var lines = new List<string> { Header, "project\t" + Record.Text(Path.GetFileName(folder)) };
            foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
                lines.Add("file\t" + Record.Text(file.Substring(folder.Length + 1).Replace('\\', '/')) + "\t" + Convert.ToBase64String(File.ReadAllBytes(file)));
            using (var stream = File.Create(target))
            using (var zip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Compress))
            {
                var bytes = Encoding.UTF8.GetBytes(string.Join("\n", lines));
                zip.Write(bytes, 0, bytes.Length);
            }
        }

        /// <summary>Writes the archived project folder into <paramref name="targetDirectory"/>; returns the project file.</summary>
        internal static string Extract(string archive, string targetDirectory)
        {
            string[] lines;
            try
            {
                using (var stream = File.OpenRead(archive))
                using (var zip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress))
                using (var reader = new StreamReader(zip, Encoding.UTF8))
                    lines = reader.ReadToEnd().Split('\n');
            }
            catch (Exception e)
            {
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The project cannot be retrieved.", "The file is not a project archive.", e);
            }
            if (lines.Length < 2 || lines[0] != Header || !lines[1].StartsWith("project\t", StringComparison.Ordinal))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The project cannot be retrieved.", "The file is not a project archive.", null);
            var name = Record.Untext(lines[1].Substring(8));
            var folder = Path.Combine(targetDirectory, name);
            if (Directory.Exists(folder) || File.Exists(folder))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The project cannot be retrieved.", "The folder '" + folder + "' already exists.", null);
            var files = lines.Skip(2).Select(l => l.Split('\t')).Select(f => new KeyValuePair<string, byte[]>(Record.Untext(f[1]), Convert.FromBase64String(f[2]))).ToList();
            if (files.Any(f => f.Key.Split('/').Any(part => part == ".." || part.Length == 0) || Path.IsPathRooted(f.Key)))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The project cannot be retrieved.", "The archive holds paths outside its project folder.", null);
            foreach (var f in files)
            {
                var path = Path.Combine(folder, f.Key.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                File.WriteAllBytes(path, f.Value);
            }
            var project = Directory.GetFiles(folder, "*.ap*").FirstOrDefault(f => System.Text.RegularExpressions.Regex.IsMatch(f, @"\.ap\d\d$"));
            if (project == null)
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The project cannot be retrieved.", "The archive holds no project file.", null);
            return project;
        }
    }
}
