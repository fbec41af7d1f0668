using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Mtc.Core.Analytics;
using Mtc.Core.Model;
using Mtc.Core.Shdr;
using Mtc.Core.Xml;

namespace Mtc.Benchmarks.Analytics;

/// <summary>
/// <c>mtc analyze</c> over the NIST Mazak01 day log (about 100,000 observations), against a bare pass that only
/// parses the same log in the same run. Run: <c>dotnet run -c Release --project bench/Mtc.Benchmarks -- --filter *Analyze*</c>.
/// </summary>
[MemoryDiagnoser]
public class AnalyzeBenchmarks
{
    private string _log = "";
    private Device _device = null!;
    private List<Observation> _observations = [];

    [GlobalSetup]
    public void Setup()
    {
        var data = TestData.Find();
        using (var devices = File.OpenRead(Path.Combine(data, "nist-smstestbed", "mtconnect", "agent", "Devices.xml")))
        {
            _device = MtConnectXml.ReadDevices(devices).Devices.Single(d => d.Name == "Mazak01");
        }

        using var log = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(data, "nist-smstestbed", "raw", "Mazak01", "Mazak01-20170622-20170623.txt.gz")), CompressionMode.Decompress));
        _log = log.ReadToEnd();
        _observations = new ShdrDeviceFeed(_device).Read(new StringReader(_log)).ToList();
        Console.WriteLine($"// {_observations.Count} observations of Mazak01");
    }

    /// <summary>Parse only: every line through the SHDR reader with the device's keys.</summary>
    [Benchmark(Baseline = true)]
    public int ParseOnly()
    {
        var reader = new ShdrReader(new StringReader(_log), new DeviceShdrKeyResolver(_device));
        var entries = 0;
        while (reader.TryRead(out var result))
        {
            if (result.Line is ShdrDataLine line)
            {
                entries += line.Entries.Count;
            }
        }

        return entries;
    }

    /// <summary>Parse and map the entries to the device's observations, without analytics.</summary>
    [Benchmark]
    public int ParseAndMap() => new ShdrDeviceFeed(_device).Read(new StringReader(_log)).Count();

    /// <summary>What <c>mtc analyze</c> does: parse, map to the device's observations, run the analytics.</summary>
    [Benchmark]
    public int ParseAndAnalyze()
    {
        var analyzer = new MachineAnalyzer(_device);
        foreach (var observation in new ShdrDeviceFeed(_device).Read(new StringReader(_log)))
        {
            analyzer.Observe(observation);
        }

        analyzer.Finish();
        return analyzer.TakeEvents().Count;
    }

    /// <summary>The analytics alone over observations already in memory (what the edge adds per observation).</summary>
    [Benchmark]
    public int AnalyzeOnly()
    {
        var analyzer = new MachineAnalyzer(_device);
        foreach (var observation in _observations)
        {
            analyzer.Observe(observation);
        }

        analyzer.Finish();
        return analyzer.TakeEvents().Count;
    }
}

internal static class TestData
{
    /// <summary>The repository's tests/TestData, found upwards from the benchmark's directory.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "TestData");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/TestData not found above " + AppContext.BaseDirectory);
    }
}
