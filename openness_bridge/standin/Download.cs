// Stand-in for Siemens.Engineering.Download (DownloadProvider, the pre/post download configurations) and
// Siemens.Engineering.Compare (PlcSoftware.CompareToOnline) (see Engineering.cs for the ground rules).
// A download writes the PLC's objects into the target StandIn.Wire.VirtualCpu: Blocks (name -> digest of the
// SimaticML), Device, and the symbolic tags of its global data blocks (elementary members, start values). Data
// blocks whose SimaticML did not change keep their actual values; changed and new ones are reinitialised.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Siemens.Engineering;
using StandIn.Control;
using StandIn.Wire;

namespace Siemens.Engineering.Download
{
    [Flags]
    public enum DownloadOptions { None = 0, Hardware = 1, Software = 2 }

    public enum DownloadResultState { Success = 0, Information = 1, Warning = 2, Error = 3 }

    public delegate void DownloadConfigurationDelegate(Siemens.Engineering.Download.Configurations.DownloadConfiguration downloadConfiguration);

    public sealed class DownloadResultMessage
    {
        internal DownloadResultMessage(DownloadResultState state, string message, List<DownloadResultMessage> messages)
        {
            State = state; Message = message; DateTime = DateTime.Now;
            Messages = new DownloadResultMessageComposition(messages ?? new List<DownloadResultMessage>());
            ErrorCount = (state == DownloadResultState.Error ? 1 : 0) + Messages.Sum(m => m.ErrorCount);
            WarningCount = (state == DownloadResultState.Warning ? 1 : 0) + Messages.Sum(m => m.WarningCount);
        }
        public DateTime DateTime { get; private set; }
        public DownloadResultState State { get; private set; }
        public string Message { get; private set; }
        public int ErrorCount { get; private set; }
        public int WarningCount { get; private set; }
        public DownloadResultMessageComposition Messages { get; private set; }
    }

    public sealed class DownloadResultMessageComposition : ListComposition<DownloadResultMessage> { internal DownloadResultMessageComposition(List<DownloadResultMessage> items) : base(items) { } }

    public sealed class DownloadResult
    {
        internal DownloadResult(List<DownloadResultMessage> messages)
        {
            Messages = new DownloadResultMessageComposition(messages);
            ErrorCount = messages.Sum(m => m.ErrorCount);
            WarningCount = messages.Sum(m => m.WarningCount);
            State = ErrorCount > 0 ? DownloadResultState.Error : WarningCount > 0 ? DownloadResultState.Warning : DownloadResultState.Success;
        }
        public DownloadResultState State { get; private set; }
        public int ErrorCount { get; private set; }
        public int WarningCount { get; private set; }
        public DownloadResultMessageComposition Messages { get; private set; }
    }

    // Offered by a CPU's device item (DeviceItem.GetService<DownloadProvider>()).
    public sealed class DownloadProvider : IEngineeringService
    {
        private readonly OnlineLink _link;
        internal DownloadProvider(OnlineLink link) { _link = link; }

        public Siemens.Engineering.Connection.ConnectionConfiguration Configuration
        {
            get { _link.Live(); return new Siemens.Engineering.Connection.ConnectionConfiguration(_link); }
        }

