// Stand-in for Siemens.Engineering.Cax: AutomationML (CAEX 3.0) export and import of hardware, offered by the
// project (Project.GetService<CaxProvider>()); see Engineering.cs for the ground rules. The AML written here keeps
// the structure of TIA's AR APC exports (project element > device > Rack_0 > head item > interface > node; subnets
// and InternalLinks under the project) with the stand-in's own IDs and header, not TIA's bytes. Imported devices
// land unassigned (no IO system assignment), as reported for TIA; an IO controller's IO system comes along.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml;
using Siemens.Engineering.HW;
using StandIn.Control;

namespace Siemens.Engineering.Cax
{
    public enum CaxImportOptions { MoveToParkingLot = 0, OverwriteTiaDevice = 1, RetainTiaDevice = 2 }

    public sealed class CaxProvider : IEngineeringService
    {
        private readonly Project _project;
        internal CaxProvider(Project project) { _project = project; }

        public bool Export(Device device, FileInfo exportFile, FileInfo logFile)
        {
            Check("CaxProvider.Export", exportFile, logFile);
            AmlWriter.Write(_project.State, new List<DeviceState> { device.State }, exportFile.FullName);
            File.WriteAllText(logFile.FullName, "Export of '" + device.Name + "' completed.\n");
            return true;
        }

        public bool Export(Project project, FileInfo exportFile, FileInfo logFile)
        {
            Check("CaxProvider.Export", exportFile, logFile);
            AmlWriter.Write(_project.State, _project.State.Devices.ToList(), exportFile.FullName);
            File.WriteAllText(logFile.FullName, "Export of project '" + project.Name + "' completed.\n");
            return true;
        }

        // False (and the reason in the log) when the file cannot be imported; nothing is imported then.
        public bool Import(FileInfo importFilePath, FileInfo logFilePath, CaxImportOptions importOption)
        {
            _project.Live();
            Faults.Check("CaxProvider.Import");
            RequireLog(logFilePath);
            RequireNoExclusiveAccess();
            if (!importFilePath.Exists)
                throw new EngineeringTargetInvocationException("The CAx import failed.", "The file '" + importFilePath.FullName + "' does not exist.", null);
            string error;
            var plan = AmlReader.Read(importFilePath.FullName, out error);
            if (plan != null && importOption != CaxImportOptions.RetainTiaDevice)
                error = "Only RetainTiaDevice is modelled by the stand-in.";
            if (error == null)
            {
                // RetainTiaDevice: a device that exists keeps its TIA configuration; the file's one is not imported.
                plan.RemoveAll(p => _project.State.Devices.Any(d => string.Equals(d.Name, p.Name, StringComparison.OrdinalIgnoreCase)));
                AmlReader.Apply(_project.State, plan);
                _project.State.Modified = true;
            }
            File.WriteAllText(logFilePath.FullName, error == null ? "Import completed.\n" : "Error: " + error + "\n");
            return error == null;
        }

        private void Check(string member, FileInfo exportFile, FileInfo logFile)
        {
            _project.Live();
            Faults.Check(member);
            RequireLog(logFile);
            RequireNoExclusiveAccess();
            if (exportFile.Exists)
                throw new EngineeringTargetInvocationException("The CAx export failed.", "The file '" + exportFile.FullName + "' already exists.", null);
        }

        private static void RequireLog(FileInfo logFile)
        {
            if (!string.Equals(logFile.Extension, ".log", StringComparison.OrdinalIgnoreCase))
                throw new EngineeringTargetInvocationException("The CAx operation failed.", "The log file must have the extension .log.", null);
        }

        // Reported for TIA: the CAx provider refuses calls made inside an exclusive access.
        private void RequireNoExclusiveAccess()
        {
            if (_project.Process.ExclusiveAccessHeld)
                throw new EngineeringTargetInvocationException("The CAx operation is not possible.", "It cannot run inside an exclusive access.", null);
        }
    }
}

