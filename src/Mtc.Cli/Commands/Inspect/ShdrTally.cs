using Mtc.Core.Model;
using Mtc.Core.Shdr;

namespace Mtc.Cli.Commands.Inspect;

/// <summary>What an SHDR log holds, added up line by line.</summary>
internal sealed class ShdrTally(bool resolvesKeys)
{
    public bool ResolvesKeys { get; } = resolvesKeys;
    public int Parsed { get; private set; }
    public int DataLines { get; private set; }
    public int Observations { get; private set; }
    public int Conditions { get; private set; }
    public int Unavailable { get; private set; }
    public int Messages { get; private set; }
    public int TimeSeries { get; private set; }
    public int DataSets { get; private set; }
    public int Tables { get; private set; }
    public int AssetsAdded { get; private set; }
    public Dictionary<ShdrAssetAction, int> AssetCommands { get; } = [];
    public int Commands { get; private set; }
    public int Malformed { get; private set; }
    public List<int> MalformedLines { get; } = [];
    public ShdrParseError? FirstError { get; private set; }
    public DateTime? First { get; private set; }
    public DateTime? Last { get; private set; }
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    public HashSet<string> UnknownKeys { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Devices { get; } = new(StringComparer.Ordinal);

    public void Add(ShdrParseResult result)
    {
        if (result.Error is { } error)
        {
            Malformed++;
            FirstError ??= error;
            if (MalformedLines.Count < ShdrLogSummary.ListedLines)
            {
                MalformedLines.Add(error.Line);
            }

            return;
        }

        Parsed++;
        switch (result.Line)
        {
            case ShdrDataLine data:
                DataLines++;
                if (!data.TimestampWasEmpty)
                {
                    See(data.Timestamp);
                }

                foreach (var entry in data.Entries)
                {
                    Add(entry);
                }

                break;
            case ShdrAssetCommand asset:
                AssetCommands[asset.Action] = AssetCommands.GetValueOrDefault(asset.Action) + 1;
                AssetsAdded += asset.Action == ShdrAssetAction.Add ? 1 : 0;
                See(asset.Timestamp);
                break;
            default:
                Commands++;
                break;
        }
    }

    private void Add(ShdrEntry entry)
    {
        Observations++;
        Keys.Add(entry.Device is null ? entry.Key : $"{entry.Device}:{entry.Key}");
        if (entry.Device is not null)
        {
            Devices.Add(entry.Device);
        }

        if (!entry.IsKnown)
        {
            UnknownKeys.Add(entry.Key);
        }

        var unavailable = entry switch
        {
            ShdrValue v => v.IsUnavailable,
            ShdrCondition c => c.Level == ConditionLevel.Unavailable,
            ShdrTimeSeries t => t.IsUnavailable,
            ShdrDataSet d => d.IsUnavailable,
            _ => false,
        };
        Unavailable += unavailable ? 1 : 0;
        Conditions += entry is ShdrCondition ? 1 : 0;
        Messages += entry is ShdrMessage ? 1 : 0;
        TimeSeries += entry is ShdrTimeSeries ? 1 : 0;
        DataSets += entry is ShdrDataSet { IsTable: false } ? 1 : 0;
        Tables += entry is ShdrDataSet { IsTable: true } ? 1 : 0;
    }

    private void See(DateTime time)
    {
        First = First is { } first && first <= time ? first : time;
        Last = Last is { } last && last >= time ? last : time;
    }
}
