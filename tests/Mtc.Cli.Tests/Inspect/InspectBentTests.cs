using System.Text.RegularExpressions;

namespace Mtc.Cli.Tests.Inspect;

/// <summary><c>mtc inspect</c> on documents that break a rule the reader reads around: read whole, the rule listed in <c>bent</c>.</summary>
public sealed class InspectBentTests
{
    [Fact]
    public async Task Inspect_refused_a_current_with_an_undeclared_prefix()
    {
        var path = CorpusFiles.PathOf("bent/Current-Mazak-1.5-SingleLine-undeclared-x.xml");

        var json = (await CliRun.RunAsync("inspect", path)).Json();

        Assert.Equal(Regex.Count(File.ReadAllText(path), "<[A-Za-z][^<>]*\\ssequence=\""), json.GetProperty("observations").GetInt32());
        var bent = Assert.Single(json.GetProperty("bent").EnumerateArray());
        Assert.Equal(("undeclared-prefix", "x", 2), (bent.GetProperty("rule").GetString(), bent.GetProperty("subject").GetString(), bent.GetProperty("line").GetInt32()));
    }

    [Fact]
    public async Task Inspect_dropped_the_data_items_of_Systems_directly_under_Device()
    {
        var path = CorpusFiles.PathOf("bent/Devices-organizers-outside-Components.xml");

        var json = (await CliRun.RunAsync("inspect", path)).Json();

        Assert.Equal(Regex.Count(File.ReadAllText(path), "<DataItem[\\s/>]"), json.GetProperty("dataItems").GetInt32());
        Assert.Equal(["Axes", "Controller", "Systems"], json.GetProperty("bent").EnumerateArray().Select(b => b.GetProperty("subject").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_document_that_follows_the_rules_has_no_bent_rules()
    {
        var json = (await CliRun.RunAsync("inspect", CorpusFiles.PathOf("nist-smstestbed/mtconnect/agent/Devices.xml"))).Json();

        Assert.Empty(json.GetProperty("bent").EnumerateArray());
    }
}
