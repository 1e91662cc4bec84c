// Stand-in for Siemens.Engineering.Library's global libraries: TiaPortal.GlobalLibraries (Create<UserGlobalLibrary>,
// Open(FileInfo, OpenMode), GetGlobalLibraryInfos), UserGlobalLibrary (Save, Close, Archive, its master copy and
// type folders) and transactions on a library. A library file (<name>.al{Version}) holds the same records as a
// project file's library part; master copies are the project library's classes over the library's state. One
// portal may have a library open read-write: another portal cannot open it then, and a read-write open needs it
// closed everywhere (TIA Portal help, "Opening a global library"). Sources: openness_bridge/README.md,
// "Libraries" (G1, G2).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Siemens.Engineering;
using Siemens.Engineering.Library;
using Siemens.Engineering.Library.MasterCopies;
using Siemens.Engineering.Library.Types;
using StandIn.Control;

namespace Siemens.Engineering
{
    public enum OpenMode { ReadOnly, ReadWrite }

    public sealed partial class TiaPortal
    {
        public GlobalLibraryComposition GlobalLibraries { get { Live(); return new GlobalLibraryComposition(State); } }
    }
}

namespace Siemens.Engineering.Library
{
    public enum LibraryArchivationMode { None, Compressed, DiscardRestorableData, DiscardRestorableDataAndCompressed }

    public enum GlobalLibraryType { System, Corporate, User }

    public abstract class GlobalLibrary : ITransactionSupport
    {
        internal readonly OpenLibrary Library;
        private readonly GlobalLibraryOwner _owner;
        internal GlobalLibrary(OpenLibrary library) { Library = library; _owner = new GlobalLibraryOwner(library); }

        internal void Live() { _owner.Live(); }

        public string Name { get { Live(); return Library.State.Name; } }
        public FileInfo Path { get { Live(); return new FileInfo(Library.State.File); } }
        public string Author { get { Live(); return Library.State.Author; } }
        public bool IsReadOnly { get { Live(); return Library.ReadOnly; } }
        public bool IsModified { get { Live(); return Library.State.Modified; } }
        public MasterCopySystemFolder MasterCopyFolder { get { Live(); return new MasterCopySystemFolder(_owner, ""); } }
        public LibraryTypeSystemFolder TypeFolder { get { Live(); return new LibraryTypeSystemFolder(_owner); } }

        /// <summary>Starts a transaction: returns what puts the library back (TIA refuses one on a read-only library).</summary>
        internal Action Begin()
        {
            Live();
            if (Library.ReadOnly)
                throw new EngineeringTargetInvocationException("The library cannot be changed.", "It is open read-only.", null);
            var before = Library.State.Take();
            return () => { Library.State = before.Restore(); };
        }
    }

    public sealed class UserGlobalLibrary : GlobalLibrary
    {
        internal UserGlobalLibrary(OpenLibrary library) : base(library) { }

        public void Save()
        {
            Live();
            Faults.Check("UserGlobalLibrary.Save");
            if (Library.ReadOnly)
                throw new EngineeringTargetInvocationException("The library cannot be saved.", "It is open read-only.", null);
            Library.State.Save();
        }

        // Closes without saving: unsaved changes are lost.
        public void Close()
        {
            Live();
            Faults.Check("UserGlobalLibrary.Close");
            OpenLibraries.For(Library.Process).Remove(Library);
            Library.Closed = true;
        }

        public void Archive(DirectoryInfo targetDirectory, string targetName, LibraryArchivationMode archivationMode)
        {
            Live();
            Faults.Check("UserGlobalLibrary.Archive");
            if (Library.State.Modified)
                throw new EngineeringTargetInvocationException("The library cannot be archived.", "It has unsaved changes.", null);
            ProjectArchive.Write(Library.State, System.IO.Path.Combine(targetDirectory.FullName, targetName + ".zal" + Machine.Version));
        }
    }

    public sealed class GlobalLibraryInfo
    {
        private readonly OpenLibrary _library;
        internal GlobalLibraryInfo(OpenLibrary library) { _library = library; }
        public string Name { get { return _library.State.Name; } }
        public FileInfo Path { get { return new FileInfo(_library.State.File); } }
        public bool IsOpen { get { return !_library.Closed; } }
        public bool IsReadOnly { get { return _library.ReadOnly; } }
        public GlobalLibraryType LibraryType { get { return GlobalLibraryType.User; } }
    }

    public sealed class GlobalLibraryComposition : Composition<GlobalLibrary>
    {
        private readonly PortalProcessState _process;
        internal GlobalLibraryComposition(PortalProcessState process) { _process = process; }