        public DownloadResult Download(Siemens.Engineering.Connection.IConfiguration configuration, DownloadConfigurationDelegate preDownloadConfigurationDelegate,
            DownloadConfigurationDelegate postDownloadConfigurationDelegate, DownloadOptions downloadOptions)
        {
            _link.Live();
            Faults.Check("DownloadProvider.Download");
            ApplyTarget(configuration);
            string why;
            var cpu = _link.Resolve(out why);
            if (cpu == null) throw new EngineeringTargetInvocationException("The download failed.", why, null);
            if (cpu.OperatingState == "Off")
                throw new EngineeringTargetInvocationException("The download failed.", "The target device '" + cpu.Name + "' is not reachable (powered off).", null);
            if (_link.Session.PcInterface == "PLCSIM" && !_link.Project.State.SimulationDuringBlockCompilation)
                throw new EngineeringTargetInvocationException("The download failed.",
                    "Downloading to PLCSIM needs the project property 'Support simulation during block compilation'.", null);
            TlsTrust.Require(_link, cpu, "The download failed.");
            var device = _link.Device();
            var messages = new List<DownloadResultMessage>();
            if ((downloadOptions & DownloadOptions.Software) == 0)
            {
                messages.Add(new DownloadResultMessage(DownloadResultState.Information, "No software was selected for download.", null));
                return new DownloadResult(messages);
            }
            var running = cpu.OperatingState == "Run";
            var consistent = new Configurations.ConsistentBlocksDownload();
            var stop = running ? new Configurations.StopModules() : null;
            foreach (var config in new Configurations.DownloadConfiguration[] { consistent, stop }.Where(c => c != null))
                if (preDownloadConfigurationDelegate != null) preDownloadConfigurationDelegate(config);
            if (stop != null && stop.CurrentSelection != Configurations.StopModulesSelections.StopAll)
            {
                messages.Add(new DownloadResultMessage(DownloadResultState.Error, "The download was canceled: the module '" + cpu.Name + "' is in RUN and was not stopped.", null));
                return new DownloadResult(messages);
            }
            bool alarmTexts;
            var canceled = DownloadDemands.Ask(cpu, device, preDownloadConfigurationDelegate, out alarmTexts);
            if (canceled != null)
            {
                messages.Add(new DownloadResultMessage(DownloadResultState.Error, canceled, null));
                return new DownloadResult(messages);
            }
            if (running) cpu.OperatingState = "Stop";
            var reinitialised = Program.Load(cpu, device);
            cpu.AlarmTextsLoaded = alarmTexts;
            var loaded = new List<DownloadResultMessage> {
                new DownloadResultMessage(DownloadResultState.Information, cpu.Blocks.Count + " objects loaded.", null) };
            loaded.AddRange(reinitialised.Select(n => new DownloadResultMessage(DownloadResultState.Information, "Data block '" + n + "' was initialized.", null)));
            messages.Add(new DownloadResultMessage(DownloadResultState.Success, "Download to '" + device.Name + "' completed.", loaded));
            var start = new Configurations.StartModules();
            if (postDownloadConfigurationDelegate != null) postDownloadConfigurationDelegate(start);
            if (start.CurrentSelection == Configurations.StartModulesSelections.StartModule) cpu.OperatingState = "Run";
            return new DownloadResult(messages);
        }

        private void ApplyTarget(Siemens.Engineering.Connection.IConfiguration configuration)
        {
            var config = Configuration;
            var target = configuration as Siemens.Engineering.Connection.ConfigurationTargetInterface;
            var address = configuration as Siemens.Engineering.Connection.ConfigurationAddress;
            var applied = target != null ? config.ApplyConfiguration(target) : address != null && config.ApplyConfiguration(address);
            if (!applied)
                throw new EngineeringTargetInvocationException("The download failed.", "The configuration does not belong to this device's connection.", null);
        }

        /// <summary>What a download leaves in the CPU (the stand-in's model of load memory).</summary>
        internal static class Program
        {
            internal static string Digest(byte[] xml)
            {
                using (var sha = SHA256.Create())
                    return BitConverter.ToString(sha.ComputeHash(xml)).Replace("-", "").Substring(0, 16).ToLowerInvariant();
            }

