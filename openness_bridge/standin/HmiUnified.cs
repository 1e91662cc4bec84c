// Stand-in for the WinCC Unified part of Siemens.Engineering (Siemens.Engineering.HmiUnified): a Unified panel's
// HmiSoftware with screens (in screen groups), screen items (HmiButton and HmiIOField only), their ProcessValue tag
// dynamization and JavaScript event handlers, tag tables (in tag table groups) with tags, connections and the names of
// script modules, text lists and graphic lists (see Engineering.cs for the ground rules and docs/openness-members.md,
// "HMI Unified", for the source of every public member). A new panel has the "Default tag table". Create refuses a
// name the composition has, Tags.Create a tag table that does not exist, as TIA does; everything is kept in memory
// and saved as records (the state and the records are in HmiUnifiedState.cs).
using System;
using System.Collections.Generic;
using System.Linq;
using StandIn.Control;

namespace Siemens.Engineering.HmiUnified
{
    public sealed partial class HmiSoftware
    {
        internal UnifiedState UState { get { OwnerProject.Live(); return UnifiedState.Of(Device); } }
        public UI.Screens.HmiScreenComposition Screens { get { return new UI.Screens.HmiScreenComposition(OwnerProject, UState, ""); } }
        // What each version has is read from the real assemblies' metadata (openness_bridge/reference): screen and tag
        // table groups from V18, script modules from V19, Unified text and graphic lists in no V17-V19 (V21 catalogue).
#if TIA_FROM_V18
        public UI.ScreenGroup.HmiScreenGroupComposition ScreenGroups { get { return new UI.ScreenGroup.HmiScreenGroupComposition(OwnerProject, UState, ""); } }
#endif
        public HmiTags.HmiTagTableComposition TagTables { get { return new HmiTags.HmiTagTableComposition(OwnerProject, UState, ""); } }
#if TIA_FROM_V18
        public HmiTags.HmiTagTableGroupComposition TagTableGroups { get { return new HmiTags.HmiTagTableGroupComposition(OwnerProject, UState, ""); } }
#endif
        public HmiTags.HmiTagComposition Tags { get { return new HmiTags.HmiTagComposition(OwnerProject, UState, null); } }
        public HmiConnections.HmiConnectionComposition Connections { get { return new HmiConnections.HmiConnectionComposition(OwnerProject, UState); } }
#if TIA_FROM_V19
        public Scripts.HmiScriptModuleComposition Scripts { get { return new Scripts.HmiScriptModuleComposition(OwnerProject, UState); } }
#endif
#if TIA_FROM_V21
        public TextGraphicList.HmiTextListComposition HmiTextLists { get { return new TextGraphicList.HmiTextListComposition(OwnerProject, UState.TextLists); } }
        public TextGraphicList.HmiGraphicListComposition HmiGraphicLists { get { return new TextGraphicList.HmiGraphicListComposition(OwnerProject, UState.GraphicLists); } }
#endif
    }
}

namespace Siemens.Engineering.HmiUnified.UI.Enum
{
    // Numbers as the real V17-V19 assemblies give them (a subset of their values).
    public enum HmiScreenEventType { None = 0, Tapped = 1003, Loaded = 1018, Unloaded = 1019 }
    public enum HmiButtonEventType { None = 0, Tapped = 1003, Down = 1008, Up = 1010 }
    public enum HmiIOFieldEventType { None = 0, Tapped = 1003 }
}

namespace Siemens.Engineering.HmiUnified.UI.Dynamization.Script
{
    // The script of an event handler (IHmiScript: ScriptCode, GlobalDefinitionAreaScriptCode); its namespace is
    // V21's (IntelliSense catalogue).
    public interface IHmiScript
    {
        string ScriptCode { get; set; }
        string GlobalDefinitionAreaScriptCode { get; set; }
    }
}

namespace Siemens.Engineering.HmiUnified.UI.Dynamization
{

