// Stand-in for the hardware catalog (TiaPortal.HardwareCatalog.Find -> CatalogEntry), see Engineering.cs for the
// ground rules. The real catalog holds every installed article, one entry per firmware version; the stand-in holds
// the articles the tests use, and answers any other S7-1500/S7-1200 CPU article (6ES7 51x/21x) with a generated
// CPU entry so tests of other areas can add such CPUs. Their namespace is V21's (IntelliSense catalogue).
using System;
using System.Collections.Generic;
using System.Linq;
using StandIn.Control;

// The hardware catalog exists from V18 (the real V17 metadata has none).
#if TIA_FROM_V18
namespace Siemens.Engineering.HW.HardwareCatalog
{
    public sealed class HardwareCatalog
    {
        internal HardwareCatalog() { }

        /// <summary>Entries whose article number, type identifier or catalog path contains <paramref name="searchText"/>
        /// (case-insensitive); every entry for an empty text.</summary>
        public IList<CatalogEntry> Find(string searchText)
        {
            Faults.Check("HardwareCatalog.Find");
            return HardwareCatalogData.Find(searchText ?? "").ToList();
        }
    }

    public sealed class CatalogEntry
    {
        internal CatalogEntry(string article, string version, string path, string typeName, string description)
        {
            ArticleNumber = article; Version = version; CatalogPath = path; TypeName = typeName; Description = description;
        }

        public string ArticleNumber { get; private set; }
        public string Version { get; private set; }
        public string CatalogPath { get; private set; }
        public string TypeName { get; private set; }
        public string Description { get; private set; }
        public string TypeIdentifier { get { return "OrderNumber:" + ArticleNumber + "/" + Version; } }
    }
}
#endif

namespace StandIn.Control
{
    /// <summary>The stand-in's catalog: article, firmware versions, catalog path, type name, description, role.</summary>
    internal static class HardwareCatalogData
    {
        private sealed class Article
        {
            internal string Number, Path, TypeName, Description, Role;
            internal string[] Versions;
            /// <summary>Names of the built-in interface device items below the head item, in TIA's order (X1, X2, X3).</summary>
            internal string[] Interfaces;
        }

        private static readonly List<Article> Articles = new List<Article>
        {
            Make("6ES7 516-3AN02-0AB0", "Controllers/SIMATIC S7-1500/CPU/CPU 1516-3 PN/DP", "CPU 1516-3 PN/DP",
                "CPU 1516-3 PN/DP; work memory 1 MB code, 5 MB data; PROFINET IRT and PROFIBUS DP", "plc", "PROFINET interface_1|PROFINET interface_2|DP interface_1", "V2.8", "V2.9", "V3.0", "V3.1"),
            Make("6ES7 511-1AK02-0AB0", "Controllers/SIMATIC S7-1500/CPU/CPU 1511-1 PN", "CPU 1511-1 PN",
                "CPU 1511-1 PN; work memory 150 KB code, 1 MB data; PROFINET IRT", "plc", "PROFINET interface_1", "V2.9", "V3.0", "V3.1"),
            Make("6ES7 215-1AG40-0XB0", "Controllers/SIMATIC S7-1200/CPU/CPU 1215C DC/DC/DC", "CPU 1215C DC/DC/DC",
                "CPU 1215C DC/DC/DC; 14 DI, 10 DQ, 2 AI, 2 AQ; PROFINET", "plc", "PROFINET interface_1", "V4.4", "V4.5", "V4.6"),
            Make("6ES7 155-6AU01-0BN0", "Distributed I/O/ET 200SP/Interface modules/PROFINET/IM 155-6 PN ST", "IM 155-6 PN ST",
                "Interface module IM 155-6 PN ST for ET 200SP; PROFINET IO device", "io-device", "PROFINET interface", "V4.1", "V4.2"),
            Make("6AV2 124-0GC01-0AX0", "HMI/SIMATIC Comfort Panel/7\" Display/TP700 Comfort", "TP700 Comfort",
                "TP700 Comfort; 7\" widescreen touch display; PROFINET, PROFIBUS", "hmi", "PROFINET interface_1|MPI/DP interface_1", "V17.0", "V18.0", "V19.0"),
            Make("6AV2 123-2GB03-0AX0", "HMI/SIMATIC Basic Panel/7\" Display/KTP700 Basic PN", "KTP700 Basic PN",
                "KTP700 Basic PN; 7\" touch display with keys; PROFINET", "hmi", "PROFINET interface_1", "V17.0", "V18.0", "V19.0"),
            Make("6AV2 123-2GA03-0AX0", "HMI/SIMATIC Basic Panel/7\" Display/KTP700 Basic DP", "KTP700 Basic DP",
                "KTP700 Basic DP; 7\" touch display with keys; PROFIBUS DP/MPI only", "hmi", "MPI/DP interface_1", "V17.0", "V18.0", "V19.0"),
            Make("6AV2 128-3GB06-0AX1", "HMI/SIMATIC Unified Comfort Panel/7\" Display/MTP700 Unified Comfort", "MTP700 Unified Comfort",
                "MTP700 Unified Comfort; 7\" widescreen touch display; WinCC Unified runtime", "hmi", "PROFINET interface_1", "V17.0", "V18.0", "V19.0"),
            Make("6ES7 521-1BH00-0AB0", "Controllers/SIMATIC S7-1500/DI/DI 16x24VDC HF", "DI 16x24VDC HF",
                "Digital input module DI 16x24VDC HF; 16 channels", "module", "", "V2.1", "V2.2"),
            Make("6ES7 522-1BH01-0AB0", "Controllers/SIMATIC S7-1500/DQ/DQ 16x24VDC/0.5A HF", "DQ 16x24VDC/0.5A HF",
                "Digital output module DQ 16x24VDC/0.5A HF; 16 channels", "module", "", "V1.1"),
        };

