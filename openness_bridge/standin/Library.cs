// Stand-in for Siemens.Engineering.Library: the project library's master copy folders and master copies of blocks
// and PLC data types, pasted with PlcBlockComposition/PlcTypeComposition.CreateFrom(MasterCopy); the type folder
// holds only types a test seeds (StandIn.Control.LibraryTypes: V19 Openness cannot make one of a project object). Sources of every public member:
// openness_bridge/README.md, "Libraries". Kept in the project file as records (LibraryPart), so a transaction
// rolls it back and a save keeps it.
using System;
using System.Collections.Generic;
using System.Linq;
using Siemens.Engineering.Library.MasterCopies;
using Siemens.Engineering.Library.Types;
using StandIn.Control;

namespace Siemens.Engineering
{
    public sealed partial class Project
    {
        public Siemens.Engineering.Library.ProjectLibrary ProjectLibrary { get { Live(); return new Siemens.Engineering.Library.ProjectLibrary(this); } }
    }
}

namespace Siemens.Engineering.Library
{
    public sealed class ProjectLibrary
    {
        private readonly ProjectLibraryOwner _project;
        internal ProjectLibrary(Project project) { _project = new ProjectLibraryOwner(project); }
        public MasterCopySystemFolder MasterCopyFolder { get { _project.Live(); return new MasterCopySystemFolder(_project, ""); } }
        public LibraryTypeSystemFolder TypeFolder { get { _project.Live(); return new LibraryTypeSystemFolder(_project); } }
    }
}

namespace Siemens.Engineering.Library.MasterCopies
{
    /// <summary>Marker of what a master copy can be made of (here: blocks and PLC data types).</summary>
    public interface IMasterCopySource { }

    public abstract class MasterCopyFolder
    {
        internal readonly LibraryOwner OwnerProject;
        internal readonly string FolderPath;  // "" for the system folder, "a/b" for a user folder
        internal MasterCopyFolder(LibraryOwner project, string path) { OwnerProject = project; FolderPath = path; }
        public string Name { get { OwnerProject.Live(); return FolderPath.Length == 0 ? "Master copies" : FolderPath.Split('/').Last(); } }
        public MasterCopyUserFolderComposition Folders { get { OwnerProject.Live(); return new MasterCopyUserFolderComposition(OwnerProject, FolderPath); } }
        public MasterCopyComposition MasterCopies { get { OwnerProject.Live(); return new MasterCopyComposition(OwnerProject, FolderPath); } }
    }

    public sealed class MasterCopySystemFolder : MasterCopyFolder { internal MasterCopySystemFolder(LibraryOwner p, string path) : base(p, path) { } }

    public sealed class MasterCopyUserFolder : MasterCopyFolder
    {
        internal MasterCopyUserFolder(LibraryOwner p, string path) : base(p, path) { }

        // TIA deletes the folder with its subfolders and master copies.
        public void Delete()
        {
            OwnerProject.Live();
            var state = OwnerProject.State;
            Func<string, bool> inside = f => f == FolderPath || f.StartsWith(FolderPath + "/", StringComparison.Ordinal);
            state.MasterCopyFolders.RemoveAll(f => inside(f));
            state.MasterCopies.RemoveAll(m => inside(m.Folder));
            state.Modified = true;
        }
    }

