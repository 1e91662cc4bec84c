// State several areas of the stand-in read: kept here so no area reaches into another area's file.
using System.Collections.Generic;

namespace StandIn.Control
{
    internal sealed partial class DeviceState
    {
        /// <summary>IPv4 addresses of the device's PROFINET interfaces, in interface order. Written by the network
        /// configuration (NetworkInterface), read by online/download to find the target on the Softbus.</summary>
        internal readonly List<string> Addresses = new List<string>();

        /// <summary>PLCSIM Advanced instance a download went to last, by name (null before one).</summary>
        internal string SimulationInstance;
    }
}
