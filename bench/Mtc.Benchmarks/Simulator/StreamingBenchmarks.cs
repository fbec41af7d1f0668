using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Mtc.Core.Multipart;
using Mtc.Simulator;
using Mtc.Simulator.Agent;
using Mtc.Simulator.Documents;
using Mtc.Simulator.Sources;
using Mtc.Simulator.Sources.Generator;

namespace Mtc.Benchmarks.Simulator;

/// <summary>
/// Observations served to one streaming client: the buffer holds two hours of a 50-machine fleet; one operation
/// streams all of it (<c>sample?interval=0&amp;count=1000</c>) over real Kestrel and HttpClient, framing the parts
/// with our multipart reader. Observations/s = <see cref="Observations"/> / mean. Baseline: writing the same
/// pages into memory, without HTTP.
/// </summary>
[SimpleJob(warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private const int PageSize = 1000;
    private SimulatorHost _host = null!;
    private HttpClient _http = null!;
    private SimAgent _agent = null!;
    private long _first;
    private long _next;

    public long Observations => _next - _first;

    [GlobalSetup]
    public void Setup()
    {
        var start = DateTime.UtcNow;
        var fleet = new GeneratedFleet(50, 1, start);
        var values = fleet.Advance(start.AddHours(2)).Select(v => v.Value).ToArray();
        var options = new SimulatorOptions { Port = 0, BufferSize = 1 << 20, Generate = 50 };
        _host = SimulatorHost.StartAsync(options, new PrefilledSource(new DeviceCatalog(fleet.Devices), values), NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult();
        _agent = _host.Agent;
        while (_agent.Buffer.State.NextSequence < values.Length)
        {
            Thread.Sleep(10);
        }

        var state = _agent.Buffer.State;
        (_first, _next) = (state.FirstSequence, state.NextSequence);
        _http = new HttpClient { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        Console.WriteLine($"// {Observations} observations in the buffer");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public long Write_pages_in_memory()
    {
        long bytes = 0;
        for (var from = _first; from < _next;)
        {
            var page = _agent.Buffer.Sample(from, PageSize, null)!;
            bytes += StreamsWriter.Write(_agent, page.State, page.NextSequence, page.Observations).Length;
            from = page.NextSequence;
        }

        return bytes;
    }

    [Benchmark]
    public async Task<long> Stream_to_one_client()
    {
        var parts = (Observations + PageSize - 1) / PageSize;
        using var response = await _http.GetAsync($"sample?from={_first}&count={PageSize}&interval=0&heartbeat=10000", HttpCompletionOption.ResponseHeadersRead);
        await using var reader = new MultipartDocumentReader(await response.Content.ReadAsStreamAsync(), response.Content.Headers.ContentType!.ToString());
        long bytes = 0;
        for (var i = 0; i < parts; i++)
        {
            bytes += (await reader.ReadNextAsync())!.Body.Length;
        }

        return bytes;
    }

    /// <summary>Puts precomputed values into the agent once.</summary>
    private sealed class PrefilledSource(DeviceCatalog catalog, SourceValue[] values) : IDataSource
    {
        public DeviceCatalog Catalog => catalog;

        public Task RunAsync(SimAgent agent, CancellationToken cancellationToken)
        {
            agent.Buffer.AddRange(values);
            return Task.CompletedTask;
        }
    }
}
