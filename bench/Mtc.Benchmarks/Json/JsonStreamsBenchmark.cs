using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Mtc.Core.Json;
using Mtc.Core.Model;

namespace Mtc.Benchmarks.Json;

/// <summary>
/// Reading a large cppagent JSON (version 2) streams document into the model, against a bare Utf8JsonReader pass over
/// the same bytes in the same run. The document is the corpus example's device streams repeated to at least 10,000
/// real observations. Run: <c>dotnet run -c Release --project bench/Mtc.Benchmarks -- --filter *JsonStreams*</c>.
/// </summary>
[MemoryDiagnoser]
public class JsonStreamsBenchmark
{
    private byte[] _document = [];

    public int Observations { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var example = JsonNode.Parse(File.ReadAllText(Corpus("mtconnect.net/libraries/MTConnect.NET-JSON-cppagent/Examples/MTConnectStreamsResponseDocument.json")))!;
        var streams = example["MTConnectStreams"]!["Streams"]!["DeviceStream"]!.AsArray();
        var original = streams.Select(s => s!.ToJsonString()).ToList();
        var perCopy = ((StreamsDocument)MtConnectJson.Read(System.Text.Encoding.UTF8.GetBytes(example.ToJsonString()))).Streams.Sum(s => s.Observations.Count);
        for (var copies = 1; copies * perCopy < 10_000; copies++)
        {
            foreach (var stream in original)
            {
                streams.Add(JsonNode.Parse(stream));
            }
        }

        _document = System.Text.Encoding.UTF8.GetBytes(example.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Observations = ((StreamsDocument)MtConnectJson.Read(_document)).Streams.Sum(s => s.Observations.Count);
        Console.WriteLine($"// {Observations} observations, {_document.Length} bytes");
    }

    [Benchmark(Baseline = true)]
    public int BareUtf8JsonReader()
    {
        var reader = new Utf8JsonReader(_document);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark]
    public int MtConnectJsonRead() => ((StreamsDocument)MtConnectJson.Read(_document)).Streams.Count;

    private static string Corpus(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "TestData", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relative);
    }
}
