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
        /// <summary>Loaded blocks, name to a digest of what was downloaded.</summary>
        public readonly Dictionary<string, string> Blocks = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>Name of the TIA device whose software was downloaded last (null before any download).</summary>
        public string Device;
    }

    public static class Softbus
    {
        public static readonly List<VirtualCpu> Cpus = new List<VirtualCpu>();

        public static VirtualCpu Find(string name)
        {
            return Cpus.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        public static VirtualCpu FindByAddress(string address)
        {
            return Cpus.FirstOrDefault(c => c.Addresses.Contains(address));
        }

        public static void Reset() { Cpus.Clear(); }
    }
}
