// The stand-in's "network": virtual S7-1500 CPUs that both stand-ins reach. PLCSIM Advanced's instances
// (plcsim/*.cs) are VirtualCpus; a download from TIA (the Siemens.Engineering stand-in) finds its target here by
// address or instance name, as a real download finds PLCSIM over Softbus or TCP/IP. Nothing here exists in
// Siemens' APIs; it is compiled into its own assembly (StandIn.Wire.dll) that both stand-ins reference.
using System;
using System.Collections.Generic;
using System.Linq;

namespace StandIn.Wire
{
    // Partial: the online slice may add what a download leaves behind in its own file (wire/*.cs).
    public sealed partial class VirtualCpu
    {
        public VirtualCpu(string name) { Name = name; }

        public string Name { get; private set; }
        public string CpuType = "CPU1500_Unspecified";
        /// <summary>"Softbus" or "TCPIP" (PLCSIM Advanced's ECommunicationInterface).</summary>
        public string CommunicationInterface = "Softbus";
        /// <summary>IPv4 addresses of the CPU's interfaces, in interface order.</summary>
        public readonly List<string> Addresses = new List<string>();
        /// <summary>EOperatingState name: Off, Booting, Stop, Startup, Run, ShuttingDown.</summary>
        public string OperatingState = "Off";

        public readonly byte[] Inputs = new byte[32 * 1024];
        public readonly byte[] Outputs = new byte[32 * 1024];
        public readonly byte[] Markers = new byte[16 * 1024];

        /// <summary>Symbolic tags of the loaded program ("Data.count", "Motor_On"), name to value.</summary>
        public readonly Dictionary<string, object> Tags = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        /// <summary>TIA data type of a symbolic tag ("Int", "Bool", "Real"), name to type; a tag without an entry
        /// takes its type from its value's .NET type.</summary>
        public readonly Dictionary<string, string> TagTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>Loaded blocks, name to a digest of what was downloaded.</summary>
        public readonly Dictionary<string, string> Blocks = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>Name of the TIA device whose software was downloaded last (null before any download).</summary>
        public string Device;

        // ----- PLCSIM Advanced's view of the instance (plcsim/*.cs) ------------------------------------------
        /// <summary>The id the runtime manager gave the instance at registration.</summary>
        public int Id;
        /// <summary>The mode's family: Default, SingleStep or TimespanSynchronized (API 1.0's names).</summary>
        public string OperatingMode = "Default";
        /// <summary>The EOperatingMode name as set (newer APIs: SingleStep_C, SingleStep_CPT, TimespanSynchronized_P, ...).</summary>
        public string OperatingModeName = "Default";
        /// <summary>A RUN CPU in a stepped operating mode waits at a synchronization point (PLCSIM's Freeze state);
        /// OperatingState stays "Run" for readers of the wire.</summary>
        public bool Frozen;
        public double ScaleFactor = 1.0;
        /// <summary>Virtual duration of one stepped cycle (PLCSIM's OverwrittenMinimalCycleTime_ns; 100 ms by default).</summary>
        public long CycleTimeNs = 100000000;
        /// <summary>Virtual time that passed while the CPU ran (ns); the stand-in's cycles only advance it.</summary>
        public long VirtualTimeNs;
        /// <summary>Cycles the stand-in counted (it runs no program: a cycle only advances time).</summary>
        public long Cycles;
        /// <summary>The virtual system clock at VirtualTimeNs = 0.</summary>
        public DateTime SystemTimeBase = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        /// <summary>Wall-clock instant up to which a free-running (Default mode) CPU's time was advanced.</summary>
        public DateTime FreeRunSince;
        public string StoragePath = "";
        /// <summary>IP suites by interface index: address, subnet mask, default gateway.</summary>
        public readonly SortedDictionary<uint, string[]> IpSuites = new SortedDictionary<uint, string[]>();
        /// <summary>Digest of the tags when the tag list was last read (null: never read since registration).</summary>
        public string TagListDigest;
        /// <summary>ETagListDetails name of the last tag-list read.</summary>
        public string TagListDetails = "None";

        /// <summary>A digest of the loaded program's tags and blocks: a download changes it.</summary>
        public string ProgramDigest()
        {
            var parts = Tags.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase)
                .Select(k => k + ":" + (TagTypes.ContainsKey(k) ? TagTypes[k] : ""))
                .Concat(Blocks.OrderBy(b => b.Key, StringComparer.OrdinalIgnoreCase).Select(b => b.Key + "=" + b.Value));
            return string.Join("|", parts);
        }
    }

    public static class Softbus
    {
        public static readonly List<VirtualCpu> Cpus = new List<VirtualCpu>();
        /// <summary>The runtime manager's open remote port (0: closed).</summary>
        public static ushort ManagerPort;
        /// <summary>Whether the runtime manager process runs (tests set it false to play a stopped manager).</summary>
        public static bool ManagerAvailable = true;
        public static int NextId = 1;

        public static VirtualCpu Find(string name)
        {
            return Cpus.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        public static VirtualCpu FindByAddress(string address)
        {
            return Cpus.FirstOrDefault(c => c.Addresses.Contains(address));
        }

        public static void Reset()
        {
            Cpus.Clear();
            ManagerPort = 0;
            ManagerAvailable = true;
            NextId = 1;
        }
    }
}
