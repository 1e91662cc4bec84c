// The stand-in's network state (StandIn.Control, not Siemens API): nodes, subnets, IO systems, the services
// offered on interface items, the hardware compile, and the project-file records (NetworkPart).
using System;
using System.Collections.Generic;
using System.Linq;
using Siemens.Engineering.Compiler;
using Siemens.Engineering.HW.Features;
using StandIn.Control;

namespace StandIn.Control
{
    internal sealed partial class DeviceState
    {
        /// <summary>One node per interface item, in the catalog's order (null until first touched, see Network.NodesOf).</summary>
        internal List<NodeState> Nodes;

        /// <summary>The first Ethernet node (X1), or null before the nodes are touched (CAx export reads it).</summary>
        internal NodeState NetworkNode
        {
            get { return Nodes == null ? null : Nodes.FirstOrDefault(n => n.Type == Siemens.Engineering.HW.NetType.Ethernet); }
        }

        /// <summary>The IO system the device's IoConnector is assigned to (null: not assigned, "parking lot").</summary>
        internal IoSystemState IoSystem;
    }

    internal sealed partial class ProjectState
    {
        internal readonly List<SubnetState> Subnets = new List<SubnetState>();
    }

    internal sealed class NodeState
    {
        /// <summary>Name of the interface device item the node belongs to ("PROFINET interface_2").</summary>
        internal string Interface;
        internal Siemens.Engineering.HW.NetType Type;
        internal string Address;
        internal string Mask;
        internal bool UseRouter;
        internal string Router;
        internal SubnetState Subnet;
    }

    internal sealed class SubnetState
    {
        internal string Name;
        internal string TypeIdentifier;
        internal readonly List<IoSystemState> IoSystems = new List<IoSystemState>();
    }

    internal sealed class IoSystemState
    {
        internal string Name;
        internal int Number;
        internal DeviceState Controller;
        /// <summary>The controller's interface node; null means its first Ethernet node (as CAx import creates them).</summary>
        internal NodeState ControllerNode;
        internal SubnetState Subnet;
    }

    internal static class Network
    {
        /// <summary>The device's nodes, one per interface item of its article (made on first touch).</summary>
        internal static List<NodeState> NodesOf(DeviceState device)
        {
            return device.Nodes ?? (device.Nodes = HardwareCatalogData.Interfaces(device.TypeIdentifier)
                .Select(i => new NodeState { Interface = i, Type = HardwareCatalogData.InterfaceType(i) }).ToList());
        }

        /// <summary>The device's first Ethernet node (X1); a detached node for a device without one.</summary>
        internal static NodeState NodeOf(DeviceState device)
        {
            return NodesOf(device).FirstOrDefault(n => n.Type == Siemens.Engineering.HW.NetType.Ethernet)
                ?? new NodeState { Interface = "", Type = Siemens.Engineering.HW.NetType.Ethernet };
        }

        internal static NodeState ControllerNode(IoSystemState system)
        {
            return system.ControllerNode ?? NodeOf(system.Controller);
        }

        internal static string SubnetTypeFor(Siemens.Engineering.HW.NetType type)
        {
            switch (type)
            {
                case Siemens.Engineering.HW.NetType.Profibus: return "System:Subnet.Profibus";
                case Siemens.Engineering.HW.NetType.Mpi: return "System:Subnet.Mpi";
                default: return "System:Subnet.Ethernet";
            }
        }

        /// <summary>Keeps DeviceState.Addresses (read by online/download) in step with the nodes: the IPv4 addresses
        /// of the Ethernet interfaces, in interface order.</summary>
        internal static void Sync(DeviceState device)
        {
            device.Addresses.Clear();
            if (device.Nodes == null) return;
            foreach (var n in device.Nodes)
                if (n.Type == Siemens.Engineering.HW.NetType.Ethernet && !string.IsNullOrEmpty(n.Address)) device.Addresses.Add(n.Address);
        }

