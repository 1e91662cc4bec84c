// Stand-in for what real TIA demands when a project is opened or retrieved (see Engineering.cs for the ground rules):
// a project of an older version opens only through OpenWithUpgrade/RetrieveWithUpgrade, and a UMAC-protected
// project only when the UmacDelegate fills in a user that may open it.
//
// Public shape, from the generator stubs of the real V16 and V17 assemblies (github:Repsay/siemens-tia-openness-
// python-stubs, branches v16/v17, typings/Siemens/Engineering/__init__.pyi):
//   ProjectComposition.Open(FileInfo[, UmacDelegate[, ProjectOpenMode]]), OpenWithUpgrade(same overloads),
//   Retrieve(FileInfo, DirectoryInfo[, UmacDelegate[, ProjectOpenMode]]), RetrieveWithUpgrade(same overloads);
//   delegate void UmacDelegate(UmacCredentials umacCredentials);
//   UmacCredentials { string Name { get; set; } UmacUserType Type { get; set; } void SetPassword(SecureString) };
//   enum UmacUserType { Project = 0, Global = 1 }; enum ProjectOpenMode { Primary = 0, Secondary = 1 }.
// Inferred, not documented in those sources: the exception types and texts of a refused open, and where an upgrade
// writes the upgraded project (the stand-in writes name.apNN beside the old file, which stays as it was).
using System;
using System.IO;
using System.Linq;
using System.Security;
using System.Text.RegularExpressions;
using Siemens.Engineering;
using StandIn.Control;

namespace Siemens.Engineering
{
    public enum UmacUserType { Project = 0, Global = 1 }

    public enum ProjectOpenMode { Primary = 0, Secondary = 1 }

    public delegate void UmacDelegate(UmacCredentials umacCredentials);

    /// <summary>What the UmacDelegate fills in: the user and the password that open a protected project.</summary>
    public sealed class UmacCredentials
    {
        internal UmacCredentials() { Type = UmacUserType.Project; }
        internal string Digest;
        public string Name { get; set; }
        public UmacUserType Type { get; set; }
        public void SetPassword(SecureString password) { Digest = Secrets.Digest(password); }
    }

    public sealed partial class ProjectComposition
    {
        public Project Open(FileInfo path, UmacDelegate umacDelegate) { return Opened(path, umacDelegate, false); }
        public Project Open(FileInfo path, UmacDelegate umacDelegate, ProjectOpenMode projectOpenMode) { return Opened(path, umacDelegate, false); }
        public Project OpenWithUpgrade(FileInfo path) { return Opened(path, null, true); }
        public Project OpenWithUpgrade(FileInfo path, UmacDelegate umacDelegate) { return Opened(path, umacDelegate, true); }
        public Project OpenWithUpgrade(FileInfo path, UmacDelegate umacDelegate, ProjectOpenMode projectOpenMode) { return Opened(path, umacDelegate, true); }

        public Project Retrieve(FileInfo sourcePath, DirectoryInfo targetDirectory, UmacDelegate umacDelegate) { return Retrieved(sourcePath, targetDirectory, umacDelegate, false); }
        public Project Retrieve(FileInfo sourcePath, DirectoryInfo targetDirectory, UmacDelegate umacDelegate, ProjectOpenMode projectOpenMode) { return Retrieved(sourcePath, targetDirectory, umacDelegate, false); }
        public Project RetrieveWithUpgrade(FileInfo sourcePath, DirectoryInfo targetDirectory) { return Retrieved(sourcePath, targetDirectory, null, true); }
        public Project RetrieveWithUpgrade(FileInfo sourcePath, DirectoryInfo targetDirectory, UmacDelegate umacDelegate) { return Retrieved(sourcePath, targetDirectory, umacDelegate, true); }
        public Project RetrieveWithUpgrade(FileInfo sourcePath, DirectoryInfo targetDirectory, UmacDelegate umacDelegate, ProjectOpenMode projectOpenMode) { return Retrieved(sourcePath, targetDirectory, umacDelegate, true); }

        private Project Opened(FileInfo path, UmacDelegate umac, bool upgrade)
        {
            Faults.Check(upgrade ? "ProjectComposition.OpenWithUpgrade" : "ProjectComposition.Open");
            if (!path.Exists)
                throw new EngineeringTargetInvocationException("The project cannot be opened.", "The file '" + path.FullName + "' does not exist.", null);
            RequireNoProject();
            var holder = Machine.Processes.FirstOrDefault(p => p.Alive && p != _process && p.Project != null
                && string.Equals(p.Project.File, path.FullName, StringComparison.Ordinal));
            if (holder != null)
                throw new EngineeringTargetInvocationException("The project is locked.", "It is opened by another TIA Portal instance.", null);
            return Activate(ProjectOpening.Load(path.FullName, umac, upgrade));
        }