    public class DynamizationBase
    {
        internal readonly Project OwnerProject;
        internal readonly UItem Item;
        internal DynamizationBase(Project project, UItem item) { OwnerProject = project; Item = item; }
        public void Delete() { OwnerProject.Changed(() => Item.Tag = null); }
    }

    public sealed class DynamizationBaseComposition
    {
        private readonly Project _project;
        private readonly UItem _item;
        internal DynamizationBaseComposition(Project project, UItem item) { _project = project; _item = item; }

        // The stand-in keeps one dynamization, a TagDynamization of ProcessValue.
        public DynamizationBase Find(string propertyName)
        {
            _project.Live();
            return propertyName == "ProcessValue" && _item.Tag != null ? new TagDynamization(_project, _item) : null;
        }

        public T Create<T>(string propertyName) where T : DynamizationBase
        {
            _project.Live();
            if (typeof(T) != typeof(TagDynamization) || propertyName != "ProcessValue")
                throw new EngineeringTargetInvocationException("The dynamization could not be created.", "The stand-in models only the ProcessValue tag dynamization.", null);
            if (_item.Tag != null)
                throw new EngineeringTargetInvocationException("The dynamization could not be created.", "The property '" + propertyName + "' is already dynamized.", null);
            _item.Tag = "";
            _project.State.Modified = true;
            return (T)(DynamizationBase)new TagDynamization(_project, _item);
        }
    }
}

namespace Siemens.Engineering.HmiUnified.UI.Dynamization
{
    // In UI.Dynamization itself (V21 IntelliSense catalogue); UI.Dynamization.Tag holds mapping tables and enums.
    public sealed class TagDynamization : DynamizationBase
    {
        internal TagDynamization(Project project, UItem item) : base(project, item) { }
        public string Tag
        {
            get { OwnerProject.Live(); return Item.Tag ?? ""; }
            set { OwnerProject.Changed(() => Item.Tag = value ?? ""); }
        }
    }
}

namespace Siemens.Engineering.HmiUnified.UI.Events
{
    public sealed class HmiScreenEventHandler : ScriptedEventHandler<Enum.HmiScreenEventType> { internal HmiScreenEventHandler(UEventHandle h) : base(h) { } }

    public sealed class HmiScreenEventHandlerComposition : EventHandlerComposition<HmiScreenEventHandler, Enum.HmiScreenEventType>
    {
        internal HmiScreenEventHandlerComposition(UEvents e) : base(e, h => new HmiScreenEventHandler(h)) { }
    }

    public sealed class HmiButtonEventHandler : ScriptedEventHandler<Enum.HmiButtonEventType> { internal HmiButtonEventHandler(UEventHandle h) : base(h) { } }

    public sealed class HmiButtonEventHandlerComposition : EventHandlerComposition<HmiButtonEventHandler, Enum.HmiButtonEventType>
    {
        internal HmiButtonEventHandlerComposition(UEvents e) : base(e, h => new HmiButtonEventHandler(h)) { }
    }

    public sealed class HmiIOFieldEventHandler : ScriptedEventHandler<Enum.HmiIOFieldEventType> { internal HmiIOFieldEventHandler(UEventHandle h) : base(h) { } }

    public sealed class HmiIOFieldEventHandlerComposition : EventHandlerComposition<HmiIOFieldEventHandler, Enum.HmiIOFieldEventType>
    {
        internal HmiIOFieldEventHandlerComposition(UEvents e) : base(e, h => new HmiIOFieldEventHandler(h)) { }
    }
}

namespace Siemens.Engineering.HmiUnified.UI.Base
{
    public abstract class HmiScreenItemBase : UnifiedObject
    {
        internal readonly UScreen Screen;
        internal readonly UItem State;
        internal HmiScreenItemBase(Project project, UScreen screen, UItem state) : base(project, () => state.Name, () => screen.Items.Remove(state)) { Screen = screen; State = state; }
        public Dynamization.DynamizationBaseComposition Dynamizations { get { OwnerProject.Live(); return new Dynamization.DynamizationBaseComposition(OwnerProject, State); } }