    public sealed class MasterCopyUserFolderComposition : Composition<MasterCopyUserFolder>
    {
        private readonly LibraryOwner _project;
        private readonly string _parent;
        internal MasterCopyUserFolderComposition(LibraryOwner project, string parent) { _project = project; _parent = parent; }
        private string PathOf(string name) { return _parent.Length == 0 ? name : _parent + "/" + name; }
        private IEnumerable<string> Children()
        {
            return _project.State.MasterCopyFolders.Where(f => f.StartsWith(_parent.Length == 0 ? "" : _parent + "/", StringComparison.Ordinal)
                && f.Length > _parent.Length && f.Substring(_parent.Length == 0 ? 0 : _parent.Length + 1).IndexOf('/') < 0);
        }
        public MasterCopyUserFolder Find(string name)
        {
            _project.Live();
            return _project.State.MasterCopyFolders.Contains(PathOf(name)) ? new MasterCopyUserFolder(_project, PathOf(name)) : null;
        }
        public MasterCopyUserFolder Create(string name)
        {
            _project.Live();
            Faults.Check("MasterCopyUserFolderComposition.Create");
            if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(new[] { '/', '\\' }) >= 0)
                throw new EngineeringTargetInvocationException("The folder cannot be created.", "The name '" + name + "' is not valid.", null);
            if (_project.State.MasterCopyFolders.Contains(PathOf(name)))
                throw new EngineeringTargetInvocationException("The folder cannot be created.", "A folder named '" + name + "' already exists.", null);
            _project.State.MasterCopyFolders.Add(PathOf(name));
            _project.State.Modified = true;
            return new MasterCopyUserFolder(_project, PathOf(name));
        }
        internal override IEnumerable<MasterCopyUserFolder> Items() { _project.Live(); return Children().Select(f => new MasterCopyUserFolder(_project, f)); }
    }

    public sealed class MasterCopyComposition : Composition<MasterCopy>
    {
        private readonly LibraryOwner _project;
        private readonly string _folder;
        internal MasterCopyComposition(LibraryOwner project, string folder) { _project = project; _folder = folder; }

        public MasterCopy Find(string name)
        {
            _project.Live();
            return _project.State.MasterCopies.Any(m => m.Folder == _folder && m.Name == name) ? new MasterCopy(_project, _folder, name) : null;
        }

        // The stand-in copies blocks and PLC data types; tag tables and devices are sources in TIA too (not here).
        public MasterCopy Create(IMasterCopySource source)
        {
            _project.Live();
            Faults.Check("MasterCopyComposition.Create");
            var block = source as Siemens.Engineering.SW.Blocks.PlcBlock;
            var udt = source as Siemens.Engineering.SW.Types.PlcType;
            var obj = block != null ? block.Object : udt != null ? udt.Object : null;
            if (obj == null)
                throw new EngineeringNotSupportedException("The master copy cannot be created.", "The stand-in makes master copies of blocks and PLC data types only.", null);
            if (_project.State.MasterCopies.Any(m => m.Folder == _folder && string.Equals(m.Name, obj.Name, StringComparison.OrdinalIgnoreCase)))
                throw new EngineeringTargetInvocationException("The master copy cannot be created.", "A master copy named '" + obj.Name + "' already exists.", null);
            _project.State.MasterCopies.Add(new MasterCopyState
            {
                Folder = _folder, Name = obj.Name, Author = _project.State.Author ?? "", Created = DateTime.UtcNow,
                ContentName = obj.Name, Element = obj.Element, Xml = obj.Xml.ToArray(),
            });
            _project.State.Modified = true;
            return new MasterCopy(_project, _folder, obj.Name);
        }

        internal override IEnumerable<MasterCopy> Items()
        {
            _project.Live();
            return _project.State.MasterCopies.Where(m => m.Folder == _folder).Select(m => new MasterCopy(_project, _folder, m.Name));
        }
    }

    public sealed class MasterCopy
    {
        private readonly LibraryOwner _project;
        private readonly string _folder;
        private string _name;
        internal MasterCopy(LibraryOwner project, string folder, string name) { _project = project; _folder = folder; _name = name; }

        internal MasterCopyState State
        {
            get
            {
                _project.Live();
                var state = _project.State.MasterCopies.FirstOrDefault(m => m.Folder == _folder && m.Name == _name);
                if (state == null)
                    throw new EngineeringObjectDisposedException("The master copy object has been disposed.", "The master copy '" + _name + "' was deleted.", null);
                return state;
            }
        }

        public string Name
        {
            get { return State.Name; }
            set { var s = State; s.Name = value; _name = value; _project.State.Modified = true; }
        }
        public string Author { get { return State.Author; } }
        public DateTime CreationDate { get { return State.Created; } }
        public MasterCopyContentDescriptionComposition ContentDescriptions
        {
            get { var s = State; return new MasterCopyContentDescriptionComposition(new[] { new MasterCopyContentDescription(s.ContentName, s.ContentType) }); }
        }

        public void Delete()
        {
            var s = State;
            Faults.Check("MasterCopy.Delete");
            _project.State.MasterCopies.Remove(s);
            _project.State.Modified = true;
        }
    }

    public sealed class MasterCopyContentDescription
    {
        internal MasterCopyContentDescription(string name, Type type) { ContentName = name; ContentType = type; }
        public string ContentName { get; private set; }
        public Type ContentType { get; private set; }
    }

    public sealed class MasterCopyContentDescriptionComposition : ListComposition<MasterCopyContentDescription> { internal MasterCopyContentDescriptionComposition(IList<MasterCopyContentDescription> items) : base(items) { } }
}