            /// <summary>Replaces the CPU's program; returns the data blocks reinitialised (new or changed), sorted.</summary>
            internal static List<string> Load(VirtualCpu cpu, DeviceState device)
            {
                var objects = device.Software.Objects.Values.ToList();
                var reinitialised = new List<string>();
                var sameDevice = cpu.Device == device.Name;
                foreach (var removed in cpu.Blocks.Keys.Where(k => !objects.Any(o => string.Equals(o.Name, k, StringComparison.OrdinalIgnoreCase))).ToList())
                {
                    DropTags(cpu, removed);
                    cpu.Blocks.Remove(removed);
                }
                foreach (var obj in objects.OrderBy(o => o.Name, StringComparer.OrdinalIgnoreCase))
                {
                    var digest = Digest(obj.Xml);
                    string before;
                    var unchanged = sameDevice && cpu.Blocks.TryGetValue(obj.Name, out before) && before == digest;
                    cpu.Blocks[obj.Name] = digest;
                    if (obj.Element != "SW.Blocks.GlobalDB" && obj.Element != "SW.Blocks.InstanceDB") continue;
                    if (unchanged) continue;
                    DropTags(cpu, obj.Name);
                    foreach (var member in DataMembers(obj, device.Software.Objects))
                    {
                        cpu.Tags[obj.Name + "." + member.Key] = StartValue(member.Value[0], member.Value[1]);
                        cpu.TagTypes[obj.Name + "." + member.Key] = member.Value[0];
                    }
                    reinitialised.Add(obj.Name);
                }
                cpu.Device = device.Name;
                device.SimulationInstance = cpu.Name;
                return reinitialised;
            }

            private static void DropTags(VirtualCpu cpu, string block)
            {
                foreach (var key in cpu.Tags.Keys.Where(k => k.StartsWith(block + ".", StringComparison.OrdinalIgnoreCase)).ToList())
                {
                    cpu.Tags.Remove(key);
                    cpu.TagTypes.Remove(key);
                }
            }

            private static readonly string[] InstanceSections = { "Input", "Output", "InOut", "Static" };
            private static readonly string[] GlobalSections = { "Static" };

            /// <summary>What PLCSIM lists of a data block: a global DB's Static members; an instance DB's Input, Output,
            /// InOut and Static members (TIA exports them in the instance DB's interface, e.g.
            /// /work/shared/corpus/simaticml/db/nlanderCON_Heater_Control_DB.xml), read from its FB's interface when the
            /// imported document carries none.</summary>
            private static IEnumerable<KeyValuePair<string, string[]>> DataMembers(ObjectState obj, IDictionary<string, ObjectState> objects)
            {
                if (obj.Element != "SW.Blocks.InstanceDB") return Members(obj.Xml, GlobalSections);
                var own = Members(obj.Xml, InstanceSections).ToList();
                ObjectState fb;
                if (own.Count > 0 || obj.InstanceOf == null || !objects.TryGetValue(obj.InstanceOf, out fb)) return own;
                return Members(fb.Xml, InstanceSections);
            }

            /// <summary>Elementary members of the given sections: name -> (data type, start value or null).</summary>
            private static IEnumerable<KeyValuePair<string, string[]>> Members(byte[] xml, string[] sections)
            {
                if (xml == null) yield break;  // an object a test made without a document
                var doc = new System.Xml.XmlDocument { XmlResolver = null };
                try { using (var stream = new MemoryStream(xml)) doc.Load(stream); }
                catch (System.Xml.XmlException) { yield break; }
                foreach (var section in doc.GetElementsByTagName("Section").OfType<System.Xml.XmlElement>().Where(s => sections.Contains(s.GetAttribute("Name"))))
                    foreach (var member in section.ChildNodes.OfType<System.Xml.XmlElement>().Where(m => m.LocalName == "Member"))
                    {
                        var type = member.GetAttribute("Datatype");
                        if (type.Contains("\"") || type.StartsWith("Array", StringComparison.Ordinal) || type == "Struct") continue;
                        var start = member.ChildNodes.OfType<System.Xml.XmlElement>().FirstOrDefault(e => e.LocalName == "StartValue");
                        yield return new KeyValuePair<string, string[]>(member.GetAttribute("Name"), new[] { type, start == null ? null : start.InnerText });
                    }
            }

