using Mtc.Core.Model;

namespace Mtc.Core.Analytics;

/// <summary>What a data item means to the analytics.</summary>
internal enum DataItemRole
{
    Execution,
    ControllerMode,
    FunctionalMode,
    Availability,
    PartCount,
    Program,
    ProgramComment,
    EmergencyStop,
    Condition,
}

/// <summary>
/// The data items of one device that the analytics reads, found by type and subType (never by name).
/// One item per role except conditions (all of them). Where a device declares several items of a type,
/// the preferred subType wins (PART_COUNT: ALL, then GOOD, then none; PROGRAM: none, then MAIN, then ACTIVE),
/// then document order. Vendor-prefixed types (<c>x:PROGRAM_COMMENT</c>) match on the name after the prefix.
/// </summary>
internal sealed class MachineDataItems
{
    private static readonly Dictionary<string, (DataItemRole Role, string?[] SubTypes)> Wanted = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EXECUTION"] = (DataItemRole.Execution, [null]),
        ["CONTROLLER_MODE"] = (DataItemRole.ControllerMode, [null]),
        ["FUNCTIONAL_MODE"] = (DataItemRole.FunctionalMode, [null]),
        ["AVAILABILITY"] = (DataItemRole.Availability, [null]),
        ["PART_COUNT"] = (DataItemRole.PartCount, ["ALL", "GOOD", null]),
        ["PROGRAM"] = (DataItemRole.Program, [null, "MAIN", "ACTIVE"]),
        ["PROGRAM_COMMENT"] = (DataItemRole.ProgramComment, [null, "MAIN", "ACTIVE"]),
        ["EMERGENCY_STOP"] = (DataItemRole.EmergencyStop, [null]),
    };

    private readonly Dictionary<string, DataItemRole> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DataItem> _conditions = new(StringComparer.Ordinal);

    public MachineDataItems(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var best = new Dictionary<DataItemRole, (DataItem Item, int Rank)>();
        foreach (var item in device.AllDataItems())
        {
            if (item.Category == DataItemCategory.Condition)
            {
                _conditions[item.Id] = item;
                _roles[item.Id] = DataItemRole.Condition;
                continue;
            }

            if (!Wanted.TryGetValue(LocalName(item.Type), out var wanted))
            {
                continue;
            }

            var rank = Array.FindIndex(wanted.SubTypes, s => string.Equals(s, item.SubType is null ? null : LocalName(item.SubType), StringComparison.OrdinalIgnoreCase));
            if (rank < 0)
            {
                continue;
            }

            if (!best.TryGetValue(wanted.Role, out var current) || rank < current.Rank)
            {
                best[wanted.Role] = (item, rank);
            }
        }

        foreach (var (role, (item, _)) in best)
        {
            _roles[item.Id] = role;
            Has.Add(role);
            ItemIds[role] = item.Id;
        }
    }

    public HashSet<DataItemRole> Has { get; } = [];

    /// <summary>The chosen data item id per role (conditions excluded).</summary>
    public Dictionary<DataItemRole, string> ItemIds { get; } = [];

    public bool HasExecution => Has.Contains(DataItemRole.Execution);

    /// <summary>A part count but no execution: cycles come from the counter alone.</summary>
    public bool CounterOnly => !HasExecution && Has.Contains(DataItemRole.PartCount);

    public bool TryGetRole(string dataItemId, out DataItemRole role) => _roles.TryGetValue(dataItemId, out role);

    public DataItem? Condition(string dataItemId) => _conditions.GetValueOrDefault(dataItemId);

    private static string LocalName(string type)
    {
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? type : type[(colon + 1)..];
    }
}