        private Project Retrieved(FileInfo sourcePath, DirectoryInfo targetDirectory, UmacDelegate umac, bool upgrade)
        {
            Faults.Check(upgrade ? "ProjectComposition.RetrieveWithUpgrade" : "ProjectComposition.Retrieve");
            if (!sourcePath.Exists)
                throw new EngineeringTargetInvocationException("The project cannot be retrieved.", "The file '" + sourcePath.FullName + "' does not exist.", null);
            RequireNoProject();
            var file = ProjectArchive.Extract(sourcePath.FullName, targetDirectory.FullName);
            return Activate(ProjectOpening.Load(file, umac, upgrade));
        }

        private void RequireNoProject()
        {
            if (_process.Project != null)
                throw new EngineeringTargetInvocationException("Another project is already open.", "Close the open project first.", null);
        }

        private Project Activate(ProjectState state)
        {
            _process.Open(state);
            return new Project(_process, state);
        }
    }
}

namespace StandIn.Control
{
    internal sealed partial class ProjectState
    {
        /// <summary>Project protection (UMAC) is on: opening needs a project user's name and password.</summary>
        internal bool UmacProtected;
    }

    /// <summary>Test control: protect a project file (as "Protect this project" in TIA's UI would).</summary>
    public static class ProjectProtection
    {
        /// <summary>Marks the saved project <paramref name="projectFile"/> as protected; its project users open it.</summary>
        public static void Protect(string projectFile) { File.AppendAllText(projectFile, "umac-protected\t1\n"); }
    }

    internal sealed class ProjectProtectionPart : IProjectPart
    {
        public System.Collections.Generic.IEnumerable<string[]> Save(ProjectState project)
        {
            if (project.UmacProtected) yield return new[] { "umac-protected", "1" };
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields[0] != "umac-protected") return false;
            project.UmacProtected = true;
            return true;
        }
    }

    /// <summary>The version and UMAC checks of an open or a retrieve, then the project's state.</summary>
    internal static class ProjectOpening
    {
        private static readonly Regex Suffix = new Regex(@"\.ap(\d\d)$", RegexOptions.IgnoreCase);

        internal static ProjectState Load(string file, UmacDelegate umac, bool upgrade)
        {
            var match = Suffix.Match(file);
            var version = match.Success ? int.Parse(match.Groups[1].Value) : 0;
            if (match.Success && version < Machine.Version)
            {
                if (!upgrade)
                    throw new EngineeringTargetInvocationException("The project cannot be opened.",
                        "The project was created with TIA Portal V" + version + " and must be upgraded to V" + Machine.Version + " (OpenWithUpgrade).", null);
                var upgraded = Upgrade(file);
                try { return Checked(upgraded, umac); }
                catch { File.Delete(upgraded); throw; }  // a refused upgrade leaves only the old project
            }
            return Checked(file, umac);
        }

        private static ProjectState Checked(string file, UmacDelegate umac)
        {
            var state = ProjectState.Load(file, Machine.Version);
            if (state.UmacProtected) Authenticate(state, umac);
            return state;
        }

        /// <summary>Writes the upgraded project beside the old file (which stays as it was) and returns its path.</summary>
        private static string Upgrade(string file)
        {
            var lines = File.ReadAllLines(file);
            if (lines.Length == 0 || lines[0] != "stand-in TIA project")
                throw new EngineeringTargetInvocationException("The project cannot be opened.", "The file is not a TIA Portal project.", null);
            var target = Path.ChangeExtension(file, ".ap" + Machine.Version);
            if (File.Exists(target))
                throw new EngineeringTargetInvocationException("The project cannot be upgraded.", "The file '" + target + "' already exists.", null);
            File.Copy(file, target);
            return Path.GetFullPath(target);
        }

        private static void Authenticate(ProjectState state, UmacDelegate umac)
        {
            var credentials = Dialogs.Authenticate(umac);  // TiaPortal.Authentication first (V17 on), then the delegate
            if (credentials.Name == null)
                throw new EngineeringTargetInvocationException("The project cannot be opened.", "The project is protected: user authentication (UMAC) is needed.", null);
            var user = credentials.Type == UmacUserType.Project
                ? state.Umac.Users.FirstOrDefault(u => string.Equals(u.Name, credentials.Name, StringComparison.OrdinalIgnoreCase))
                : null;  // the stand-in has no UMAC server for global users
            if (user == null || credentials.Digest == null || user.Digest != credentials.Digest)
                throw new EngineeringTargetInvocationException("The project cannot be opened.", "The user name or the password is not valid.", null);
        }
    }
}