namespace Siemens.Engineering.Library.Types
{
    // Where FindInstances searches (PlcSoftware, HmiTarget, ... implement it; 15.1-V17 stubs).
    public interface IInstanceSearchScope { }

    // Openness V19 has no member that makes a type of a project object, so the stand-in's type folder holds only
    // the types a test puts in the project library as TIA's UI would (StandIn.Control.LibraryTypes), read-only.
    public sealed class LibraryTypeSystemFolder
    {
        private readonly LibraryOwner _project;
        internal LibraryTypeSystemFolder(LibraryOwner project) { _project = project; }
        public string Name { get { _project.Live(); return "Types"; } }
        public LibraryTypeComposition Types { get { _project.Live(); return new LibraryTypeComposition(_project); } }
        public LibraryTypeUserFolderComposition Folders { get { _project.Live(); return new LibraryTypeUserFolderComposition(); } }
    }

    public enum LibraryTypeVersionState { InWork, Committed }

    /// <summary>A type; HMI types are its subclasses (FaceplateLibraryType, VBScriptLibraryType), as in
    /// Siemens.Engineering where the bridge tells them apart by class.</summary>
    public class LibraryType
    {
        internal readonly StandIn.Control.LibraryTypeSeed Seed;
        internal LibraryType(StandIn.Control.LibraryTypeSeed seed) { Seed = seed; }
        public string Name { get { return Seed.Name; } }
        public LibraryTypeVersionComposition Versions { get { return new LibraryTypeVersionComposition(this); } }
    }

    public sealed class LibraryTypeVersion
    {
        private readonly string _number;
        internal LibraryTypeVersion(LibraryType parent, string number, bool inWork)
        {
            TypeObject = parent; _number = number; State = inWork ? LibraryTypeVersionState.InWork : LibraryTypeVersionState.Committed;
        }
        // The real Parent is typed IEngineeringObject (15.1-V17 stubs), so the bridge reads TypeObject, the typed way
        // to the type; Parent is not declared.
        public LibraryType TypeObject { get; private set; }
        public System.Version VersionNumber { get { return new System.Version(_number); } }
        public LibraryTypeVersionState State { get; private set; }
        public bool IsDefault { get { return _number == TypeObject.Seed.DefaultVersion; } }
        public string Author { get { return "stand-in"; } }
        // No instance of a seeded type is linked to a project object.
        public IList<object> FindInstances(IInstanceSearchScope searchScope) { return new List<object>(); }
    }

    public sealed class LibraryTypeVersionComposition : Composition<LibraryTypeVersion>
    {
        private readonly LibraryType _type;
        internal LibraryTypeVersionComposition(LibraryType type) { _type = type; }
        internal override IEnumerable<LibraryTypeVersion> Items() { return _type.Seed.Versions.Select(v => new LibraryTypeVersion(_type, v.Key, v.Value)); }
    }