        private static Article Make(string number, string folder, string typeName, string description, string role, string interfaces, params string[] versions)
        {
            return new Article
            {
                Number = number, Path = folder + "/" + number, TypeName = typeName, Description = description, Role = role,
                Interfaces = interfaces.Split(new[] { '|' }, StringSplitOptions.RemoveEmptyEntries), Versions = versions,
            };
        }

        private static string Key(string text) { return new string((text ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant(); }

        private static string OrderOf(string typeIdentifier)
        {
            var order = (typeIdentifier ?? "").Replace("OrderNumber:", "");
            var slash = order.IndexOf('/');
            return slash < 0 ? order : order.Substring(0, slash);
        }

        private static Article Lookup(string order)
        {
            var known = Articles.FirstOrDefault(a => Key(a.Number) == Key(order));
            if (known != null || !Catalog.IsCpu(order) || order.Length != 19) return known;
            // Any other S7-1500/S7-1200 CPU article: a generated entry (see the file comment).
            return Make(order, "Controllers/SIMATIC S7-1500/CPU/CPU " + order, "CPU " + order, "CPU " + order, "plc", "PROFINET interface_1",
                "V2.8", "V2.9", "V3.0", "V3.1", "V4.4", "V4.5", "V4.6");
        }

#if TIA_FROM_V18
        internal static IEnumerable<Siemens.Engineering.HW.HardwareCatalog.CatalogEntry> Find(string text)
        {
            var key = Key(text);
            var articles = Articles.ToList();
            var generated = Lookup(text.Trim());
            if (generated != null && !articles.Contains(generated)) articles.Add(generated);
            return articles
                .SelectMany(a => a.Versions.Select(v => new Siemens.Engineering.HW.HardwareCatalog.CatalogEntry(a.Number, v, a.Path, a.TypeName, a.Description)))
                .Where(e => key.Length == 0 || Key(e.ArticleNumber).Contains(key) || Key(e.TypeIdentifier).Contains(key) || Key(e.CatalogPath).Contains(key));
        }
#endif

        /// <summary>"plc", "hmi", "io-device", "module", or null for an article the catalog does not know.</summary>
        internal static string Role(string typeIdentifier)
        {
            var article = Lookup(OrderOf(typeIdentifier));
            return article == null ? null : article.Role;
        }

        /// <summary>The product family of a device of this type as a system type identifier names it: the catalog
        /// folder below the top one, letters and digits only, without "SIMATIC" ("S71500", "S71200", "ET200SP");
        /// null for an article the catalog does not know.</summary>
        internal static string Family(string typeIdentifier)
        {
            var article = Lookup(OrderOf(typeIdentifier));
            if (article == null) return null;
            var folder = article.Path.Split('/')[1].Replace("SIMATIC", "");
            return new string(folder.Where(char.IsLetterOrDigit).ToArray());
        }

        internal static bool HasEthernet(string typeIdentifier)
        {
            return Interfaces(typeIdentifier).Any(i => InterfaceType(i) == Siemens.Engineering.HW.NetType.Ethernet);
        }

        /// <summary>The interface device items of a device of this type, in order (what the fake's catalog lists per
        /// article); unknown articles get one PROFINET interface.</summary>
        internal static string[] Interfaces(string typeIdentifier)
        {
            var article = Lookup(OrderOf(typeIdentifier));
            return article == null ? new[] { "PROFINET interface_1" } : article.Interfaces;
        }

        /// <summary>The network type of an interface: TIA names interface items after their network
        /// ("PROFINET interface_n", "DP interface_n", "MPI/DP interface_n"), so the name tells it.</summary>
        internal static Siemens.Engineering.HW.NetType InterfaceType(string interfaceName)
        {
            if (interfaceName.StartsWith("PROFINET", StringComparison.Ordinal) || interfaceName.StartsWith("Ethernet", StringComparison.Ordinal))
                return Siemens.Engineering.HW.NetType.Ethernet;
            if (interfaceName.StartsWith("DP", StringComparison.Ordinal)) return Siemens.Engineering.HW.NetType.Profibus;
            if (interfaceName.StartsWith("MPI", StringComparison.Ordinal)) return Siemens.Engineering.HW.NetType.Mpi;
            return Siemens.Engineering.HW.NetType.Unknown;
        }

        /// <summary>Why TIA refuses to create a device of this type, or null when it can.</summary>
        internal static string Refusal(string typeIdentifier)
        {
            var article = Lookup(OrderOf(typeIdentifier));
            // An article the installed catalog lacks cannot be created: TIA resolves the type identifier in it. (The
            // text of TIA's refusal is inferred; the bridge checks the catalog first where the version has one.)
            if (article == null) return "The type identifier '" + typeIdentifier + "' is not in the hardware catalog.";
            if (article.Role == "module") return "'" + article.Number + "' is a module and cannot be created as a device.";
            var slash = (typeIdentifier ?? "").IndexOf('/');
            var version = slash < 0 ? null : typeIdentifier.Substring(slash + 1);
            if (version != null && !article.Versions.Contains(version))
                return "The version '" + version + "' of '" + article.Number + "' is not in the hardware catalog.";
            return null;
        }
    }
}