            private static object StartValue(string type, string text)
            {
                var t = (text ?? "").Trim();
                var ci = System.Globalization.CultureInfo.InvariantCulture;
                switch (type)
                {
                    case "Bool": return t.Equals("true", StringComparison.OrdinalIgnoreCase) || t == "1";
                    case "SInt": return t.Length == 0 ? (sbyte)0 : sbyte.Parse(t, ci);
                    case "Int": return t.Length == 0 ? (short)0 : short.Parse(t, ci);
                    case "DInt": return t.Length == 0 ? 0 : int.Parse(t, ci);
                    case "LInt": return t.Length == 0 ? 0L : long.Parse(t, ci);
                    case "USInt": case "Byte": return t.Length == 0 ? (byte)0 : byte.Parse(t.Replace("16#", ""), t.StartsWith("16#") ? System.Globalization.NumberStyles.HexNumber : System.Globalization.NumberStyles.Integer, ci);
                    case "UInt": case "Word": return t.Length == 0 ? (ushort)0 : ushort.Parse(t.Replace("16#", ""), t.StartsWith("16#") ? System.Globalization.NumberStyles.HexNumber : System.Globalization.NumberStyles.Integer, ci);
                    case "UDInt": case "DWord": return t.Length == 0 ? 0u : uint.Parse(t.Replace("16#", ""), t.StartsWith("16#") ? System.Globalization.NumberStyles.HexNumber : System.Globalization.NumberStyles.Integer, ci);
                    case "Real": return t.Length == 0 ? 0f : float.Parse(t, ci);
                    case "LReal": return t.Length == 0 ? 0d : double.Parse(t, ci);
                    default: return t;
                }
            }
        }
    }
}

namespace Siemens.Engineering.Download.Configurations
{
    public abstract class DownloadConfiguration
    {
        internal DownloadConfiguration(string message) { Message = message; }
        public string Message { get; private set; }
    }

    public abstract class DownloadSelectionConfiguration : DownloadConfiguration
    {
        internal DownloadSelectionConfiguration(string message) : base(message) { }
    }

    public abstract class DownloadCheckConfiguration : DownloadConfiguration
    {
        internal DownloadCheckConfiguration(string message) : base(message) { }
        public bool Checked { get; set; }
    }

    public enum StopModulesSelections { NoAction = 0, StopAll = 1 }
    public enum StartModulesSelections { NoAction = 0, StartModule = 1 }
    public enum ConsistentBlocksDownloadSelections { ConsistentDownload = 0 }

    public sealed class StopModules : DownloadSelectionConfiguration
    {
        internal StopModules() : base("The modules are stopped for downloading to the device.") { CurrentSelection = StopModulesSelections.NoAction; }
        public StopModulesSelections CurrentSelection { get; set; }
    }

    public sealed class StartModules : DownloadSelectionConfiguration
    {
        internal StartModules() : base("Start modules after downloading to device.") { CurrentSelection = StartModulesSelections.NoAction; }
        public StartModulesSelections CurrentSelection { get; set; }
    }

    public sealed class ConsistentBlocksDownload : DownloadSelectionConfiguration
    {
        internal ConsistentBlocksDownload() : base("Download software to device") { CurrentSelection = ConsistentBlocksDownloadSelections.ConsistentDownload; }
        public ConsistentBlocksDownloadSelections CurrentSelection { get; set; }
    }
}

namespace Siemens.Engineering.Compare
{
    public enum CompareResultState
    {
        FolderContentsDifferent = 0, FolderContentsIdentical = 1, FolderContainsDifferencesOwnStateDifferent = 2,
        FolderContentEqualOwnStateDifferent = 3, ObjectsDifferent = 4, LeftMissing = 5, RightMissing = 6,
        ObjectsIdentical = 7, CompareIrrelevant = 8,
    }

    public sealed class CompareResult
    {
        internal CompareResult(CompareResultElement root) { RootElement = root; }
        public CompareResultElement RootElement { get; private set; }
    }

