using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mtc.Core.Tests.Json;

/// <summary>The JSON files of the test data and counts taken from them with plain JsonDocument queries.</summary>
internal static class JsonTestData
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static IEnumerable<string> AllJsonFiles() =>
        Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in AllJsonFiles())
        {
            data.Add(Path.GetRelativePath(Root, file));
        }

        return data;
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The elements of a collection in either version: v1 [{Name: {...}}], v2 {Name: [{...}]}.</summary>
    public static IEnumerable<(string Name, JsonElement Item)> Elements(JsonElement collection)
    {
        if (collection.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in collection.EnumerateArray())
            {
                foreach (var p in entry.EnumerateObject())
                {
                    yield return (p.Name, p.Value);
                }
            }
        }
        else if (collection.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in collection.EnumerateObject())
            {
                foreach (var item in p.Value.EnumerateArray())
                {
                    yield return (p.Name, item);
                }
            }
        }
    }

    public sealed record Counts(string Kind, int Devices, int DataItems, int Observations, int Conditions, int Unavailable, int Errors, int Assets);

    public static Counts Count(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement.EnumerateObject().First();
        var body = root.Value;
        switch (root.Name)
        {
            case "MTConnectDevices":
            {
                var devices = Elements(body.GetProperty("Devices")).ToList();
                var dataItems = devices.Sum(d => CountDataItems(d.Item));
                return new Counts("devices", devices.Count, dataItems, 0, 0, 0, 0, 0);
            }

            case "MTConnectStreams":
            {
                var streams = Elements(body.GetProperty("Streams")).Where(s => s.Name == "DeviceStream").Select(s => s.Item).ToList();
                int observations = 0, conditions = 0, unavailable = 0;
                foreach (var component in streams.SelectMany(ComponentStreams))
                {
                    foreach (var category in new[] { "Samples", "Events", "Condition" })
                    {
                        if (!component.TryGetProperty(category, out var list))
                        {
                            continue;
                        }

                        foreach (var (name, item) in Elements(list))
                        {
                            observations++;
                            if (category == "Condition")
                            {
                                conditions++;
                                unavailable += name == "Unavailable" ? 1 : 0;
                            }
                            else if (item.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == "UNAVAILABLE")
                            {
                                unavailable++;
                            }
                        }
                    }
                }

                return new Counts("streams", streams.Count, 0, observations, conditions, unavailable, 0, 0);
            }

            case "MTConnectError":
                return new Counts("error", 0, 0, 0, 0, 0, Elements(body.GetProperty("Errors")).Count(), 0);
            case "MTConnectAssets":
                return new Counts("assets", 0, 0, 0, 0, 0, 0, Elements(body.GetProperty("Assets")).Count());
            default:
                throw new InvalidOperationException(root.Name);
        }
    }

    private static IEnumerable<JsonElement> ComponentStreams(JsonElement deviceStream)
    {
        if (deviceStream.TryGetProperty("ComponentStreams", out var v1))
        {
            return Elements(v1).Select(e => e.Item);
        }

        return deviceStream.TryGetProperty("ComponentStream", out var v2) ? v2.EnumerateArray() : [];
    }

    private static int CountDataItems(JsonElement component)
    {
        var count = component.TryGetProperty("DataItems", out var items) ? Elements(items).Count(e => e.Name == "DataItem") : 0;
        if (component.TryGetProperty("Components", out var children))
        {
            count += Elements(children).Sum(c => CountDataItems(c.Item));
        }

        return count;
    }

    /// <summary>Rewrites a version 2 document as version 1: every {Name: [items]} collection becomes [{Name: item}, ...].</summary>
    public static string ToVersion1(string version2Json)
    {
        var node = JsonNode.Parse(version2Json)!;
        Convert(node);
        return node.ToJsonString();
    }

    private static readonly HashSet<string> Collections = ["Devices", "Components", "DataItems", "Assets", "Errors", "Samples", "Events", "Condition", "Streams"];

    private static void Convert(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Convert(item);
            }

            return;
        }

        if (node is not JsonObject obj)
        {
            return;
        }

        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            var value = obj[key];
            if (key == "jsonVersion")
            {
                obj[key] = 1;
            }
            else if (key == "ComponentStream" && value is JsonArray components)
            {
                // v2 DeviceStream.ComponentStream[] is v1 DeviceStream.ComponentStreams[{ComponentStream}]
                obj.Remove(key);
                var list = new JsonArray();
                foreach (var c in components.ToList())
                {
                    components.Remove(c);
                    Convert(c);
                    list.Add(new JsonObject { ["ComponentStream"] = c });
                }

                obj["ComponentStreams"] = list;
            }
            else if (Collections.Contains(key) && value is JsonObject grouped)
            {
                var list = new JsonArray();
                foreach (var (name, items) in grouped.ToList())
                {
                    grouped.Remove(name);
                    var group = (JsonArray)items!;
                    foreach (var item in group.ToList())
                    {
                        group.Remove(item);
                        Convert(item);
                        list.Add(new JsonObject { [name] = item });
                    }
                }

                obj[key] = list;
            }
            else
            {
                Convert(value);
            }
        }
    }
}
