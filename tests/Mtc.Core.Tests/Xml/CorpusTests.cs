using System.Xml.Linq;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Xml;

/// <summary>Every XML capture of the corpus, read by the reader and counted independently with LINQ to XML.</summary>
public sealed class CorpusTests
{
    public static TheoryData<string> Files() => new(TestFiles.CorpusXml());

    [Fact]
    public void The_corpus_is_there()
    {
        Assert.True(TestFiles.CorpusXml().Count() >= 50, "the XML captures were not copied next to the test assembly");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_capture_reads_with_counts_equal_to_an_independent_count(string file)
    {
        byte[] bytes = TestFiles.Bytes(file);
        if (TestFiles.BrokenUpstream.TryGetValue(file, out var broken))
        {
            var error = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(bytes));
            Assert.Equal(broken.Kind, error.Kind);
            Assert.Equal(broken.Line, error.Line);
            return;
        }

        var expected = ExpectedCounts.Of(XDocument.Load(TestFiles.PathOf(file)));
        var document = MtConnectXml.Read(bytes);
        Assert.Equal(expected.Kind, document.Kind);
        Assert.Equal(expected.Version, document.Version);
        Assert.Equal(expected.Header, document.Header);

        switch (document)
        {
            case DevicesDocument devices:
                Assert.Equal(expected.Devices, devices.Devices.Count);
                Assert.Equal(expected.Agents, devices.Devices.Count(d => d.IsAgent));
                Assert.Equal(expected.Components, devices.Devices.Sum(CountComponents));
                Assert.Equal(expected.DataItems, devices.Devices.Sum(d => d.AllDataItems().Count()));
                Assert.Equal(expected.DataItemIds, devices.Devices.SelectMany(d => d.AllDataItems()).Select(i => i.Id).Order(StringComparer.Ordinal));
                break;
            case StreamsDocument streams:
                var observations = streams.Streams.SelectMany(s => s.Observations).ToList();
                Assert.Equal(expected.Devices, streams.Streams.Count);
                Assert.Equal(expected.Observations, observations.Count);
                Assert.Equal(expected.Conditions, observations.Count(o => o.Category == DataItemCategory.Condition));
                Assert.Equal(expected.Samples, observations.Count(o => o.Category == DataItemCategory.Sample));
                Assert.Equal(expected.Unavailable, observations.Count(o => o.IsUnavailable));
                Assert.Equal(expected.Entries, observations.Sum(o => o.Entries?.Count ?? 0));
                Assert.Equal(expected.Cells, observations.Sum(o => o.Entries?.Sum(e => e.Cells?.Count ?? 0) ?? 0));
                Assert.Equal(expected.SequenceSum, observations.Sum(o => o.Sequence));
                Assert.Equal(expected.ValueChars, observations.Sum(o => o.Value?.Length ?? 0));
                break;
            case AssetsDocument assets:
                Assert.Equal(expected.Assets, assets.Assets.Count);
                Assert.Equal(expected.AssetIds, assets.Assets.Select(a => a.AssetId));
                Assert.All(assets.Assets, a => Assert.Equal(a.AssetType, XElement.Parse(a.Body!).Name.LocalName));
                break;
            default:
                Assert.Fail($"unexpected {document.Kind}");
                break;
        }
    }

    private static int CountComponents(Component component) => component.Components.Sum(c => 1 + CountComponents(c));
}