        internal static string RequireIPv4(string text, string what)
        {
            var parts = (text ?? "").Split('.');
            int n;
            if (parts.Length != 4 || parts.Any(p => !int.TryParse(p, out n) || n < 0 || n > 255 || p.Length == 0 || p.Length > 3))
                throw new Siemens.Engineering.EngineeringTargetInvocationException("The value is not valid.", "'" + text + "' is not a valid " + what + ".", null);
            return text;
        }

        /// <summary>What TIA does to the network when a device goes (node null) or one of its nodes leaves its subnet:
        /// the IO systems it controls there go, with their assignments; its own assignment goes; the subnet stays.</summary>
        internal static void Unassign(ProjectState project, DeviceState device, NodeState node = null)
        {
            foreach (var subnet in project.Subnets)
                foreach (var system in subnet.IoSystems.Where(s => s.Controller == device && (node == null || ControllerNode(s) == node)).ToList())
                {
                    foreach (var d in project.Devices.Where(x => x.IoSystem == system)) d.IoSystem = null;
                    subnet.IoSystems.Remove(system);
                }
            if (node == null || (device.IoSystem != null && device.IoSystem.Subnet == node.Subnet)) device.IoSystem = null;
        }

        /// <summary>The NetworkInterface of interface item <paramref name="index"/> of the device (DeviceItem.GetService).</summary>
        internal static NetworkInterface InterfaceOf(Siemens.Engineering.Project project, DeviceState device, int index)
        {
            var nodes = NodesOf(device);
            return index >= 0 && index < nodes.Count ? new NetworkInterface(project, device, nodes[index]) : null;
        }
    }

    /// <summary>Hands out the hardware compiler of a device's rack item (interface items' NetworkInterface comes from
    /// DeviceItem.GetService via Network.InterfaceOf).</summary>
    internal sealed class NetworkServices : IDeviceItemServices
    {
        public object Provide(Type service, Siemens.Engineering.Project project, DeviceState device, bool isCpuItem)
        {
            if (service == typeof(ICompilable) && !isCpuItem) return new HardwareCompilable(project, device);
            return null;
        }
    }

    /// <summary>The hardware compile of one device (Openness hands out its own ICompilable; only the interface is
    /// public): duplicate IP addresses in a subnet and a subnet connection without an address are errors.</summary>
    internal sealed class HardwareCompilable : ICompilable
    {
        private readonly Siemens.Engineering.Project _project;
        private readonly DeviceState _device;
        internal HardwareCompilable(Siemens.Engineering.Project project, DeviceState device) { _project = project; _device = device; }

        public CompilerResult Compile()
        {
            _project.Live();
            Faults.Check("ICompilable.Compile");
            var findings = new List<CompilerResultMessage>();
            foreach (var node in (_device.Nodes ?? new List<NodeState>()).Where(n => n.Type == Siemens.Engineering.HW.NetType.Ethernet && n.Subnet != null))
            {
                var path = _device.Name + "/" + node.Interface;
                if (string.IsNullOrEmpty(node.Address))
                {
                    findings.Add(Message(path, "The interface is connected to subnet '" + node.Subnet.Name + "' but has no IP address."));
                    continue;
                }
                var same = _project.State.Devices.Where(d => d.Nodes != null && d.Nodes.Any(n => n != node && n.Subnet == node.Subnet && n.Address == node.Address))
                    .Select(d => d.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
                if (same.Count > 0)
                    findings.Add(Message(path, "The IP address " + node.Address + " is assigned more than once in subnet '" + node.Subnet.Name
                        + "' (also used by " + string.Join(", ", same) + ")."));
            }
            var state = findings.Count > 0 ? CompilerResultState.Error : CompilerResultState.Success;
            if (findings.Count == 0)
                findings.Add(new CompilerResultMessage(_device.Name, "Compiling finished (errors: 0; warnings: 0)", CompilerResultState.Success, 0, 0, new List<CompilerResultMessage>()));
            var errors = state == CompilerResultState.Error ? findings.Count : 0;
            var top = new CompilerResultMessage(_device.Name, "Hardware configuration", state, errors, 0, findings);
            return new CompilerResult(state, errors, 0, new List<CompilerResultMessage> { top });
        }

        private static CompilerResultMessage Message(string path, string text)
        {
            return new CompilerResultMessage(path, text, CompilerResultState.Error, 1, 0, new List<CompilerResultMessage>());
        }
    }

