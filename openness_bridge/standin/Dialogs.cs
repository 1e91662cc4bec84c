// TiaPortal's events: Confirmation, Notification, Disposed (V15.1-V19 metadata) and Authentication (from V17).
// Members and enum numbers as the real Siemens.Engineering.dll V17-V19 declares them (openness_bridge/reference):
//   ConfirmationEventArgs { Caption, Text, DetailText, Icon, Choices (get); Result, IsHandled (get; set) }
//   NotificationEventArgs { Caption, Text, DetailText, Icon (get); IsHandled (get; set) }
//   AuthenticationEventArgs { AuthenticationTypeProvider, UmacCredentials (get; set) }
// What TIA does with an unanswered confirmation or an unhandled authentication is not documented in any public
// source found; the stand-in's choices below are assumptions, named as such (docs/windows.md, "TIA's own events").
using System;
using System.Collections.Generic;
using System.Linq;
using StandIn.Control;

namespace Siemens.Engineering
{
    [Flags]
    public enum ConfirmationChoices { None = 0, Ok = 1, Yes = 2, YesToAll = 4, Abort = 8, Retry = 16, Ignore = 32, No = 64, NoToAll = 128, Cancel = 256 }

    public enum ConfirmationResult { Ok = 0, Yes = 1, YesToAll = 2, Abort = 3, Retry = 4, Ignore = 5, No = 6, NoToAll = 7, Cancel = 8 }

    public enum ConfirmationIcon { General = 0, Critical = 1, Error = 2 }

    public enum NotificationIcon { Success = 0, Information = 1, Warning = 2, Error = 3 }

    public enum AuthenticationTypeProvider { Credentials = 0, DesktopSso = 1, Anonymous = 2, Interactive = 3 }

    public sealed class ConfirmationEventArgs : EventArgs
    {
        internal ConfirmationEventArgs(string caption, string text, string detailText, ConfirmationIcon icon, ConfirmationChoices choices)
        {
            Caption = caption; Text = text; DetailText = detailText; Icon = icon; Choices = choices;
        }
        public string Caption { get; private set; }
        public string Text { get; private set; }
        public string DetailText { get; private set; }
        public ConfirmationIcon Icon { get; private set; }
        public ConfirmationChoices Choices { get; private set; }
        public ConfirmationResult Result { get; set; }
        public bool IsHandled { get; set; }
    }

    public sealed class NotificationEventArgs : EventArgs
    {
        internal NotificationEventArgs(string caption, string text, string detailText, NotificationIcon icon)
        {
            Caption = caption; Text = text; DetailText = detailText; Icon = icon;
        }
        public string Caption { get; private set; }
        public string Text { get; private set; }
        public string DetailText { get; private set; }
        public NotificationIcon Icon { get; private set; }
        public bool IsHandled { get; set; }
    }

    public sealed class AuthenticationEventArgs : EventArgs
    {
        internal AuthenticationEventArgs() { UmacCredentials = new UmacCredentials(); }
        public AuthenticationTypeProvider AuthenticationTypeProvider { get; set; }
        public UmacCredentials UmacCredentials { get; set; }
    }

    public sealed partial class TiaPortal
    {
        public event EventHandler<ConfirmationEventArgs> Confirmation;
        public event EventHandler<NotificationEventArgs> Notification;
        public event EventHandler Disposed;
        public event EventHandler<AuthenticationEventArgs> Authentication;

        internal bool Connected { get { return !_disposed && State.Alive; } }

        internal void RaiseConfirmation(ConfirmationEventArgs e) { var h = Confirmation; if (h != null) h(this, e); }
        internal void RaiseNotification(NotificationEventArgs e) { var h = Notification; if (h != null) h(this, e); }
        internal void RaiseAuthentication(AuthenticationEventArgs e) { var h = Authentication; if (h != null) h(this, e); }
        internal void RaiseDisposed() { var h = Disposed; if (h != null) h(this, EventArgs.Empty); }
    }
}

namespace StandIn.Control
{
    using Siemens.Engineering;

    /// <summary>Dialogs a test makes TIA show: the next call of a member asks a confirmation or shows a notification
    /// on every connected TiaPortal (raised on the calling thread, before the member does its work).</summary>
    public static class Dialogs
    {
        private sealed class Armed { internal string Caption, Text, DetailText; internal int Icon, Choices; internal bool Confirm; }

        private static readonly Dictionary<string, Queue<Armed>> Pending = new Dictionary<string, Queue<Armed>>();
        internal static readonly List<TiaPortal> Connections = new List<TiaPortal>();

        /// <summary>What each confirmation was answered ("Caption=Result", "Caption=unanswered").</summary>
        public static readonly List<string> Answers = new List<string>();

