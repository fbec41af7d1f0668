using System.Text.Json;

namespace Mtc.Cli.Tests.Inspect;

/// <summary>The MTConnect documents of the test data, with counts taken from them by plain JsonDocument and XDocument queries.</summary>
internal static class CorpusFiles
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string HostileFolder => Path.Combine(Root, "hostile");

    public static bool IsHostile(string path) => Path.GetFullPath(path).StartsWith(HostileFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public static TheoryData<string> JsonDocuments() => Relative("*.json");

    private static TheoryData<string> Relative(string pattern)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Root, pattern, SearchOption.AllDirectories).Where(f => !IsHostile(f)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, file));
        }

        return data;
    }

    public sealed record Expected(string Kind, int Devices, int DataItems, int Observations, int Conditions, int Unavailable, int Errors, int Assets);

    public static Expected CountJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement.EnumerateObject().First();
        var body = root.Value;
        return root.Name switch
        {
            "MTConnectDevices" => CountJsonDevices(body),
            "MTConnectStreams" => CountJsonStreams(body),
            "MTConnectError" => new Expected("error", 0, 0, 0, 0, 0, Items(body.GetProperty("Errors")).Count(), 0),
            "MTConnectAssets" => new Expected("assets", 0, 0, 0, 0, 0, 0, Items(body.GetProperty("Assets")).Count()),
            _ => throw new InvalidOperationException(root.Name),
        };
    }

    private static Expected CountJsonDevices(JsonElement body)
    {
        var devices = Items(body.GetProperty("Devices")).ToList();
        return new Expected("devices", devices.Count, devices.Sum(d => DataItems(d.Value)), 0, 0, 0, 0, 0);

        static int DataItems(JsonElement component) =>
            (component.TryGetProperty("DataItems", out var items) ? Items(items).Count(i => i.Name == "DataItem") : 0)
            + (component.TryGetProperty("Components", out var children) ? Items(children).Sum(c => DataItems(c.Value)) : 0);
    }

    private static Expected CountJsonStreams(JsonElement body)
    {
        var streams = Items(body.GetProperty("Streams")).Select(s => s.Value).ToList();
        int observations = 0, conditions = 0, unavailable = 0;
        foreach (var stream in streams)
        {
            var components = stream.TryGetProperty("ComponentStreams", out var v1) ? Items(v1).Select(c => c.Value) : stream.GetProperty("ComponentStream").EnumerateArray();
            foreach (var component in components)
            {
                foreach (var category in component.EnumerateObject().Where(p => p.Name is "Samples" or "Events" or "Condition"))
                {
                    foreach (var (name, item) in Items(category.Value))
                    {
                        observations++;
                        var isCondition = category.Name == "Condition";
                        conditions += isCondition ? 1 : 0;
                        unavailable += isCondition
                            ? (name == "Unavailable" ? 1 : 0)
                            : (item.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == "UNAVAILABLE" ? 1 : 0);
                    }
                }
            }
        }

        return new Expected("streams", streams.Count, 0, observations, conditions, unavailable, 0, 0);
    }

    /// <summary>Collection entries in either cppagent JSON version.</summary>
    private static IEnumerable<(string Name, JsonElement Value)> Items(JsonElement collection) =>
        collection.ValueKind == JsonValueKind.Array
            ? collection.EnumerateArray().SelectMany(e => e.EnumerateObject().Select(p => (p.Name, p.Value)))
            : collection.EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(v => (p.Name, v)));
}