        internal static HmiScreenItemBase Wrap(Project project, UScreen screen, UItem item)
        {
            if (item.Type == "HmiButton") return new Widgets.HmiButton(project, screen, item);
            if (item.Type == "HmiLabel") return new Widgets.HmiLabel(project, screen, item);
            if (item.Type == "HmiScreenWindow") return new Screens.HmiScreenWindow(project, screen, item);
            return new Widgets.HmiIOField(project, screen, item);
        }
    }

    public sealed class HmiScreenItemBaseComposition : UnifiedComposition<HmiScreenItemBase>
    {
        private readonly UScreen _screen;
        internal HmiScreenItemBaseComposition(Project project, UScreen screen)
            : base(project, () => screen.Items.Select(i => HmiScreenItemBase.Wrap(project, screen, i)), i => i.State.Name) { _screen = screen; }

        public T Create<T>(string name) where T : HmiScreenItemBase
        {
            OwnerProject.Live();
            if (typeof(T) != typeof(Widgets.HmiButton) && typeof(T) != typeof(Widgets.HmiIOField) && typeof(T) != typeof(Widgets.HmiLabel) && typeof(T) != typeof(Screens.HmiScreenWindow))
                throw new EngineeringTargetInvocationException("The screen item could not be created.", "The stand-in models HmiButton, HmiIOField, HmiLabel and HmiScreenWindow only.", null);
            var item = Created(_screen.Items, new UItem { Name = name, Type = typeof(T).Name, Width = 100, Height = 40 }, i => i.Name, "screen item");
            return (T)HmiScreenItemBase.Wrap(OwnerProject, _screen, item);
        }
    }
}

namespace Siemens.Engineering.HmiUnified.UI.Widgets
{
    /// <summary>The box (IHmiBoxFeature) is a widget's, not every screen item's (real V17-V19 metadata).</summary>
    public abstract class HmiWidgetBase : Base.HmiScreenItemBase
    {
        internal HmiWidgetBase(Project project, UScreen screen, UItem state) : base(project, screen, state) { }
        public int Left { get { OwnerProject.Live(); return State.Left; } set { OwnerProject.Changed(() => State.Left = value); } }
        public int Top { get { OwnerProject.Live(); return State.Top; } set { OwnerProject.Changed(() => State.Top = value); } }
        public uint Width { get { OwnerProject.Live(); return State.Width; } set { OwnerProject.Changed(() => State.Width = value); } }
        public uint Height { get { OwnerProject.Live(); return State.Height; } set { OwnerProject.Changed(() => State.Height = value); } }
    }

    public sealed class HmiButton : HmiWidgetBase
    {
        internal HmiButton(Project project, UScreen screen, UItem state) : base(project, screen, state) { }
        public Events.HmiButtonEventHandlerComposition EventHandlers { get { OwnerProject.Live(); return new Events.HmiButtonEventHandlerComposition(new UEvents(OwnerProject, State.Events)); } }
    }

    public sealed class HmiIOField : HmiWidgetBase
    {
        internal HmiIOField(Project project, UScreen screen, UItem state) : base(project, screen, state) { }
        public Events.HmiIOFieldEventHandlerComposition EventHandlers { get { OwnerProject.Live(); return new Events.HmiIOFieldEventHandlerComposition(new UEvents(OwnerProject, State.Events)); } }
    }

    /// <summary>A text widget without events: real V17-V19 have no HmiLabelEventType and no HmiLabel.EventHandlers.</summary>
    public sealed class HmiLabel : HmiWidgetBase
    {
        internal HmiLabel(Project project, UScreen screen, UItem state) : base(project, screen, state) { }
    }
}