namespace StandIn.Control
{
    internal static class Aml
    {
        internal const string Ns = "http://www.dke.de/CAEX";
        internal const string Rcl = "AutomationProjectConfigurationRoleClassLib/";
    }

    internal static class AmlWriter
    {
        internal static void Write(ProjectState project, List<DeviceState> devices, string file)
        {
            var doc = new XmlDocument();
            var root = doc.AppendChild(doc.CreateElement("CAEXFile", Aml.Ns)) as XmlElement;
            root.SetAttribute("SchemaVersion", "3.0");
            root.SetAttribute("FileName", Path.GetFileName(file));
            Text(root, "SuperiorStandardVersion", "AutomationML 2.10");
            var info = Child(root, "SourceDocumentInformation");
            info.SetAttribute("OriginName", "TIA Portal stand-in");
            info.SetAttribute("OriginID", "engineering-api-standin");
            info.SetAttribute("OriginVersion", Machine.Version.ToString());
            info.SetAttribute("LastWritingDateTime", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"));
            var hierarchy = Child(root, "InstanceHierarchy");
            hierarchy.SetAttribute("Name", project.Name);
            var top = Element(hierarchy, project.Name);
            var links = new List<string[]>();
            var subnets = new Dictionary<SubnetState, string>();
            foreach (var d in devices)
            {
                var device = Element(top, d.Name);
                Attr(device, "TypeIdentifier", "System:Device");
                var rack = Element(device, "Rack_0");
                Attr(rack, "TypeName", "Rack");
                Attr(rack, "TypeIdentifier", "System:Rack");
                Attr(rack, "PositionNumber", "0");
                var head = Element(rack, d.ItemName);
                Attr(head, "TypeIdentifier", d.TypeIdentifier);
                var slash = d.TypeIdentifier.IndexOf('/');
                if (slash >= 0) Attr(head, "FirmwareVersion", d.TypeIdentifier.Substring(slash + 1));
                Attr(head, "PositionNumber", "1");
                Attr(head, "BuiltIn", "false");
                var role = HardwareCatalogData.Role(d.TypeIdentifier);
                Attr(head, "DeviceItemType", role == "io-device" ? "HeadModule" : "CPU");
                if (HardwareCatalogData.HasEthernet(d.TypeIdentifier))
                {
                    var iface = Element(head, "PROFINET interface_1");
                    Attr(iface, "PositionNumber", "32768");
                    Attr(iface, "BuiltIn", "true");
                    var n = d.NetworkNode;
                    var node = Element(iface, "E1");
                    Attr(node, "Type", "Ethernet");
                    if (n != null && n.Address != null) Attr(node, "NetworkAddress", n.Address);
                    if (n != null && n.Mask != null) Attr(node, "SubnetMask", n.Mask);
                    if (n != null && n.UseRouter && n.Router != null) Attr(node, "RouterAddress", n.Router);
                    var endPoint = EndPoint(node, "LogicalEndPoint_Node");
                    Role(node, "Node");
                    if (n != null && n.Subnet != null)
                    {
                        if (!subnets.ContainsKey(n.Subnet)) subnets[n.Subnet] = null;
                        links.Add(new[] { endPoint, n.Subnet.Name });
                    }
                    var system = project.Subnets.SelectMany(s => s.IoSystems).FirstOrDefault(s => s.Controller == d);
                    if (system != null)
                    {
                        var io = Element(iface, system.Name);
                        Attr(io, "Number", system.Number.ToString());
                        EndPoint(io, "LogicalEndPoint_IoSystem");
                        Role(io, "IoSystem");
                    }
                    Role(iface, "CommunicationInterface");
                }
                Role(head, "DeviceItem");
                Role(device, "Device");
            }
            foreach (var s in subnets.Keys.ToList())
            {
                var subnet = Element(top, s.Name);
                Attr(subnet, "Type", s.TypeIdentifier.Substring(s.TypeIdentifier.LastIndexOf('.') + 1));
                subnets[s] = EndPoint(subnet, "LogicalEndPoint_Subnet");
                Role(subnet, "Subnet");
            }
            var number = 0;
            foreach (var link in links)
            {
                var l = Child(top, "InternalLink");
                l.SetAttribute("Name", "Link_" + ++number);
                l.SetAttribute("RefPartnerSideA", link[0]);
                l.SetAttribute("RefPartnerSideB", subnets.First(p => p.Key.Name == link[1]).Value);
            }
            Role(top, "AutomationProject");
            doc.Save(file);
        }

        private static XmlElement Child(XmlElement parent, string name)
        {
            return parent.AppendChild(parent.OwnerDocument.CreateElement(name, Aml.Ns)) as XmlElement;
        }

        private static void Text(XmlElement parent, string name, string text) { Child(parent, name).InnerText = text; }

        private static XmlElement Element(XmlElement parent, string name)
        {
            var el = Child(parent, "InternalElement");
            el.SetAttribute("ID", Guid.NewGuid().ToString());
            el.SetAttribute("Name", name);
            return el;
        }

        private static void Attr(XmlElement el, string name, string value)
        {
            var a = Child(el, "Attribute");
            a.SetAttribute("Name", name);
            Text(a, "Value", value);
        }

        private static string EndPoint(XmlElement el, string name)
        {
            var ext = Child(el, "ExternalInterface");
            var id = Guid.NewGuid().ToString();
            ext.SetAttribute("ID", id);
            ext.SetAttribute("Name", name);
            ext.SetAttribute("RefBaseClassPath", "CommunicationInterfaceClassLib/LogicalEndPoint");
            return id;
        }

        private static void Role(XmlElement el, string role)
        {
            Child(el, "SupportedRoleClass").SetAttribute("RefRoleClassPath", Aml.Rcl + role);
        }
    }