        public T Create<T>(DirectoryInfo targetDirectory, string name) where T : GlobalLibrary
        {
            Faults.Check("GlobalLibraryComposition.Create");
            var folder = System.IO.Path.Combine(targetDirectory.FullName, name);
            if (Directory.Exists(folder) || File.Exists(folder))
                throw new EngineeringTargetInvocationException("The library cannot be created.", "The folder '" + folder + "' already exists.", null);
            var state = ProjectState.CreateLibrary(folder, name, Machine.Version);
            return (T)(GlobalLibrary)Register(state, false);
        }

        public UserGlobalLibrary Open(FileInfo path, OpenMode openMode)
        {
            Faults.Check("GlobalLibraryComposition.Open");
            if (!path.Exists)
                throw new EngineeringTargetInvocationException("The library cannot be opened.", "The file '" + path.FullName + "' does not exist.", null);
            var readOnly = openMode == OpenMode.ReadOnly;
            foreach (var other in OpenLibraries.Holding(path.FullName))
            {
                if (other.Process == _process)
                    throw new EngineeringTargetInvocationException("The library cannot be opened.", "It is already open.", null);
                if (!other.ReadOnly || !readOnly)
                    throw new EngineeringTargetInvocationException("The library is locked.", "It is opened by another TIA Portal instance.", null);
            }
            return Register(ProjectState.LoadLibrary(path.FullName, Machine.Version), readOnly);
        }

        public IList<GlobalLibraryInfo> GetGlobalLibraryInfos()
        {
            return OpenLibraries.For(_process).Select(l => new GlobalLibraryInfo(l)).ToList();
        }

        private UserGlobalLibrary Register(ProjectState state, bool readOnly)
        {
            var library = new OpenLibrary { Process = _process, State = state, ReadOnly = readOnly };
            OpenLibraries.For(_process).Add(library);
            return new UserGlobalLibrary(library);
        }

        internal override IEnumerable<GlobalLibrary> Items() { return OpenLibraries.For(_process).Select(l => (GlobalLibrary)new UserGlobalLibrary(l)); }
    }
}

namespace StandIn.Control
{
    internal sealed class OpenLibrary
    {
        internal PortalProcessState Process;
        internal ProjectState State;
        internal bool ReadOnly, Closed;
    }

    /// <summary>The global libraries each portal process has open (a portal that ended has none).</summary>
    internal static class OpenLibraries
    {
        private static readonly ConditionalWeakTable<PortalProcessState, List<OpenLibrary>> Open =
            new ConditionalWeakTable<PortalProcessState, List<OpenLibrary>>();

        internal static List<OpenLibrary> For(PortalProcessState process) { return Open.GetOrCreateValue(process); }

        internal static IEnumerable<OpenLibrary> Holding(string file)
        {
            return Machine.Processes.Where(p => p.Alive).SelectMany(For)
                .Where(l => string.Equals(System.IO.Path.GetFullPath(l.State.File), System.IO.Path.GetFullPath(file), StringComparison.Ordinal)).ToList();
        }
    }

    internal sealed class GlobalLibraryOwner : LibraryOwner
    {
        private readonly OpenLibrary _library;
        internal GlobalLibraryOwner(OpenLibrary library) { _library = library; }

        internal override void Live()
        {
            if (_library.Closed || !_library.Process.Alive)
                throw new EngineeringObjectDisposedException("The global library object has been disposed.", "The library was closed.", null);
        }

        internal override ProjectState State { get { Live(); return _library.State; } }
    }

    /// <summary>A global library file: the project file format (its library records only) under .al{version}.</summary>
    internal sealed partial class ProjectState
    {
        internal static ProjectState CreateLibrary(string folder, string name, int version)
        {
            Directory.CreateDirectory(folder);
            var state = new ProjectState { Name = name, File = Path.Combine(folder, name + ".al" + version), Created = DateTime.Now };
            state.Save();
            return state;
        }

        internal static ProjectState LoadLibrary(string file, int version)
        {
            if (!file.EndsWith(".al" + version, StringComparison.OrdinalIgnoreCase))
                throw new EngineeringTargetInvocationException("The library cannot be opened.", "It was not created with this TIA Portal version.", null);
            var lines = System.IO.File.ReadAllLines(file, System.Text.Encoding.UTF8);
            if (lines.Length == 0 || lines[0] != Header)
                throw new EngineeringTargetInvocationException("The library cannot be opened.", "The file is not a TIA Portal library.", null);
            var state = new ProjectState { Name = Path.GetFileNameWithoutExtension(file), File = Path.GetFullPath(file) };
            state.Read(lines.Skip(1));
            return state;
        }
    }
}
