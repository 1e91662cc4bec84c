// Stand-in for Siemens.Engineering.SW.Tags: PLC tag tables, tags and user constants (see Engineering.cs for the
// ground rules and openness_bridge/README.md "Member table" for the source of every public member).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using StandIn.Control;

namespace Siemens.Engineering.SW
{
    public sealed partial class PlcSoftware
    {
        public Siemens.Engineering.SW.Tags.PlcTagTableSystemGroup TagTableGroup { get { OwnerProject.Live(); return new Siemens.Engineering.SW.Tags.PlcTagTableSystemGroup(); } }
    }
}

namespace Siemens.Engineering.SW.Tags
{
    // Only the type so far: tag tables are not used by the bridge yet.
    public sealed class PlcTagTableSystemGroup { internal PlcTagTableSystemGroup() { } }
}
