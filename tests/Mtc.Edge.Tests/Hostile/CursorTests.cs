using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// An agent that pushes the edge's cursor around (the real edge process against a hostile agent): a nextSequence that
/// goes back or is negative, sequences repeated inside a document and answered again below the cursor, and a restart
/// that keeps the instanceId. Each (instance, sequence) reaches the outbox once and none is lost.
/// </summary>
public sealed partial class CursorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_nextSequence_that_goes_back_duplicates_and_resent_sequences_never_store_a_sequence_twice()
    {
        var requests = 0;
        await using var agent = new HostileAgent(TinyAgentDocuments.With(r =>
        {
            var from = From(r.Path);
            var n = Interlocked.Increment(ref requests);
            // 10 new sequences, the 30 before the cursor again, each twice; nextSequence back to 5, negative, or from.
            var said = (n % 3) switch { 0 => 5, 1 => -7, _ => from };
            var sequences = Enumerable.Range(0, 40).Select(i => from - 30 + i).Where(s => s >= 3).SelectMany(s => new[] { s, s });
            return r.DocumentAsync(TinyAgentDocuments.Sample(said, from + 9, sequences));
        }));
        await using var edge = await HostileEdge.ForAgentAsync(agent.BaseUri);
        await edge.WaitForSourceAsync(s => HostileEdge.Observations(s) >= 400, Wait, "400 observations");
        edge.AssertPeakRssBounded();
        edge.Process.Kill();

        var stored = Observations(edge);
        var duplicates = stored.GroupBy(o => o).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"stored twice: {string.Join(", ", duplicates.Take(10))}");
        var sequences = stored.Where(o => o.Instance == "1700000000").Select(o => o.Sequence).Order().ToList();
        // Current's 1 and 2, then every sequence from 3 on, none skipped.
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        Assert.Empty(edge.Records("gap"));
    }

    [Fact]
    public async Task A_restart_that_keeps_the_instanceId_is_collected_as_a_new_epoch_and_stores_nothing_twice()
    {
        var restarted = 0;
        var probe = TinyAgentDocuments.Probe();
        var current = TinyAgentDocuments.Current();
        await using var agent = new HostileAgent(r =>
        {
            if (r.Is("probe"))
            {
                return r.DocumentAsync(probe);
            }
            var from = From(r.Path);
            if (Volatile.Read(ref restarted) == 0)
            {
                if (r.Is("current"))
                {
                    return r.DocumentAsync(current);
                }
                // The first run: pages of 10 sequences through 202, then the agent restarts keeping its instanceId.
                if (from <= 200)
                {
                    return r.DocumentAsync(TinyAgentDocuments.Sample(from + 10, from + 9, Enumerable.Range((int)from, 10).Select(s => (long)s)));
                }
                Volatile.Write(ref restarted, 1);
            }
            // The new run holds 1..49: current shows it, a from beyond it is OUT_OF_RANGE.
            return r.Is("current") ? r.DocumentAsync(TinyAgentDocuments.Sample(50, 49, []))
                : from > 49 ? r.DocumentAsync(OutOfRange(from))
                : r.DocumentAsync(TinyAgentDocuments.Sample(50, 49, Enumerable.Range((int)from, (int)(50 - from)).Select(s => (long)s)));
        });
        await using var edge = await HostileEdge.ForAgentAsync(agent.BaseUri);
        await edge.WaitForSourceAsync(s => s.TryGetProperty("instanceId", out var i) && i.GetString() == "1700000000~1" && s.GetProperty("nextSequence").GetInt64() == 50,
            Wait, "the new run collected");
        edge.Process.Kill();

        var stored = Observations(edge);
        Assert.DoesNotContain(stored.GroupBy(o => o), g => g.Count() > 1);
        Assert.Equal(Enumerable.Range(1, 49).Select(i => (long)i), stored.Where(o => o.Instance == "1700000000~1").Select(o => o.Sequence).Order());
        Assert.Equal(Enumerable.Range(1, 202).Select(i => (long)i), stored.Where(o => o.Instance == "1700000000").Select(o => o.Sequence).Order());
        var gap = Assert.Single(edge.Records("gap"));
        Assert.Equal("1700000000", gap.GetProperty("instanceId").GetString());
        Assert.Equal(203, gap.GetProperty("fromSequence").GetInt64());
        Assert.Equal(JsonValueKind.Null, gap.GetProperty("missed").ValueKind);
    }

    private static List<(string Instance, long Sequence)> Observations(HostileEdge edge) =>
        [.. edge.Records("observation").Select(o => (o.GetProperty("instanceId").GetString()!, o.GetProperty("sequence").GetInt64()))];

    private static long From(string path) =>
        FromParameter().Match(path) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 1;

    [GeneratedRegex(@"[?&]from=(-?\d+)")]
    private static partial Regex FromParameter();

    private static string OutOfRange(long from)
    {
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return $"""<?xml version="1.0" encoding="UTF-8"?><MTConnectError xmlns="urn:mtconnect.org:MTConnectError:2.5"><Header creationTime="{now}" sender="hostile" instanceId="{TinyAgentDocuments.InstanceId}" version="2.5.0.0" bufferSize="131072"/><Errors><Error errorCode="OUT_OF_RANGE">'from' must be less than 50, not {from}</Error></Errors></MTConnectError>""";
    }
}
