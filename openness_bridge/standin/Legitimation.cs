// Stand-in for the TLS trust prompt real TIA raises when it connects to a CPU that presents a certificate (see
// Engineering.cs for the ground rules). Public shape from the generator stubs of the real V17 assembly
// (github:Repsay/siemens-tia-openness-python-stubs, branch v17: Siemens/Engineering/Online/__init__.pyi,
// Online/Configurations/__init__.pyi, Connection/__init__.pyi) and from Siemens' V17 add-in
// (github:tia-portal-applications/TIA-Add-In-StartPlcSimAdvanced, src/PLCSIMAdvStarter/Run.cs), which registers
// `configuration.OnlineLegitimation += OnlineConfigurationDelegate` on the OnlineProvider's configuration and answers
// `TlsVerificationConfiguration.CurrentSelection = TlsVerificationConfigurationSelection.Trusted`:
//   delegate void OnlineConfigurationDelegate(OnlineConfiguration onlineConfiguration);
//   TlsVerificationConfiguration : OnlineConfigurationSelection : OnlineConfiguration
//     { CurrentSelection { get; set; } string PlcName { get; } string VerificationInfo { get; } };
//   enum TlsVerificationConfigurationSelection { NonVerified = 0, Trusted = 1, NonTrusted = 2 }.
// Inferred: what TIA does when the answer is not Trusted (here: the connection fails with TIA's refusal), and that a
// trusted certificate stays trusted for the device's connection while the project is open.
using System.Linq;
using Siemens.Engineering.Online;
using Siemens.Engineering.Online.Configurations;
using StandIn.Control;
using StandIn.Wire;

namespace Siemens.Engineering.Online
{
    public delegate void OnlineConfigurationDelegate(OnlineConfiguration onlineConfiguration);
}

namespace Siemens.Engineering.Online.Configurations
{
    public abstract class OnlineConfiguration { internal OnlineConfiguration() { } }

    public abstract class OnlineConfigurationSelection : OnlineConfiguration { internal OnlineConfigurationSelection() { } }

    public enum TlsVerificationConfigurationSelection { NonVerified = 0, Trusted = 1, NonTrusted = 2 }

    public sealed class TlsVerificationConfiguration : OnlineConfigurationSelection
    {
        internal TlsVerificationConfiguration(string plcName, string verificationInfo)
        {
            PlcName = plcName; VerificationInfo = verificationInfo; CurrentSelection = TlsVerificationConfigurationSelection.NonVerified;
        }
        public TlsVerificationConfigurationSelection CurrentSelection { get; set; }
        public string PlcName { get; private set; }
        public string VerificationInfo { get; private set; }
    }
}

namespace Siemens.Engineering.Connection
{
    public sealed partial class ConnectionConfiguration
    {
        /// <summary>Raised before a connection to a CPU that presents a certificate; kept with the device's connection.</summary>
        public event OnlineConfigurationDelegate OnlineLegitimation
        {
            add { Link.Session.Legitimation += value; }
            remove { Link.Session.Legitimation -= value; }
        }
    }
}

namespace StandIn.Control
{
    internal sealed partial class OnlineSession
    {
        internal OnlineConfigurationDelegate Legitimation;
        internal string TrustedFingerprint;
    }

    internal static class TlsTrust
    {
        /// <summary>Asks the OnlineLegitimation subscribers to trust <paramref name="cpu"/>'s certificate (once per
        /// connection); throws TIA's refusal unless one answered Trusted.</summary>
        internal static void Require(OnlineLink link, VirtualCpu cpu, string refusal)
        {
            var session = link.Session;
            if (cpu.TlsFingerprint == null || session.TrustedFingerprint == cpu.TlsFingerprint) return;
            var prompt = new TlsVerificationConfiguration(link.Device().Name,
                "The PLC '" + cpu.Name + "' presents a certificate with the fingerprint " + cpu.TlsFingerprint + ".");
            if (session.Legitimation != null)
                foreach (var handler in session.Legitimation.GetInvocationList().Cast<OnlineConfigurationDelegate>()) handler(prompt);
            if (prompt.CurrentSelection != TlsVerificationConfigurationSelection.Trusted)
                throw new Siemens.Engineering.EngineeringTargetInvocationException(refusal,
                    "The certificate of the PLC '" + cpu.Name + "' was not trusted (TLS verification: " + prompt.CurrentSelection + ").", null);
            session.TrustedFingerprint = cpu.TlsFingerprint;
        }
    }
}
