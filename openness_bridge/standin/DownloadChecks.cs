// Stand-in for the pre-download checks real TIA asks beyond stop and consistency (see Engineering.cs for the
// ground rules): the alarm text libraries, the re-initialisation of data blocks already in the CPU, and the PLC
// master secret's password. Public shape from the generator stubs of the real V17 assembly
// (github:Repsay/siemens-tia-openness-python-stubs, branch v17, Siemens/Engineering/Download/Configurations):
//   AlarmTextLibrariesDownload { AlarmTextLibrariesDownloadSelections CurrentSelection { get; set; } }
//     enum AlarmTextLibrariesDownloadSelections { ConsistentDownload = 0, NoAction = 1 }  (also in V16);
//   DataBlockReinitialization { DataBlockReinitializationSelections CurrentSelection { get; set; } }
//     enum DataBlockReinitializationSelections { StopPlcAndReinitialize = 0, NoAction = 1 };
//   DownloadPasswordConfiguration { bool IsSecureCommunication { get; } void SetPassword(SecureString) },
//     PlcMasterSecretPassword : DownloadPasswordConfiguration.
// Siemens' V17 add-in (github:tia-portal-applications/TIA-Add-In-StartPlcSimAdvanced, Run.cs) answers
// AlarmTextLibrariesDownload with ConsistentDownload. Inferred: the selection TIA starts with (here NoAction: a
// question left unanswered does nothing), and that NoAction or a missing password cancels the download.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using Siemens.Engineering.Download.Configurations;
using Siemens.Engineering.HW;
using Siemens.Engineering.HW.Features;
using StandIn.Control;
using StandIn.Wire;

namespace Siemens.Engineering.Download.Configurations
{
    public enum AlarmTextLibrariesDownloadSelections { ConsistentDownload = 0, NoAction = 1 }

    public enum DataBlockReinitializationSelections { StopPlcAndReinitialize = 0, NoAction = 1 }

    public sealed class AlarmTextLibrariesDownload : DownloadSelectionConfiguration
    {
        internal AlarmTextLibrariesDownload() : base("Download alarm text libraries to the device.") { CurrentSelection = AlarmTextLibrariesDownloadSelections.NoAction; }
        public AlarmTextLibrariesDownloadSelections CurrentSelection { get; set; }
    }

    public sealed class DataBlockReinitialization : DownloadSelectionConfiguration
    {
        internal DataBlockReinitialization(string blocks) : base("Reinitialize the data blocks " + blocks + " (their actual values are lost).") { CurrentSelection = DataBlockReinitializationSelections.NoAction; }
        public DataBlockReinitializationSelections CurrentSelection { get; set; }
    }

    public abstract class DownloadPasswordConfiguration : DownloadConfiguration
    {
        internal DownloadPasswordConfiguration(string message) : base(message) { }
        internal string Digest;
        public bool IsSecureCommunication { get { return true; } }
        public void SetPassword(SecureString password) { Digest = Secrets.Digest(password); }
    }

    public sealed class PlcMasterSecretPassword : DownloadPasswordConfiguration
    {
        internal PlcMasterSecretPassword() : base("Enter the password of the PLC master secret.") { }
    }
}

namespace StandIn.Control
{
    /// <summary>The checks a download asks before it loads anything; a refusal is TIA's canceled download.</summary>
    internal static class DownloadDemands
    {
        /// <summary>Asks what <paramref name="cpu"/> and <paramref name="device"/> call for; returns the error that
        /// cancels the download, or null. Sets whether the alarm texts go along.</summary>
        internal static string Ask(VirtualCpu cpu, DeviceState device, Siemens.Engineering.Download.DownloadConfigurationDelegate pre, out bool alarmTexts)
        {
            alarmTexts = false;
            var configs = new List<DownloadConfiguration>();
            var alarms = cpu.AsksAlarmTexts ? new AlarmTextLibrariesDownload() : null;
            var changed = ChangedDataBlocks(cpu, device);
            var reinit = changed.Count > 0 ? new DataBlockReinitialization(string.Join(", ", changed)) : null;
            // with a password (WithPassword): TIA asks for it
            var master = device.Security.Master != MasterSecretConfiguration.None && device.Security.Master != MasterSecretConfiguration.WithoutPassword
                ? new PlcMasterSecretPassword() : null;
            foreach (var config in new DownloadConfiguration[] { alarms, reinit, master }.Where(c => c != null))
                if (pre != null) pre(config);
            if (reinit != null && reinit.CurrentSelection != DataBlockReinitializationSelections.StopPlcAndReinitialize)
                return "The download was canceled: the data blocks " + string.Join(", ", changed) + " would be reinitialized.";
            if (master != null && (master.Digest == null || master.Digest != device.Security.MasterDigest))
                return "The download was canceled: the password of the PLC master secret is missing or wrong.";
            alarmTexts = alarms != null && alarms.CurrentSelection == AlarmTextLibrariesDownloadSelections.ConsistentDownload;
            return null;
        }

        /// <summary>Data blocks of this device already in the CPU whose SimaticML changed (a download reinitialises them).</summary>
        private static List<string> ChangedDataBlocks(VirtualCpu cpu, DeviceState device)
        {
            if (cpu.Device != device.Name) return new List<string>();
            return device.Software.Objects.Values
                .Where(o => o.Element == "SW.Blocks.GlobalDB" || o.Element == "SW.Blocks.InstanceDB")
                .Where(o => { string online; return cpu.Blocks.TryGetValue(o.Name, out online) && online != Siemens.Engineering.Download.DownloadProvider.Program.Digest(o.Xml); })
                .Select(o => o.Name).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
        }
    }
}
