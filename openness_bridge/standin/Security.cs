// Stand-in for the security services of Openness: a CPU's access level and passwords (PlcAccessLevelProvider), its
// master secret (PlcMasterSecretConfigurator), both services of the CPU's device item, and the project's UMAC users
// and roles (UmacConfigurator, a service of the project). See Engineering.cs for the ground rules and
// openness_bridge/README.md ("Security & UMAC") for the source of every public member. Which enum values TIA numbers
// how, and what exactly TIA refuses, is not public: the refusals here are the ones the bridge must survive.
// Secrets are kept as SHA-256 digests (TIA keeps them its own way); nothing here ever returns one.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using Siemens.Engineering.HW;
using Siemens.Engineering.HW.Features;
using Siemens.Engineering.Umac;
using StandIn.Control;

namespace Siemens.Engineering.HW
{
    public enum PlcProtectionAccessLevel { None, FullAccess, ReadAccess, HMIAccess, NoAccess, FullAccessIncludingFailsafe }

    // Namespace and numbers as in the real V17-V19 assemblies (Siemens.Engineering.HW: None 0, WithPassword 1,
    // WithoutPassword 2); none of them has WithPasswordAllDataProtection, nor does the V21 catalogue.
    public enum MasterSecretConfiguration { None = 0, WithPassword = 1, WithoutPassword = 2 }
}

namespace Siemens.Engineering.HW.Features
{
    public sealed class PlcAccessLevelProvider : IEngineeringService
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        internal PlcAccessLevelProvider(Project project, DeviceState device) { _project = project; _device = device; }

        public PlcProtectionAccessLevel PlcProtectionAccessLevel
        {
            get { _project.Live(); return _device.Security.Level; }
            set
            {
                _project.Live();
                Faults.Check("PlcAccessLevelProvider.PlcProtectionAccessLevel");
                if (value == PlcProtectionAccessLevel.None || (value == PlcProtectionAccessLevel.FullAccessIncludingFailsafe && !_device.Security.Failsafe))
                    throw new EngineeringTargetInvocationException("The access level cannot be set.", "'" + value + "' is not a level of this CPU.", null);
                _device.Security.Level = value;
                _project.State.Modified = true;
            }
        }

        public void SetPassword(PlcProtectionAccessLevel accessLevel, SecureString password)
        {
            _project.Live();
            Faults.Check("PlcAccessLevelProvider.SetPassword");
            var digest = Secrets.Digest(password);
            if (digest == null)
                throw new EngineeringTargetInvocationException("The password cannot be set.", "The password is empty.", null);
            if (Rank(accessLevel) <= Rank(_device.Security.Level))
                throw new EngineeringTargetInvocationException("The password cannot be set.", "A password is possible only for the levels above the selected one.", null);
            if (_device.Security.Passwords.Any(p => p.Key != accessLevel && p.Value == digest))
                throw new EngineeringTargetInvocationException("The password cannot be set.", "The password is already used for another access level.", null);
            _device.Security.Passwords[accessLevel] = digest;
            _project.State.Modified = true;
        }

        public void ResetPassword(PlcProtectionAccessLevel accessLevel)
        {
            _project.Live();
            Faults.Check("PlcAccessLevelProvider.ResetPassword");
            _device.Security.Passwords.Remove(accessLevel);
            _project.State.Modified = true;
        }

        internal static int Rank(PlcProtectionAccessLevel level)
        {
            switch (level)
            {
                case PlcProtectionAccessLevel.FullAccessIncludingFailsafe: return 4;
                case PlcProtectionAccessLevel.FullAccess: return 3;
                case PlcProtectionAccessLevel.ReadAccess: return 2;
                case PlcProtectionAccessLevel.HMIAccess: return 1;
                default: return 0;
            }
        }
    }

    public sealed class PlcMasterSecretConfigurator : IEngineeringService
    {
        private readonly Project _project;
        private readonly DeviceState _device;
        internal PlcMasterSecretConfigurator(Project project, DeviceState device) { _project = project; _device = device; }

        public MasterSecretConfiguration MasterSecretConfiguration { get { _project.Live(); return _device.Security.Master; } }

        public void Protect(SecureString password)
        {
            Change("Protect");
            if (_device.Security.Master != MasterSecretConfiguration.None)
                throw new EngineeringTargetInvocationException("The PLC cannot be protected.", "The PLC configuration data is already protected.", null);
            var digest = Secrets.Digest(password);
            if (digest == null)
                throw new EngineeringTargetInvocationException("The PLC cannot be protected.", "The password is empty.", null);
            _device.Security.Master = MasterSecretConfiguration.WithPassword;
            _device.Security.MasterDigest = digest;
        }

        public void ChangePassword(SecureString oldPassword, SecureString newPassword)
        {
            Change("ChangePassword");
            Check(oldPassword);
            var digest = Secrets.Digest(newPassword);
            if (digest == null)
                throw new EngineeringTargetInvocationException("The password cannot be changed.", "The new password is empty.", null);
            _device.Security.MasterDigest = digest;
        }

        public void Unprotect(SecureString password)
        {
            Change("Unprotect");
            Check(password);
            _device.Security.Master = MasterSecretConfiguration.None;
            _device.Security.MasterDigest = null;
        }

        public void Reset()
        {
            Change("Reset");
            _device.Security.Master = MasterSecretConfiguration.None;
            _device.Security.MasterDigest = null;
        }

        private void Change(string member)
        {
            _project.Live();
            Faults.Check("PlcMasterSecretConfigurator." + member);
            _project.State.Modified = true;
        }

        private void Check(SecureString password)
        {
            if (_device.Security.Master == MasterSecretConfiguration.None)
                throw new EngineeringTargetInvocationException("The PLC is not protected.", "The PLC configuration data is not protected.", null);
            if (Secrets.Digest(password) != _device.Security.MasterDigest)
                throw new EngineeringTargetInvocationException("The password is wrong.", "The password does not match the master secret.", null);
        }
    }
}

