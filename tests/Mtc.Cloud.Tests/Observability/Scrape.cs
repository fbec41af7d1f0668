using System.Globalization;

namespace Mtc.Cloud.Tests.Observability;

/// <summary>A Prometheus text exposition as scraped: series names, and values by name and labels.</summary>
internal sealed class Scrape(string text)
{
    private readonly string[] _samples = text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToArray();

    public string Text => text;

    public SortedSet<string> Names { get; } = new(text.Split('\n').Where(l => l.Length > 0 && l[0] != '#')
        .Select(l => l[..l.IndexOfAny(['{', ' '])]), StringComparer.Ordinal);

    /// <summary>The value of the one series with this name and (at least) these labels, or null when there is none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var matches = _samples.Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] is '{' or ' '
            && labels.All(p => l.Contains($"{p.Label}=\"{p.Value}\"", StringComparison.Ordinal))).ToList();
        Assert.True(matches.Count <= 1, $"{matches.Count} series match {name}: {string.Join('\n', matches)}");
        return matches.Count == 0 ? null : double.Parse(matches[0][(matches[0].LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