    /// <summary>A device read from an AML file, applied only when the whole file was read.</summary>
    internal sealed class AmlDevice
    {
        internal string Name, ItemName, TypeIdentifier, Address, Mask, Router, Subnet, SubnetType, IoSystem;
        internal int IoSystemNumber;
    }

    internal static class AmlReader
    {
        internal static List<AmlDevice> Read(string file, out string error)
        {
            error = null;
            var doc = new XmlDocument { XmlResolver = null };
            try
            {
                using (var reader = XmlReader.Create(file, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
                    doc.Load(reader);
            }
            catch (XmlException e) { error = "The file is not XML: " + e.Message; return null; }
            var ns = new XmlNamespaceManager(doc.NameTable);
            ns.AddNamespace("c", Aml.Ns);
            if (doc.DocumentElement == null || doc.DocumentElement.LocalName != "CAEXFile" || doc.DocumentElement.NamespaceURI != Aml.Ns)
            {
                error = "The file is not CAEX 3.0 AutomationML.";
                return null;
            }
            var owners = new Dictionary<string, XmlElement>();
            foreach (XmlElement ext in doc.SelectNodes("//c:ExternalInterface", ns)) owners[ext.GetAttribute("ID")] = (XmlElement)ext.ParentNode;
            var linked = new Dictionary<XmlElement, XmlElement>();
            foreach (XmlElement link in doc.SelectNodes("//c:InternalLink", ns))
            {
                XmlElement a, b;
                if (owners.TryGetValue(link.GetAttribute("RefPartnerSideA"), out a) && owners.TryGetValue(link.GetAttribute("RefPartnerSideB"), out b))
                { linked[a] = b; linked[b] = a; }
            }
            var plan = new List<AmlDevice>();
            foreach (XmlElement el in doc.SelectNodes("//c:InternalElement", ns))
            {
                if (!HasRole(el, ns, "Device")) continue;
                var head = el.SelectNodes(".//c:InternalElement", ns).Cast<XmlElement>()
                    .FirstOrDefault(x => (Value(x, ns, "TypeIdentifier") ?? "").StartsWith("OrderNumber:", StringComparison.Ordinal));
                if (head == null) { error = "Device '" + el.GetAttribute("Name") + "' has no device item with an article number."; return null; }
                var typeId = Value(head, ns, "TypeIdentifier");
                var firmware = Value(head, ns, "FirmwareVersion");
                if (typeId.IndexOf('/') < 0 && firmware != null) typeId += "/" + firmware;
                var refusal = HardwareCatalogData.Role(typeId) == null ? "The article of '" + typeId + "' is not in the hardware catalog." : HardwareCatalogData.Refusal(typeId);
                if (refusal != null) { error = refusal; return null; }
                var device = new AmlDevice { Name = el.GetAttribute("Name"), ItemName = head.GetAttribute("Name"), TypeIdentifier = typeId };
                var node = head.SelectNodes(".//c:InternalElement", ns).Cast<XmlElement>().FirstOrDefault(x => HasRole(x, ns, "Node"));
                if (node != null)
                {
                    device.Address = Value(node, ns, "NetworkAddress");
                    device.Mask = Value(node, ns, "SubnetMask");
                    device.Router = Value(node, ns, "RouterAddress");
                    XmlElement subnet;
                    if (linked.TryGetValue(node, out subnet))
                    {
                        device.Subnet = subnet.GetAttribute("Name");
                        device.SubnetType = "System:Subnet." + (Value(subnet, ns, "Type") ?? "Ethernet");
                    }
                }
                var system = head.SelectNodes(".//c:InternalElement", ns).Cast<XmlElement>().FirstOrDefault(x => HasRole(x, ns, "IoSystem"));
                if (system != null)
                {
                    device.IoSystem = system.GetAttribute("Name");
                    int.TryParse(Value(system, ns, "Number"), out device.IoSystemNumber);
                }
                plan.Add(device);
            }
            if (plan.Count == 0) error = "The file describes no device.";
            return error == null ? plan : null;
        }

        internal static void Apply(ProjectState project, List<AmlDevice> plan)
        {
            foreach (var p in plan)
            {
                var device = DeviceState.Make(p.Name, p.ItemName, p.TypeIdentifier);
                project.Devices.Add(device);
                if (p.Address == null && p.Subnet == null) continue;
                var node = Network.NodeOf(device);
                node.Address = p.Address; node.Mask = p.Mask; node.Router = p.Router; node.UseRouter = p.Router != null;
                Network.Sync(device);
                if (p.Subnet == null) continue;
                var subnet = project.Subnets.FirstOrDefault(s => s.Name == p.Subnet);
                if (subnet == null) project.Subnets.Add(subnet = new SubnetState { Name = p.Subnet, TypeIdentifier = p.SubnetType });
                node.Subnet = subnet;
                if (p.IoSystem == null || subnet.IoSystems.Any(s => s.Controller == device)) continue;
                var numbers = project.Subnets.SelectMany(s => s.IoSystems).Select(s => s.Number).ToList();
                var number = p.IoSystemNumber > 0 && !numbers.Contains(p.IoSystemNumber) ? p.IoSystemNumber : (numbers.Count == 0 ? 100 : numbers.Max() + 1);
                subnet.IoSystems.Add(new IoSystemState { Name = p.IoSystem, Number = number, Controller = device, Subnet = subnet });
            }
        }

        private static bool HasRole(XmlElement el, XmlNamespaceManager ns, string role)
        {
            return el.SelectNodes("c:SupportedRoleClass|c:RoleRequirements", ns).Cast<XmlElement>().Any(r =>
                (r.GetAttribute("RefRoleClassPath") + r.GetAttribute("RefBaseRoleClassPath")).Split('/').Last() == role);
        }

        private static string Value(XmlElement el, XmlNamespaceManager ns, string name)
        {
            var v = el.SelectNodes("c:Attribute", ns).Cast<XmlElement>().FirstOrDefault(a => a.GetAttribute("Name") == name);
            var value = v == null ? null : v.SelectSingleNode("c:Value", ns);
            return value == null ? null : value.InnerText.Trim();
        }
    }
}