namespace Siemens.Engineering.HmiUnified.UI.Screens
{
    /// <summary>A screen item in the Screens namespace, not Widgets (real V17-V19 metadata); its box is HmiWindowBase's.</summary>
    public sealed class HmiScreenWindow : Base.HmiScreenItemBase
    {
        internal HmiScreenWindow(Project project, UScreen screen, UItem state) : base(project, screen, state) { }
        public int Left { get { OwnerProject.Live(); return State.Left; } set { OwnerProject.Changed(() => State.Left = value); } }
        public int Top { get { OwnerProject.Live(); return State.Top; } set { OwnerProject.Changed(() => State.Top = value); } }
        public uint Width { get { OwnerProject.Live(); return State.Width; } set { OwnerProject.Changed(() => State.Width = value); } }
        public uint Height { get { OwnerProject.Live(); return State.Height; } set { OwnerProject.Changed(() => State.Height = value); } }
    }

    public sealed class HmiScreen : UnifiedObject
    {
        internal readonly UScreen Screen;
        internal HmiScreen(Project project, UnifiedState state, UScreen screen) : base(project, () => screen.Name, () => state.Screens.Remove(screen)) { Screen = screen; }
        public uint Width { get { OwnerProject.Live(); return Screen.Width; } set { OwnerProject.Changed(() => Screen.Width = value); } }
        public uint Height { get { OwnerProject.Live(); return Screen.Height; } set { OwnerProject.Changed(() => Screen.Height = value); } }
        public Base.HmiScreenItemBaseComposition ScreenItems { get { OwnerProject.Live(); return new Base.HmiScreenItemBaseComposition(OwnerProject, Screen); } }
        public Events.HmiScreenEventHandlerComposition EventHandlers { get { OwnerProject.Live(); return new Events.HmiScreenEventHandlerComposition(new UEvents(OwnerProject, Screen.Events)); } }
    }

    public sealed class HmiScreenComposition : UnifiedComposition<HmiScreen>
    {
        private readonly UnifiedState _state;
        private readonly string _group;
        internal HmiScreenComposition(Project project, UnifiedState state, string group)
            : base(project, () => state.Screens.Where(s => s.Group == group).Select(s => new HmiScreen(project, state, s)), s => s.Screen.Name) { _state = state; _group = group; }

        public HmiScreen Create(string name)
        {
            OwnerProject.Live();
            var screen = Created(_state.Screens, new UScreen { Name = name, Group = _group, Width = UnifiedState.PanelWidth, Height = UnifiedState.PanelHeight }, s => s.Name, "screen");
            return new HmiScreen(OwnerProject, _state, screen);
        }
    }
}

// Screen groups exist from V18 (the real assemblies' metadata).
#if TIA_FROM_V18
namespace Siemens.Engineering.HmiUnified.UI.ScreenGroup
{
    public sealed class HmiScreenGroup : UnifiedGroup<HmiScreenGroupComposition>
    {
        internal HmiScreenGroup(Project project, UnifiedState state, string path)
            : base(project, state, state.ScreenGroups, path, () => new HmiScreenGroupComposition(project, state, path), () => state.Screens.RemoveAll(s => UnifiedState.Within(s.Group, path))) { }
        public Screens.HmiScreenComposition Screens { get { OwnerProject.Live(); return new Screens.HmiScreenComposition(OwnerProject, UState, Path); } }
    }

    public sealed class HmiScreenGroupComposition : UnifiedGroupComposition<HmiScreenGroup>
    {
        internal HmiScreenGroupComposition(Project project, UnifiedState state, string parent)
            : base(project, state, state.ScreenGroups, parent, p => new HmiScreenGroup(project, state, p)) { }
    }
}
#endif

namespace Siemens.Engineering.HmiUnified.HmiTags
{
    public sealed class HmiTag : UnifiedObject
    {
        internal readonly UTag State;
        internal HmiTag(Project project, UnifiedState state, UTag tag) : base(project, () => tag.Name, () => state.Tags.Remove(tag)) { State = tag; }
        public string DataType { get { OwnerProject.Live(); return State.DataType; } set { OwnerProject.Changed(() => State.DataType = value ?? ""); } }
        public string Connection { get { OwnerProject.Live(); return State.Connection; } set { OwnerProject.Changed(() => State.Connection = value ?? ""); } }
        public string PlcTag { get { OwnerProject.Live(); return State.PlcTag; } set { OwnerProject.Changed(() => State.PlcTag = value ?? ""); } }
    }