    public sealed class LibraryTypeComposition : Composition<LibraryType>
    {
        private readonly LibraryOwner _owner;
        internal LibraryTypeComposition(LibraryOwner owner) { _owner = owner; }
        internal override IEnumerable<LibraryType> Items()
        {
            if (!(_owner is ProjectLibraryOwner)) return new List<LibraryType>();
            return StandIn.Control.LibraryTypes.Seeded.Select(StandIn.Control.LibraryTypes.Make).ToList();
        }
        public LibraryType Find(string name) { return Items().FirstOrDefault(t => t.Name == name); }
    }

    public sealed class LibraryTypeUserFolder { internal LibraryTypeUserFolder() { } }

    public sealed class LibraryTypeUserFolderComposition : EmptyComposition<LibraryTypeUserFolder> { internal LibraryTypeUserFolderComposition() { } }
}

namespace Siemens.Engineering.Hmi.Faceplate
{
    public sealed class FaceplateLibraryType : LibraryType
    {
        internal FaceplateLibraryType(LibraryTypeSeed seed) : base(seed) { }
    }
}

namespace Siemens.Engineering.Hmi.RuntimeScripting
{
    public sealed class VBScriptLibraryType : LibraryType
    {
        internal VBScriptLibraryType(LibraryTypeSeed seed) : base(seed) { }
    }
}

namespace Siemens.Engineering.SW.Blocks
{
    public sealed partial class PlcBlockComposition
    {
        // TIA's MasterCopyMode.ThrowIfExists: an object of that name is refused.
        public PlcBlock CreateFrom(MasterCopy masterCopy)
        {
            return Make(LibraryStore.Paste(OwnerProject, State, masterCopy, "SW.Blocks.").Name);
        }
    }
}

namespace Siemens.Engineering.SW.Types
{
    public sealed partial class PlcTypeComposition
    {
        public PlcType CreateFrom(MasterCopy masterCopy)
        {
            return Make(LibraryStore.Paste(OwnerProject, State, masterCopy, "SW.Types.").Name);
        }
    }
}

namespace StandIn.Control
{
    internal sealed class MasterCopyState
    {
        internal string Folder, Name, Author, ContentName, Element;
        internal DateTime Created;
        internal byte[] Xml;

        internal Type ContentType
        {
            get
            {
                if (Element.StartsWith("SW.Types.", StringComparison.Ordinal)) return typeof(Siemens.Engineering.SW.Types.PlcType);
                switch (Element)
                {
                    case "SW.Blocks.FC": return typeof(Siemens.Engineering.SW.Blocks.FC);
                    case "SW.Blocks.OB": return typeof(Siemens.Engineering.SW.Blocks.OB);
                    case "SW.Blocks.GlobalDB": return typeof(Siemens.Engineering.SW.Blocks.GlobalDB);
                    case "SW.Blocks.InstanceDB": return typeof(Siemens.Engineering.SW.Blocks.InstanceDB);
                    default: return typeof(Siemens.Engineering.SW.Blocks.FB);
                }
            }
        }
    }

    internal sealed partial class ProjectState
    {
        internal readonly List<string> MasterCopyFolders = new List<string>();
        internal readonly List<MasterCopyState> MasterCopies = new List<MasterCopyState>();
    }

    /// <summary>What a library's folder objects read and change: the project (its project library) or an open
    /// global library; both keep folders and master copies in a <see cref="ProjectState"/>.</summary>
    internal abstract class LibraryOwner
    {
        internal abstract void Live();
        internal abstract ProjectState State { get; }
    }

    internal sealed class ProjectLibraryOwner : LibraryOwner
    {
        private readonly Siemens.Engineering.Project _project;
        internal ProjectLibraryOwner(Siemens.Engineering.Project project) { _project = project; }
        internal override void Live() { _project.Live(); }
        internal override ProjectState State { get { return _project.State; } }
    }

