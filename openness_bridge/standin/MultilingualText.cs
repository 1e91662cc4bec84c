// Stand-in for Siemens.Engineering.MultilingualText, the comments of tags, constants and other objects
// (see Engineering.cs for the ground rules; openness_bridge/README.md has the sources).
using System;
using System.Collections.Generic;
using System.Globalization;
using StandIn.Control;

namespace Siemens.Engineering
{
    // A text in every project language; the stand-in's projects have one language, English (en-US).
    public sealed class MultilingualText
    {
        private readonly Project _project;
        private readonly ICommented _owner;
        internal MultilingualText(Project project, ICommented owner) { _project = project; _owner = owner; }
        public MultilingualTextItemComposition Items
        {
            get { _project.Live(); return new MultilingualTextItemComposition(new List<MultilingualTextItem> { new MultilingualTextItem(_project, _owner) }); }
        }
    }

    public sealed class MultilingualTextItemComposition : ListComposition<MultilingualTextItem> { internal MultilingualTextItemComposition(List<MultilingualTextItem> items) : base(items) { } }

    public sealed class MultilingualTextItem
    {
        private readonly Project _project;
        private readonly ICommented _owner;
        internal MultilingualTextItem(Project project, ICommented owner) { _project = project; _owner = owner; }
        public Language Language { get { _project.Live(); return new Language(new CultureInfo("en-US")); } }
        public string Text
        {
            get { _project.Live(); return _owner.Comment; }
            set { _project.Live(); Faults.Check("MultilingualTextItem.Text"); _owner.Comment = value ?? ""; _project.State.Modified = true; }
        }
    }

    public sealed class Language
    {
        internal Language(CultureInfo culture) { Culture = culture; }
        public CultureInfo Culture { get; private set; }
    }
}
