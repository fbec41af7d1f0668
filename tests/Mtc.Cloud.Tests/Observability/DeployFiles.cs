using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mtc.Cloud.Tests.Observability;

/// <summary>The repository's deploy/ files (alert rules, dashboard) and the metric names their expressions use.</summary>
internal static partial class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string Prometheus => Path.Combine(Root, "deploy", "prometheus");

    public static string Dashboard => Path.Combine(Root, "deploy", "grafana", "mtc-cloud.json");

    /// <summary>Every <c>mtc_...</c> identifier in the rules' <c>expr</c> lines (and the queries inside annotations).</summary>
    public static SortedSet<string> NamesInAlertRules() =>
        Names(File.ReadAllText(Path.Combine(Prometheus, "alerts.yml")).Split('\n').Where(l => !l.TrimStart().StartsWith('#')));

    /// <summary>Every <c>mtc_...</c> identifier in the dashboard's panel queries and template variables.</summary>
    public static SortedSet<string> NamesInDashboard()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var queries = new List<string>();
        foreach (var panel in doc.RootElement.GetProperty("panels").EnumerateArray())
        {
            queries.AddRange(panel.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!));
        }
        foreach (var variable in doc.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.TryGetProperty("definition", out var definition))
            {
                queries.Add(definition.GetString()!);
            }
        }
        return Names(queries);
    }

    private static SortedSet<string> Names(IEnumerable<string> text) =>
        new(text.SelectMany(t => MetricName().Matches(t).Select(m => m.Value)), StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MtcCore.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"MtcCore.slnx not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\bmtc_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