    public sealed class HmiTagComposition : UnifiedComposition<HmiTag>
    {
        private readonly UnifiedState _state;
        // table null: every tag of the device (HmiSoftware.Tags)
        internal HmiTagComposition(Project project, UnifiedState state, string table)
            : base(project, () => state.Tags.Where(t => table == null || t.Table == table).Select(t => new HmiTag(project, state, t)), t => t.State.Name) { _state = state; }

        public HmiTag Create(string name, string tagTableName)
        {
            OwnerProject.Live();
            var table = _state.Tables.FirstOrDefault(t => string.Equals(t.Name, tagTableName, StringComparison.OrdinalIgnoreCase));
            if (table == null)
                throw new EngineeringTargetInvocationException("The tag could not be created.", "The tag table '" + tagTableName + "' does not exist.", null);
            return new HmiTag(OwnerProject, _state, Created(_state.Tags, new UTag { Name = name, Table = table.Name }, t => t.Name, "tag"));
        }
    }

    public sealed class HmiTagTable : UnifiedObject
    {
        private readonly UnifiedState _state;
        internal readonly UTable State;
        internal HmiTagTable(Project project, UnifiedState state, UTable table)
            : base(project, () => table.Name, () => { state.Tags.RemoveAll(t => t.Table == table.Name); state.Tables.Remove(table); }) { _state = state; State = table; }
        public HmiTagComposition Tags { get { OwnerProject.Live(); return new HmiTagComposition(OwnerProject, _state, State.Name); } }
    }

    public sealed class HmiTagTableComposition : UnifiedComposition<HmiTagTable>
    {
        private readonly UnifiedState _state;
        private readonly string _group;
        internal HmiTagTableComposition(Project project, UnifiedState state, string group)
            : base(project, () => state.Tables.Where(t => t.Group == group).Select(t => new HmiTagTable(project, state, t)), t => t.State.Name) { _state = state; _group = group; }

        public HmiTagTable Create(string name)
        {
            OwnerProject.Live();
            return new HmiTagTable(OwnerProject, _state, Created(_state.Tables, new UTable { Name = name, Group = _group }, t => t.Name, "tag table"));
        }
    }

#if TIA_FROM_V18
    // Tag table groups exist from V18 (the real assemblies' metadata).
    public sealed class HmiTagTableGroup : UnifiedGroup<HmiTagTableGroupComposition>
    {
        internal HmiTagTableGroup(Project project, UnifiedState state, string path)
            : base(project, state, state.TableGroups, path, () => new HmiTagTableGroupComposition(project, state, path), () => RemoveTables(state, path)) { }
        public HmiTagTableComposition TagTables { get { OwnerProject.Live(); return new HmiTagTableComposition(OwnerProject, UState, Path); } }

        private static void RemoveTables(UnifiedState state, string path)
        {
            var gone = state.Tables.Where(t => UnifiedState.Within(t.Group, path)).Select(t => t.Name).ToList();
            state.Tags.RemoveAll(t => gone.Contains(t.Table));
            state.Tables.RemoveAll(t => gone.Contains(t.Name));
        }
    }

    public sealed class HmiTagTableGroupComposition : UnifiedGroupComposition<HmiTagTableGroup>
    {
        internal HmiTagTableGroupComposition(Project project, UnifiedState state, string parent)
            : base(project, state, state.TableGroups, parent, p => new HmiTagTableGroup(project, state, p)) { }
    }
#endif
}

namespace Siemens.Engineering.HmiUnified.HmiConnections
{
    public sealed class HmiConnection : UnifiedObject
    {
        internal readonly UConnection State;
        internal HmiConnection(Project project, UnifiedState state, UConnection c) : base(project, () => c.Name, () => state.Connections.Remove(c)) { State = c; }
        // Get-only in the real V17-V19 metadata, as Node and Station; HmiConnectionComposition.Create takes only a
        // name. TIA sets the partner when the panel is connected to a PLC in its network view
        // (StandIn.Control.NetworkView.ConnectPanel plays that).
        public string Partner { get { OwnerProject.Live(); return State.Partner; } }
        public string CommunicationDriver { get { OwnerProject.Live(); return State.Driver; } set { OwnerProject.Changed(() => State.Driver = value ?? ""); } }
    }

