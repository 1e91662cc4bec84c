// Stand-in for Siemens.Engineering.Library's global libraries: TiaPortal.GlobalLibraries, the composition of the
// libraries a portal has open, and GetGlobalLibraryInfos(). This stand-in's portals open none yet, so the bridge's
// lookups of a global library by name answer LIBRARY_NOT_FOUND here. Sources: openness_bridge/README.md,
// "Libraries" (G1).
using System.Collections;
using System.Collections.Generic;
using Siemens.Engineering.Library;

namespace Siemens.Engineering
{
    public sealed partial class TiaPortal
    {
        public GlobalLibraryComposition GlobalLibraries { get { Live(); return new GlobalLibraryComposition(); } }
    }
}

namespace Siemens.Engineering.Library
{
    public abstract class GlobalLibrary
    {
        public abstract string Name { get; }
    }

    public sealed class GlobalLibraryInfo
    {
        internal GlobalLibraryInfo() { }
        public string Name { get { return ""; } }
        public bool IsOpen { get { return false; } }
    }

    public sealed class GlobalLibraryComposition : IEnumerable<GlobalLibrary>
    {
        internal GlobalLibraryComposition() { }
        public IList<GlobalLibraryInfo> GetGlobalLibraryInfos() { return new List<GlobalLibraryInfo>(); }
        public IEnumerator<GlobalLibrary> GetEnumerator() { return new List<GlobalLibrary>().GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }
}