        /// <summary>The next call of <paramref name="member"/> asks a confirmation offering <paramref name="choices"/>
        /// (a ConfirmationChoices mask). A declining answer (No, NoToAll, Abort, Cancel) cancels the call with
        /// EngineeringUserAbortException; an accepting one lets it run. Assumed, not documented: nobody answering
        /// (IsHandled false) or an answer that was not offered fails the call with EngineeringTargetInvocationException.</summary>
        public static void ArmConfirmation(string member, string caption, string text, string detailText, int icon, int choices)
        {
            Arm(member, new Armed { Caption = caption, Text = text, DetailText = detailText, Icon = icon, Choices = choices, Confirm = true });
        }

        /// <summary>The next call of <paramref name="member"/> shows a notification (a NotificationIcon number).</summary>
        public static void ArmNotification(string member, string caption, string text, string detailText, int icon)
        {
            Arm(member, new Armed { Caption = caption, Text = text, DetailText = detailText, Icon = icon });
        }

        /// <summary>A user closes the portal's window: every connection hears Disposed, then the process ends.</summary>
        public static void CloseByUser(int pid)
        {
            foreach (var portal in Live().Where(p => p.State.Id == pid).ToList()) portal.RaiseDisposed();
            foreach (var process in Machine.Processes.Where(p => p.Id == pid && p.Alive)) process.Terminate();
        }

        public static void Clear() { Pending.Clear(); Connections.Clear(); Answers.Clear(); }

        private static void Arm(string member, Armed dialog)
        {
            Queue<Armed> queue;
            if (!Pending.TryGetValue(member, out queue)) Pending[member] = queue = new Queue<Armed>();
            queue.Enqueue(dialog);
        }

        private static List<TiaPortal> Live() { return Connections.Where(p => p.Connected).ToList(); }

        internal static void Show(string member)
        {
            Queue<Armed> queue;
            if (!Pending.TryGetValue(member, out queue) || queue.Count == 0) return;
            var dialog = queue.Dequeue();
            if (dialog.Confirm) Confirm(dialog); else Notify(dialog);
        }

        private static void Notify(Armed dialog)
        {
            var e = new NotificationEventArgs(dialog.Caption, dialog.Text, dialog.DetailText, (NotificationIcon)dialog.Icon);
            foreach (var portal in Live()) portal.RaiseNotification(e);
        }

        private static void Confirm(Armed dialog)
        {
            var choices = (ConfirmationChoices)dialog.Choices;
            var e = new ConfirmationEventArgs(dialog.Caption, dialog.Text, dialog.DetailText, (ConfirmationIcon)dialog.Icon, choices);
            foreach (var portal in Live())
            {
                portal.RaiseConfirmation(e);
                if (e.IsHandled) break;
            }
            if (!e.IsHandled)
            {
                Answers.Add(dialog.Caption + "=unanswered");
                throw new EngineeringTargetInvocationException("The operation needs an answer.", "TIA Portal asked '" + dialog.Caption + "' and nobody answered.", null);
            }
            Answers.Add(dialog.Caption + "=" + e.Result);
            var chosen = (ConfirmationChoices)Enum.Parse(typeof(ConfirmationChoices), e.Result.ToString());
            if ((choices & chosen) == 0)
                throw new EngineeringTargetInvocationException("The answer is not one of the choices.", "'" + dialog.Caption + "' offers " + choices + ", not " + e.Result + ".", null);
            if (e.Result == ConfirmationResult.No || e.Result == ConfirmationResult.NoToAll || e.Result == ConfirmationResult.Abort || e.Result == ConfirmationResult.Cancel)
                throw new EngineeringUserAbortException("The operation was canceled.", "The answer to '" + dialog.Caption + "' was " + e.Result + ".", null);
        }

        /// <summary>TIA asks every connection how to authenticate (V17 on), before the UmacDelegate of the open.
        /// Returns the credentials to check: those a handler filled in, then what the delegate fills in. Assumed:
        /// DesktopSso, Anonymous and Interactive open nothing here (no UMAC server, no user interface).</summary>
        internal static UmacCredentials Authenticate(UmacDelegate umac)
        {
            var e = new AuthenticationEventArgs();
            foreach (var portal in Live()) portal.RaiseAuthentication(e);
            if (e.AuthenticationTypeProvider != AuthenticationTypeProvider.Credentials)
                throw new EngineeringTargetInvocationException("The project cannot be opened.", "Authentication by " + e.AuthenticationTypeProvider + " is not possible here.", null);
            var credentials = e.UmacCredentials ?? new UmacCredentials();
            if (umac != null) umac(credentials);
            return credentials;
        }
    }
}
