using Mtc.Core.Model;

namespace Mtc.Simulator.Agent;

/// <summary>The SHDR text of a DATA_SET value: space-separated <c>key=value</c> pairs; a key alone removes it.</summary>
internal static class DataSetText
{
    public static IReadOnlyList<DataSetEntry> Parse(string text)
    {
        var entries = new List<DataSetEntry>();
        foreach (var pair in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            entries.Add(equals < 0
                ? new DataSetEntry(pair, null, Removed: true)
                : new DataSetEntry(pair[..equals], pair[(equals + 1)..]));
        }

        return entries;
    }
}