    public sealed class HmiConnectionComposition : UnifiedComposition<HmiConnection>
    {
        private readonly UnifiedState _state;
        internal HmiConnectionComposition(Project project, UnifiedState state)
            : base(project, () => state.Connections.Select(c => new HmiConnection(project, state, c)), c => c.State.Name) { _state = state; }

        public HmiConnection Create(string name)
        {
            OwnerProject.Live();
            return new HmiConnection(OwnerProject, _state, Created(_state.Connections, new UConnection { Name = name }, c => c.Name, "connection"));
        }
    }
}

// Script modules exist from V19 (the real assemblies' metadata).
#if TIA_FROM_V19
namespace Siemens.Engineering.HmiUnified.Scripts
{
    // Script modules by name; the stand-in's panels have none (their code lives in Export/Import files). The real V19
    // HmiScriptModule has Name but no Delete.
    public sealed class HmiScriptModule
    {
        private readonly Project _project;
        private readonly string _name;
        internal HmiScriptModule(Project project, string name) { _project = project; _name = name; }
        public string Name { get { _project.Live(); return _name; } }
    }

    public sealed class HmiScriptModuleComposition : Composition<HmiScriptModule>
    {
        private readonly Project _project;
        private readonly UnifiedState _state;
        internal HmiScriptModuleComposition(Project project, UnifiedState state) { _project = project; _state = state; }
        internal override IEnumerable<HmiScriptModule> Items() { _project.Live(); return _state.ScriptModules.Select(n => new HmiScriptModule(_project, n)); }
    }
}
#endif

// Unified text and graphic lists are in no V17-V19 assembly; the V21 catalogue lists them.
#if TIA_FROM_V21
namespace Siemens.Engineering.HmiUnified.TextGraphicList
{
    // Text and graphic lists by name (U7): their entries are not modelled, as no public source shows their members.
    public sealed class HmiTextList : UnifiedNamedObject { internal HmiTextList(UNamed named) : base(named) { } }

    public sealed class HmiTextListComposition : UnifiedNamesComposition<HmiTextList>
    {
        internal HmiTextListComposition(Project project, List<string> names) : base(new UNames(project, names, "text list"), n => new HmiTextList(n)) { }
    }

    public sealed class HmiGraphicList : UnifiedNamedObject { internal HmiGraphicList(UNamed named) : base(named) { } }

    public sealed class HmiGraphicListComposition : UnifiedNamesComposition<HmiGraphicList>
    {
        internal HmiGraphicListComposition(Project project, List<string> names) : base(new UNames(project, names, "graphic list"), n => new HmiGraphicList(n)) { }
    }
}
#endif

namespace StandIn.Control
{
    /// <summary>Test control: what an engineer does in TIA Portal's network view, outside Openness.</summary>
    public static class NetworkView
    {
        /// <summary>Connect the Unified panel <paramref name="panel"/> of the open project to the PLC
        /// <paramref name="partner"/>: TIA makes (or keeps) the connection <paramref name="connection"/> with that partner
        /// and the S7-1500 driver.</summary>
        public static void ConnectPanel(string panel, string connection, string partner)
        {
            var process = Machine.Processes.First(p => p.Alive && p.Project != null);
            var device = process.Project.Devices.First(d => d.Name == panel);
            var state = UnifiedState.Of(device);
            var found = state.Connections.FirstOrDefault(c => c.Name == connection);
            if (found == null) state.Connections.Add(found = new UConnection { Name = connection });
            found.Partner = partner;
            found.Driver = "SIMATIC S7 1500";
            process.Project.Modified = true;
        }
    }
}