    /// <summary>Subnets, nodes and IO systems in the project file: subnets first, then nodes, IO systems, assignments.
    /// A node record names its interface item (last field); records without one mean the first Ethernet node. IO system
    /// and assignment records carry the controller's interface and the system's number.</summary>
    internal sealed class NetworkPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var s in project.Subnets) yield return new[] { "net.subnet", Record.Text(s.Name), s.TypeIdentifier };
            foreach (var d in project.Devices.Where(x => x.Nodes != null))
                foreach (var n in d.Nodes.Where(x => x.Address != null || x.Mask != null || x.Subnet != null))
                    yield return new[]
                    {
                        "net.node", Record.Text(d.Name), n.Address ?? "", n.Mask ?? "", n.UseRouter ? "1" : "0", n.Router ?? "",
                        n.Subnet == null ? "" : Record.Text(n.Subnet.Name), Record.Text(n.Interface),
                    };
            foreach (var system in project.Subnets.SelectMany(s => s.IoSystems))
                yield return new[]
                {
                    "net.iosystem", Record.Text(system.Subnet.Name), Record.Text(system.Name), system.Number.ToString(), Record.Text(system.Controller.Name),
                    Record.Text(Network.ControllerNode(system).Interface),
                };
            foreach (var d in project.Devices.Where(x => x.IoSystem != null))
                yield return new[] { "net.assigned", Record.Text(d.Name), Record.Text(d.IoSystem.Name), d.IoSystem.Number.ToString() };
        }

        public bool Load(ProjectState project, string[] f)
        {
            switch (f[0])
            {
                case "net.subnet":
                    project.Subnets.Add(new SubnetState { Name = Record.Untext(f[1]), TypeIdentifier = f[2] });
                    return true;
                case "net.node":
                {
                    var device = Device(project, f[1]);
                    var node = Node(device, f.Length > 7 ? f[7] : null);
                    node.Address = Empty(f[2]); node.Mask = Empty(f[3]); node.UseRouter = f[4] == "1"; node.Router = Empty(f[5]);
                    node.Subnet = f[6].Length == 0 ? null : Subnet(project, f[6]);
                    Network.Sync(device);
                    return true;
                }
                case "net.iosystem":
                {
                    var subnet = Subnet(project, f[1]);
                    var controller = Device(project, f[4]);
                    subnet.IoSystems.Add(new IoSystemState
                    {
                        Name = Record.Untext(f[2]), Number = int.Parse(f[3]), Controller = controller, Subnet = subnet,
                        ControllerNode = f.Length > 5 ? Node(controller, f[5]) : null,
                    });
                    return true;
                }
                case "net.assigned":
                    // IO systems may share TIA's default name; the number (when recorded) tells them apart.
                    Device(project, f[1]).IoSystem = project.Subnets.SelectMany(s => s.IoSystems)
                        .First(s => s.Name == Record.Untext(f[2]) && (f.Length < 4 || s.Number.ToString() == f[3]));
                    return true;
                default:
                    return false;
            }
        }

        private static NodeState Node(DeviceState device, string field)
        {
            var name = field == null ? null : Record.Untext(field);
            return Network.NodesOf(device).FirstOrDefault(n => n.Interface == name) ?? Network.NodeOf(device);
        }

        private static string Empty(string field) { return field.Length == 0 ? null : field; }
        private static DeviceState Device(ProjectState project, string field) { var name = Record.Untext(field); return project.Devices.First(d => d.Name == name); }
        private static SubnetState Subnet(ProjectState project, string field) { var name = Record.Untext(field); return project.Subnets.First(s => s.Name == name); }
    }
}