namespace Siemens.Engineering.Umac
{
    public sealed class UmacConfigurator : IEngineeringService
    {
        private readonly Project _project;
        internal UmacConfigurator(Project project) { _project = project; }

        public ProjectUserComposition ProjectUsers { get { _project.Live(); return new ProjectUserComposition(_project); } }
        public SystemRoleComposition SystemRoles { get { _project.Live(); return new SystemRoleComposition(_project); } }
        public CustomRoleComposition CustomRoles { get { _project.Live(); return new CustomRoleComposition(_project); } }
    }

    public abstract class Role
    {
        internal readonly Project OwnerProject;
        internal readonly string Key;
        internal Role(Project project, string key) { OwnerProject = project; Key = key; }
        public string Name { get { OwnerProject.Live(); return Key; } }
    }

    public sealed class SystemRole : Role { internal SystemRole(Project project, string name) : base(project, name) { } }

    public sealed class CustomRole : Role { internal CustomRole(Project project, string name) : base(project, name) { } }

    public sealed class SystemRoleComposition : LookupComposition<SystemRole>
    {
        internal SystemRoleComposition(Project project) : base(project, () => UmacState.SystemRoleNames.Select(n => new SystemRole(project, n)), r => r.Key) { }
        public SystemRole Find(string name) { return Lookup(name, StringComparison.Ordinal); }
    }

    // The stand-in has no custom roles (the service does not create them); the composition is there to be listed.
    public sealed class CustomRoleComposition : EmptyComposition<CustomRole> { internal CustomRoleComposition(Project project) : base(project.Live) { } }

    public sealed class ProjectUser : ProjectObject
    {
        internal readonly UserState State;
        internal ProjectUser(Project project, UserState state)
            : base(project, () => project.State.Umac.Users.Contains(state), "The user object has been disposed.", "", () => state.Name) { State = state; }
        public RoleAssociation Roles { get { Live(); return new RoleAssociation(OwnerProject, State); } }
    }

    public sealed class ProjectUserComposition : LookupComposition<ProjectUser>
    {
        private readonly Project _project;
        internal ProjectUserComposition(Project project) : base(project, () => project.State.Umac.Users.Select(u => new ProjectUser(project, u)), u => u.State.Name) { _project = project; }

        public ProjectUser Create(string name, SecureString password)
        {
            _project.Live();
            Faults.Check("ProjectUserComposition.Create");
            var digest = Secrets.Digest(password);
            if (string.IsNullOrEmpty(name) || digest == null)
                throw new EngineeringTargetInvocationException("The user cannot be created.", "The name or the password is empty.", null);
            if (_project.State.Umac.Users.Any(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new EngineeringTargetInvocationException("The user cannot be created.", "The user '" + name + "' already exists.", null);
            var state = _project.Added(_project.State.Umac.Users, new UserState { Name = name, Digest = digest });
            return new ProjectUser(_project, state);
        }

        public ProjectUser Find(string name) { return Lookup(name, StringComparison.Ordinal); }
    }

    public sealed class RoleAssociation : Composition<Role>
    {
        private readonly Project _project;
        private readonly UserState _user;
        internal RoleAssociation(Project project, UserState user) { _project = project; _user = user; }

        public void Add(Role role)
        {
            _project.Live();
            Faults.Check("RoleAssociation.Add");
            if (role == null || !UmacState.SystemRoleNames.Contains(role.Key))
                throw new EngineeringTargetInvocationException("The role cannot be assigned.", "Unknown role.", null);
            if (!_user.Roles.Contains(role.Key)) _user.Roles.Add(role.Key);
            _project.State.Modified = true;
        }

        internal override IEnumerable<Role> Items() { _project.Live(); return _user.Roles.Select(r => (Role)new SystemRole(_project, r)); }
    }
}

namespace StandIn.Control
{
    internal sealed class CpuSecurityState
    {
        internal bool Failsafe;
        internal PlcProtectionAccessLevel Level;
        internal readonly Dictionary<PlcProtectionAccessLevel, string> Passwords = new Dictionary<PlcProtectionAccessLevel, string>();
        internal MasterSecretConfiguration Master = MasterSecretConfiguration.None;
        internal string MasterDigest;
    }

