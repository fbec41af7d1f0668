using System.Xml;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Mtc.Core;
using Mtc.Core.Xml;

namespace Mtc.Benchmarks;

/// <summary>
/// Reading a large streams document (≥ 10,000 real observations) with <see cref="MtConnectXml"/>, against a bare
/// <see cref="XmlReader"/> pass over the same bytes that reads every node and every attribute value.
/// Goal: at least 0.7 of the bare pass's throughput.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ObservationColumns))]
public class StreamsParsingBenchmark
{
    private byte[] _bytes = [];

    [Params("Mazak-2.0", "Mazak-1.7")]
    public string Source { get; set; } = "Mazak-2.0";

    [GlobalSetup]
    public void Setup() => _bytes = StreamsBenchmarkData.Get(Source).Bytes;

    [Benchmark(Baseline = true, Description = "bare XmlReader pass")]
    public long BareXmlReader()
    {
        using var reader = XmlReader.Create(new MemoryStream(_bytes, writable: false), XmlDocumentReader.CreateSettings(ParserLimits.Default, new NameTable()));
        long characters = 0;
        while (reader.Read())
        {
            characters += reader.Value.Length;
            if (reader.MoveToFirstAttribute())
            {
                do
                {
                    characters += reader.Value.Length;
                }
                while (reader.MoveToNextAttribute());

                reader.MoveToElement();
            }
        }

        return characters;
    }

    [Benchmark(Description = "MtConnectXml.ReadStreams")]
    public int MtConnectXmlReadStreams()
    {
        var document = MtConnectXml.ReadStreams(_bytes);
        int observations = 0;
        foreach (var stream in document.Streams)
        {
            observations += stream.Observations.Count;
        }

        return observations;
    }

    /// <summary>Adds observations per second and bytes allocated per observation to the summary table.</summary>
    private sealed class ObservationColumns : ManualConfig
    {
        public ObservationColumns()
        {
            AddColumn(new PerObservationColumn("Observations", (summary, c, n) => n.ToString("N0", Culture)));
            AddColumn(new PerObservationColumn("Obs/s", (summary, c, n) =>
                summary[c]?.ResultStatistics is { } stats ? (n / (stats.Mean / 1e9)).ToString("N0", Culture) : "?"));
            AddColumn(new PerObservationColumn("Alloc/obs", (summary, c, n) =>
                summary[c] is { } report ? (report.GcStats.GetBytesAllocatedPerOperation(c) / (double)n ?? 0).ToString("N0", Culture) + " B" : "?"));
        }

        private static readonly System.Globalization.CultureInfo Culture = System.Globalization.CultureInfo.InvariantCulture;
    }

    private sealed class PerObservationColumn(string name, Func<Summary, BenchmarkCase, int, string> value) : IColumn
    {
        public string Id => nameof(PerObservationColumn) + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => name switch
        {
            "Obs/s" => "Observations in the document divided by the mean time",
            "Alloc/obs" => "Bytes allocated per operation divided by the observations in the document",
            _ => "Observations in the document",
        };

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            value(summary, benchmarkCase, StreamsBenchmarkData.Get((string)benchmarkCase.Parameters["Source"]).Observations);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
