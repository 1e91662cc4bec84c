// The shape every Openness composition shares, written once (StandIn.Control, not Siemens API): a composition
// enumerates what it holds, most of them count it, many find by name; a handle checks that its object still exists
// and tells its name (ProjectObject). Openness declares these members on each type; the stand-in's types inherit them
// from here (or from an area's base, e.g. ProgramTree.cs, Hmi.cs) and declare what is their own. The bridge's
// reflection (openness_bridge/reflection.py) and the reference check's source reader (tests/bridge/csharp_decls.py)
// report members of StandIn.Control bases as the deriving type's own, so the stand-in shows the shape Openness declares.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace StandIn.Control
{
    /// <summary>A composition: it enumerates a snapshot of <see cref="Items"/>, so a change while enumerating is safe.</summary>
    public abstract class Composition<T> : IEnumerable<T>
    {
        internal Composition() { }

        /// <summary>What the composition holds now; checks first that its project (and owner) still exist.</summary>
        internal abstract IEnumerable<T> Items();

        public IEnumerator<T> GetEnumerator() { return Items().ToList().GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    /// <summary>A composition with Count, as most Openness compositions have.</summary>
    public abstract class CountedComposition<T> : Composition<T>
    {
        internal CountedComposition() { }
        public int Count { get { return Items().Count(); } }
    }

    /// <summary>A composition whose objects Find looks up by name, one level only.</summary>
    public abstract class LookupComposition<T> : Composition<T> where T : class
    {
        internal readonly Siemens.Engineering.Project OwnerProject;
        private readonly Func<IEnumerable<T>> _all;
        private readonly Func<T, string> _name;
        internal LookupComposition(Siemens.Engineering.Project project, Func<IEnumerable<T>> all, Func<T, string> name) { OwnerProject = project; _all = all; _name = name; }

        internal override IEnumerable<T> Items() { OwnerProject.Live(); return _all(); }

        internal T Lookup(string name, StringComparison comparison)
        {
            OwnerProject.Live();
            return _all().FirstOrDefault(x => string.Equals(_name(x), name, comparison));
        }
    }

    /// <summary>A PLC or device composition with Count and Find, which Openness declares on each: Find compares names
    /// exactly and looks one level only, like Openness' Find (it does not search groups).</summary>
    public abstract class NamedComposition<T> : LookupComposition<T> where T : class
    {
        internal NamedComposition(Siemens.Engineering.Project project, Func<IEnumerable<T>> all, Func<T, string> name) : base(project, all, name) { }
        public int Count { get { return Items().Count(); } }
        public T Find(string name) { Calls.Count(GetType().Name + ".Find"); return Lookup(name, StringComparison.Ordinal); }
    }

    /// <summary>A WinCC Unified composition: Find ignores case, as the Unified object model compares names (Create, in
    /// each composition, refuses a name it has through UnifiedState.Unique).</summary>
    public abstract class UnifiedComposition<T> : LookupComposition<T> where T : class
    {
        internal UnifiedComposition(Siemens.Engineering.Project project, Func<IEnumerable<T>> all, Func<T, string> name) : base(project, all, name) { }
        public T Find(string name) { Calls.Count(GetType().Name + ".Find"); return Lookup(name, StringComparison.OrdinalIgnoreCase); }

        /// <summary>The end of a Create: <paramref name="record"/> added to <paramref name="records"/> after the Unified
        /// name rule (UnifiedState.Unique, <paramref name="kind"/> in its message), the project marked modified. The
        /// caller has checked the project (Live) first.</summary>
        internal R Created<R>(List<R> records, R record, Func<R, string> name, string kind)
        {
            UnifiedState.Unique(records.Select(name), name(record), kind);
            return OwnerProject.Added(records, record);
        }
    }

    /// <summary>An object a handle stands for while it exists, with the Name Openness declares on each such class:
    /// Live() is the project's check, then TIA's disposed-object error (<c>gone</c>, <c>detail</c>) once
    /// <c>exists</c> says the object was deleted.</summary>
    public abstract class ProjectObject
    {
        internal readonly Siemens.Engineering.Project OwnerProject;
        private readonly Func<bool> _exists;
        private readonly string _gone;
        private readonly string _detail;
        private readonly Func<string> _name;
        internal ProjectObject(Siemens.Engineering.Project project, Func<bool> exists, string gone, string detail, Func<string> name)
        {
            OwnerProject = project;
            _exists = exists;
            _gone = gone;
            _detail = detail;
            _name = name;
        }

        internal void Live() { OwnerProject.Live(_exists, _gone, _detail); }
        public string Name { get { Live(); Calls.Count(GetType().Name + ".Name"); return _name(); } }
    }

    /// <summary>A user folder or group addressed by its path ("a/b" below the system folder): Name is the last part.</summary>
    public abstract class PathFolder
    {
        internal readonly Siemens.Engineering.Project OwnerProject;
        internal readonly string Path;
        internal PathFolder(Siemens.Engineering.Project project, string path) { OwnerProject = project; Path = path; }
        public string Name { get { OwnerProject.Live(); return LastPart(Path); } }
        internal static string LastPart(string path) { return path.Split('/').Last(); }
    }

    /// <summary>A composition of objects made when it was asked for (results, configurations, constants).</summary>
    public abstract class ListComposition<T> : CountedComposition<T>
    {
        private readonly IList<T> _items;
        internal ListComposition(IList<T> items) { _items = items; }
        internal override IEnumerable<T> Items() { return _items; }

        /// <summary>Find(name) of such a composition: the first object that matches, null when none does.</summary>
        internal T First(Func<T, bool> match) { return _items.FirstOrDefault(match); }
        internal T At(int index) { return _items[index]; }
    }

    /// <summary>A composition that is always empty in the stand-in (listed, never filled).</summary>
    public abstract class EmptyComposition<T> : Composition<T>
    {
        private readonly Action _live;
        internal EmptyComposition() : this(() => { }) { }
        internal EmptyComposition(Action live) { _live = live; }
        internal override IEnumerable<T> Items() { _live(); return new T[0]; }
    }

    /// <summary>The name rule of Create in the program, tag and watch table trees: TIA refuses an empty (or blank) name
    /// and one <paramref name="taken"/> has, ignoring case; <paramref name="cannot"/> is the message, the other two
    /// the detail.</summary>
    internal static class NewName
    {
        internal static void Check(string name, IEnumerable<string> taken, string cannot, string empty, string exists)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new Siemens.Engineering.EngineeringTargetInvocationException(cannot, empty, null);
            if (taken.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
                throw new Siemens.Engineering.EngineeringTargetInvocationException(cannot, exists, null);
        }
    }
}
