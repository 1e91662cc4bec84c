// Stand-in for the parts of Siemens.Engineering (TIA Portal Openness) that the bridge touches.
// Compiled with Mono's mcs at test time; never shipped, never loaded on Windows.
// Public names and signatures follow the public sources listed in openness_bridge/README.md
// ("Member table"); members whose real shape is unknown are left out rather than guessed.
// Behaviour is kept to simple in-memory state so the bridge's use of it can be checked.
// Test-only controls live in the StandIn.Control namespace (Control.cs), never in Siemens.*.
using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StandIn.Control;

namespace Siemens.Engineering
{
    public enum TiaPortalMode { WithoutUserInterface = 0, WithUserInterface = 1 }

    public sealed class ExceptionMessageData
    {
        internal ExceptionMessageData(string text, string detailText) { Text = text; DetailText = detailText; }
        public string Text { get; private set; }
        public string DetailText { get; private set; }
        public override string ToString() { return Text; }
    }

    // Constructors of the real exception types are not public API (TIA raises them); these are internal.
    public class EngineeringException : Exception
    {
        internal EngineeringException(string text, string detailText, Exception inner)
            : base(text, inner)
        {
            MessageData = new ExceptionMessageData(text, detailText);
            DetailMessageData = new List<ExceptionMessageData>();
            if (!string.IsNullOrEmpty(detailText)) DetailMessageData.Add(new ExceptionMessageData(detailText, ""));
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
            if (!State.Alive) throw new EngineeringRuntimeException("The TIA Portal process has exited.", "", null);
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

    public sealed class TiaPortal : IDisposable
    {
        internal readonly PortalProcessState State;
        private bool _disposed;

        public TiaPortal(TiaPortalMode mode)
        {
            Faults.Check("TiaPortal..ctor");
            State = Machine.Launch(mode);
        }

        internal TiaPortal(PortalProcessState state) { State = state; }

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
        public void Dispose() { _disposed = true; }

        private void Live()
        {
            if (_disposed) throw new EngineeringObjectDisposedException("The TiaPortal object has been disposed.", "", null);
            if (!State.Alive) throw new EngineeringRuntimeException("The connection to TIA Portal was lost.", "The TIA Portal process has exited.", null);
            Faults.Check("TiaPortal.Access");
        }
    }

    public sealed class ProjectComposition : IEnumerable<Project>
    {
        private readonly PortalProcessState _process;
        internal ProjectComposition(PortalProcessState process) { _process = process; }

        public int Count { get { return _process.Project == null ? 0 : 1; } }

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

        public Project Open(FileInfo path)
        {
            Faults.Check("ProjectComposition.Open");
            if (!path.Exists)
                throw new EngineeringTargetInvocationException("The project cannot be opened.", "The file '" + path.FullName + "' does not exist.", null);
            if (_process.Project != null)
                throw new EngineeringTargetInvocationException("Another project is already open.", "Close the open project first.", null);
            var holder = Machine.Processes.FirstOrDefault(p => p.Alive && p != _process && p.Project != null
                && string.Equals(p.Project.File, path.FullName, StringComparison.Ordinal));
            if (holder != null)
                throw new EngineeringTargetInvocationException("The project is locked.", "It is opened by another TIA Portal instance.", null);
            var state = ProjectState.Load(path.FullName, Machine.Version);
            _process.Open(state);
            return new Project(_process, state);
        }

        public IEnumerator<Project> GetEnumerator()
        {
            var list = new List<Project>();
            if (_process.Project != null) list.Add(new Project(_process, _process.Project));
            return list.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
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
        public string Author { get { Live(); return State.Author; } set { Live(); State.Author = value; State.Modified = true; } }
        public DateTime CreationDate { get { Live(); return State.Created; } }
        public DateTime LastModified { get { Live(); return State.LastModified; } }
        public Siemens.Engineering.HW.DeviceComposition Devices { get { Live(); return new Siemens.Engineering.HW.DeviceComposition(this); } }

        public void Save()
        {
            Live();
            Faults.Check("Project.Save");
            State.Save();
        }

        // Close discards unsaved changes (Openness has no "save on close").
        public void Close()
        {
            Live();
            Faults.Check("Project.Close");
            _process.CloseProject();
        }

        public T GetService<T>() where T : class, IEngineeringService { Live(); return null; }

        internal void Live()
        {
            if (!_process.Alive)
                throw new EngineeringRuntimeException("The connection to TIA Portal was lost.", "The TIA Portal process has exited.", null);
            if (_process.Project == null || _process.Project.Identity != _identity)
                throw new EngineeringObjectDisposedException("The project object has been disposed.", "The project was closed.", null);
            Faults.Check("Project.Access");
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
        private bool _done;
        internal Transaction(Project project, string undoDescription)
        {
            _process = project.Process;
            _before = project.State.Take();
            UndoDescription = undoDescription;
        }

        internal string UndoDescription { get; private set; }
        public bool CanCommit { get { return !_done; } }
        public bool CommitRequested { get; private set; }

        public void CommitOnDispose() { CommitRequested = true; }

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            if (!CommitRequested && _process.Project != null && _process.Project.Identity == _before.Identity)
                _process.Project = _before.Restore();
        }
    }
}