    internal sealed partial class DeviceState
    {
        private CpuSecurityState _security;

        /// <summary>A CPU's protection, TIA's default (the unprotected top row) until changed. F-CPUs: an F, U (TF) or
        /// S (SP F) after the dash of an S7-1500 article, an F in the second group of an S7-1200 one.</summary>
        internal CpuSecurityState Security
        {
            get
            {
                if (_security == null)
                {
                    var order = (TypeIdentifier ?? "").Replace("OrderNumber:", "");
                    var failsafe = order.Length > 10 && ((order.StartsWith("6ES7 51", StringComparison.Ordinal) && "FUS".IndexOf(order[10]) >= 0)
                        || (order.StartsWith("6ES7 21", StringComparison.Ordinal) && order.Length > 11 && order[11] == 'F'));
                    _security = new CpuSecurityState
                    {
                        Failsafe = failsafe,
                        Level = failsafe ? PlcProtectionAccessLevel.FullAccessIncludingFailsafe : PlcProtectionAccessLevel.FullAccess,
                    };
                }
                return _security;
            }
        }
    }

    internal sealed class UserState
    {
        internal string Name;
        internal string Digest;
        internal readonly List<string> Roles = new List<string>();
    }

    internal sealed class UmacState
    {
        /// <summary>TIA's system-defined engineering roles (Startdrive commissioning manual, "Project protection and user
        /// administration").</summary>
        internal static readonly string[] SystemRoleNames = { "ES Administrator", "ES Standard" };
        internal readonly List<UserState> Users = new List<UserState>();
    }

    internal sealed partial class ProjectState
    {
        private UmacState _umac;
        internal UmacState Umac { get { return _umac ?? (_umac = new UmacState()); } }
    }

    internal static class Secrets
    {
        /// <summary>SHA-256 of the SecureString's text (base64), null for an empty one.</summary>
        internal static string Digest(SecureString secret)
        {
            if (secret == null || secret.Length == 0) return null;
            var pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
            try
            {
                var text = Marshal.PtrToStringUni(pointer, secret.Length);
                using (var sha = SHA256.Create()) return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(text)));
            }
            finally { Marshal.ZeroFreeGlobalAllocUnicode(pointer); }
        }
    }

    internal sealed class SecurityServices : IDeviceItemServices
    {
        public object Provide(Type service, Siemens.Engineering.Project project, DeviceState device, bool isCpuItem)
        {
            if (!isCpuItem || device.Software == null) return null;
            if (service == typeof(PlcAccessLevelProvider)) return new PlcAccessLevelProvider(project, device);
            if (service == typeof(PlcMasterSecretConfigurator)) return new PlcMasterSecretConfigurator(project, device);
            return null;
        }
    }

    /// <summary>Keeps protection and users in the project file (digests only), so a rolled-back transaction and a
    /// reopened project see them.</summary>
    internal sealed class SecurityPart : IProjectPart
    {
        public IEnumerable<string[]> Save(ProjectState project)
        {
            foreach (var device in project.Devices.Where(d => d.Software != null))
            {
                var s = device.Security;
                yield return new[] { "security", device.Name, s.Level.ToString(), s.Master.ToString(), s.MasterDigest ?? "" };
                foreach (var pair in s.Passwords)
                    yield return new[] { "security-password", device.Name, pair.Key.ToString(), pair.Value };
            }
            foreach (var user in project.Umac.Users)
                yield return new[] { "umac-user", Record.Text(user.Name), user.Digest, Record.Text(string.Join("\n", user.Roles)) };
        }

        public bool Load(ProjectState project, string[] fields)
        {
            if (fields.Length == 5 && fields[0] == "security")
            {
                var s = project.Devices.First(d => d.Name == fields[1]).Security;
                s.Level = (PlcProtectionAccessLevel)Enum.Parse(typeof(PlcProtectionAccessLevel), fields[2]);
                s.Master = (MasterSecretConfiguration)Enum.Parse(typeof(MasterSecretConfiguration), fields[3]);
                s.MasterDigest = fields[4].Length == 0 ? null : fields[4];
                return true;
            }
            if (fields.Length == 4 && fields[0] == "security-password")
            {
                var s = project.Devices.First(d => d.Name == fields[1]).Security;
                s.Passwords[(PlcProtectionAccessLevel)Enum.Parse(typeof(PlcProtectionAccessLevel), fields[2])] = fields[3];
                return true;
            }
            if (fields.Length == 4 && fields[0] == "umac-user")
            {
                var user = new UserState { Name = Record.Untext(fields[1]), Digest = fields[2] };
                user.Roles.AddRange(Record.Untext(fields[3]).Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries));
                project.Umac.Users.Add(user);
                return true;
            }
            return false;
        }
    }
}