    public sealed class CompareResultElement
    {
        internal CompareResultElement(string left, string right, CompareResultState state, List<CompareResultElement> children)
        {
            LeftName = left; RightName = right; ComparisonResult = state; DetailedInformation = "";
            Elements = new CompareResultElementComposition(children ?? new List<CompareResultElement>());
        }
        public string LeftName { get; private set; }
        public string RightName { get; private set; }
        public CompareResultState ComparisonResult { get; private set; }
        public string DetailedInformation { get; private set; }
        public CompareResultElementComposition Elements { get; private set; }
    }

    public sealed class CompareResultElementComposition : ListComposition<CompareResultElement> { internal CompareResultElementComposition(List<CompareResultElement> items) : base(items) { } }
}

namespace Siemens.Engineering.SW
{
    public sealed partial class PlcSoftware
    {
        /// <summary>Offline (left) against the program in the CPU the device's connection reaches (right).</summary>
        public Siemens.Engineering.Compare.CompareResult CompareToOnline()
        {
            OwnerProject.Live();
            Faults.Check("PlcSoftware.CompareToOnline");
            var link = new OnlineLink(OwnerProject, Device);
            if (link.Session.PcInterface == null)
                throw new EngineeringTargetInvocationException("The comparison failed.", "The online connection is not configured: apply a target interface first.", null);
            string why;
            var cpu = link.Resolve(out why);
            if (cpu == null || cpu.OperatingState == "Off")
                throw new EngineeringTargetInvocationException("The comparison failed.", why ?? "The target device is not reachable (powered off).", null);
            TlsTrust.Require(link, cpu, "The comparison failed.");
            var software = Device.Software;
            var folders = new List<Siemens.Engineering.Compare.CompareResultElement>();
            var onlineLeft = new HashSet<string>(cpu.Blocks.Keys, StringComparer.OrdinalIgnoreCase);
            foreach (var group in new[] { software.Blocks, software.Types }.Concat(software.UnitRoots()))  // units' trees too (Units.cs)
            {
                var items = new List<Siemens.Engineering.Compare.CompareResultElement>();
                foreach (var name in group.All().OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
                {
                    string online;
                    var offlineDigest = Siemens.Engineering.Download.DownloadProvider.Program.Digest(software.Objects[name].Xml);
                    if (cpu.Blocks.TryGetValue(name, out online))
                    {
                        onlineLeft.Remove(name);
                        items.Add(Leaf(name, name, online == offlineDigest ? Siemens.Engineering.Compare.CompareResultState.ObjectsIdentical : Siemens.Engineering.Compare.CompareResultState.ObjectsDifferent));
                    }
                    else items.Add(Leaf(name, null, Siemens.Engineering.Compare.CompareResultState.RightMissing));
                }
                if (group == software.Blocks)
                    items.AddRange(onlineLeft.Where(n => !software.Objects.ContainsKey(n)).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                        .Select(n => Leaf(null, n, Siemens.Engineering.Compare.CompareResultState.LeftMissing)));
                folders.Add(Folder(group.Name, items));
            }
            return new Siemens.Engineering.Compare.CompareResult(Folder(software == null ? "" : Device.Name, folders, cpu.Name));
        }

        private static Siemens.Engineering.Compare.CompareResultElement Leaf(string left, string right, Siemens.Engineering.Compare.CompareResultState state)
        {
            return new Siemens.Engineering.Compare.CompareResultElement(left, right, state, null);
        }

        private static Siemens.Engineering.Compare.CompareResultElement Folder(string name, List<Siemens.Engineering.Compare.CompareResultElement> children, string right = null)
        {
            var same = children.All(c => c.ComparisonResult == Siemens.Engineering.Compare.CompareResultState.ObjectsIdentical
                || c.ComparisonResult == Siemens.Engineering.Compare.CompareResultState.FolderContentsIdentical);
            return new Siemens.Engineering.Compare.CompareResultElement(name, right ?? name, same
                ? Siemens.Engineering.Compare.CompareResultState.FolderContentsIdentical : Siemens.Engineering.Compare.CompareResultState.FolderContentsDifferent, children);
        }
    }
}
