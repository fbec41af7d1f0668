using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Mtc.Core.Shdr;

namespace Mtc.Benchmarks.Shdr;

/// <summary>
/// Reading a whole real SHDR day log (NIST Mazak01, 100,179 lines) with <see cref="ShdrReader"/>, against a
/// baseline in the same run that only splits the lines on '|' (the least any reader must do).
/// Run: <c>dotnet run -c Release --project bench/Mtc.Benchmarks -- --filter *ShdrBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class ShdrBenchmarks
{
    private string _log = string.Empty;

    [Params("nist-smstestbed/raw/Mazak01/Mazak01-20170622-20170623.txt.gz", "cppagent/demo/agent/okuma.txt.gz")]
    public string Log { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        using var gz = new GZipStream(File.OpenRead(FindTestData(Log)), CompressionMode.Decompress);
        using var text = new StreamReader(gz);
        _log = text.ReadToEnd();
    }

    [Benchmark(Baseline = true)]
    public int SplitLinesOnPipes()
    {
        var fields = 0;
        using var reader = new StringReader(_log);
        while (reader.ReadLine() is { } line)
        {
            fields += line.Split('|').Length;
        }

        return fields;
    }

    [Benchmark]
    public int ShdrReaderReadsEveryLine()
    {
        var entries = 0;
        var reader = new ShdrReader(new StringReader(_log));
        while (reader.TryRead(out var result))
        {
            if (result.Line is ShdrDataLine data)
            {
                entries += data.Entries.Count;
            }
        }

        return entries;
    }

    private static string FindTestData(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "TestData", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tests/TestData/{relative} not found above {AppContext.BaseDirectory}");
    }
}