    internal static class LibraryStore
    {
        internal static ObjectState Paste(Siemens.Engineering.Project project, GroupState group, MasterCopy masterCopy, string prefix)
        {
            var state = masterCopy.State;
            var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "standin-mc-" + Guid.NewGuid().ToString("N") + ".xml");
            System.IO.File.WriteAllBytes(file, state.Xml);
            try
            {
                return SimaticMLStore.Import(project, group, new System.IO.FileInfo(file), Siemens.Engineering.ImportOptions.None, prefix);
            }
            finally
            {
                System.IO.File.Delete(file);
            }
        }
    }

    /// <summary>The project library in the project file: folders and master copies.</summary>
    internal sealed class LibraryPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var folder in project.MasterCopyFolders) yield return new[] { "library.folder", Record.Text(folder) };
            foreach (var m in project.MasterCopies)
                yield return new[] { "library.mc", Record.Text(m.Folder), Record.Text(m.Name), Record.Text(m.Author), Record.Text(m.ContentName),
                                     m.Element, m.Created.Ticks.ToString(), Convert.ToBase64String(m.Xml) };
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields[0] == "library.folder") { project.MasterCopyFolders.Add(Record.Untext(fields[1])); return true; }
            if (fields[0] != "library.mc") return false;
            project.MasterCopies.Add(new MasterCopyState
            {
                Folder = Record.Untext(fields[1]), Name = Record.Untext(fields[2]), Author = Record.Untext(fields[3]),
                ContentName = Record.Untext(fields[4]), Element = fields[5], Created = new DateTime(long.Parse(fields[6]), DateTimeKind.Utc),
                Xml = Convert.FromBase64String(fields[7]),
            });
            return true;
        }
    }
}

namespace StandIn.Control
{
    /// <summary>A type a test puts in the project library, as TIA's UI makes one (Openness V19 cannot):
    /// its class (<c>LibraryType</c>, <c>FaceplateLibraryType</c>, <c>VBScriptLibraryType</c>), name, versions
    /// (number → in work) and default version.</summary>
    public sealed class LibraryTypeSeed
    {
        internal string Kind = "LibraryType";
        internal string Name = "";
        internal string DefaultVersion = "";
        internal readonly List<KeyValuePair<string, bool>> Versions = new List<KeyValuePair<string, bool>>();
    }

    /// <summary>Test-only: the project library's types (every project's, until <see cref="Machine.Reset"/>).</summary>
    public static class LibraryTypes
    {
        internal static readonly List<LibraryTypeSeed> Seeded = new List<LibraryTypeSeed>();

        /// <summary>Add a type; <paramref name="versions"/> is "0.0.1,0.0.2*" (a star marks the in-work one), the
        /// default is the highest released one.</summary>
        public static void Add(string kind, string name, string versions)
        {
            var seed = new LibraryTypeSeed { Kind = kind, Name = name };
            foreach (var part in versions.Split(','))
                seed.Versions.Add(new KeyValuePair<string, bool>(part.TrimEnd('*'), part.EndsWith("*", StringComparison.Ordinal)));
            seed.DefaultVersion = seed.Versions.Where(v => !v.Value).Select(v => v.Key).LastOrDefault() ?? "";
            Seeded.Add(seed);
        }

        public static void Clear() { Seeded.Clear(); }

        internal static LibraryType Make(LibraryTypeSeed seed)
        {
            if (seed.Kind == "FaceplateLibraryType") return new Siemens.Engineering.Hmi.Faceplate.FaceplateLibraryType(seed);
            if (seed.Kind == "VBScriptLibraryType") return new Siemens.Engineering.Hmi.RuntimeScripting.VBScriptLibraryType(seed);
            return new LibraryType(seed);
        }
    }
}
