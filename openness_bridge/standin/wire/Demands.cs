// What a CPU demands of the engineering station that goes online with it or downloads to it (test-only state the
// Openness stand-in reads; see standin/Legitimation.cs and standin/Download.cs).
namespace StandIn.Wire
{
    public sealed partial class VirtualCpu
    {
        /// <summary>The fingerprint of the CPU's TLS certificate when it asks the engineering station to trust it
        /// (secure PG/HMI communication, V17 on); null for a CPU that does not ask.</summary>
        public string TlsFingerprint;

        /// <summary>The CPU asks whether the alarm text libraries are downloaded too.</summary>
        public bool AsksAlarmTexts;

        /// <summary>Whether the last download loaded the alarm text libraries.</summary>
        public bool AlarmTextsLoaded;
    }
}
