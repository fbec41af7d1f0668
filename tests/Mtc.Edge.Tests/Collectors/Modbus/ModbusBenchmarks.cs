using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Mtc.Edge.Collectors.Modbus;
using Mtc.Edge.Tests.EndToEnd;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.Collectors.Modbus;

/// <summary>
/// Opt-in measurements (<c>MTC_BENCH_MODBUS=1</c>): polls/s of one module against a bare socket loop of the same bytes in
/// the same run, and the edge's CPU for 50 modules polled every second (<c>MTC_BENCH_MODBUS_SECONDS</c>, default 60).
/// </summary>
public sealed class ModbusBenchmarks(ITestOutputHelper output)
{
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(5);

    [ModbusBenchFact]
    public async Task Polls_per_second_of_one_module_against_a_bare_socket_loop()
    {
        using var server = await ModbusServer.StartAsync(0, 1, "1:0:123456");
        // Warm both up, then measure each twice, alternating, so neither gets the quieter moment.
        await BarePollsAsync(server.Port, TimeSpan.FromSeconds(1));
        await ClientPollsAsync(server.Port, TimeSpan.FromSeconds(1));
        double bare = 0, client = 0;
        for (var i = 0; i < 2; i++)
        {
            bare += await BarePollsAsync(server.Port, Run) / 2;
            client += await ClientPollsAsync(server.Port, Run) / 2;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one module, poll = 04 x24 registers + 02 x12 inputs: client {client:0} polls/s, bare socket {bare:0} polls/s, ratio {client / bare:0.00}"));
        Assert.True(client > 0 && bare > 0);
    }

    [ModbusBenchFact]
    public async Task Edge_cpu_for_50_modules_polled_every_second()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("MTC_BENCH_MODBUS_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 60;
        using var server = await ModbusServer.StartAsync(0, 50);
        await using var p = new Pipeline();
        await p.StartEdgeOnModulesAsync(server.Port, 50, 10, "00:00:01");
        await Task.Delay(TimeSpan.FromSeconds(5)); // start-up and JIT are not the steady state
        var edge0 = ThroughputTests.CpuSeconds(p.Edge!.Id);
        var server0 = ThroughputTests.CpuSeconds(server.Process.Id);
        var before = await PollsAsync(p);
        var clock = Stopwatch.StartNew();
        var ticks = 0;
        for (; clock.Elapsed.TotalSeconds < seconds; ticks++)
        {
            // The counters move: each module's channels count a part every few seconds.
            await server.SetAsync(ticks % 10, 1000 + ticks, 1 + (ticks % 50));
            await Task.Delay(100);
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        var edge = (ThroughputTests.CpuSeconds(p.Edge!.Id) - edge0) / elapsed * 60;
        var py = (ThroughputTests.CpuSeconds(server.Process.Id) - server0) / elapsed * 60;
        var after = await PollsAsync(p);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"50 modules x 10 channels at 1 s for {elapsed:0} s: edge CPU {edge:0.00} s per minute ({edge / 60 * 100:0.0}% of one core), RSS {ThroughputTests.RssMiB(p.Edge!.Id):0} MiB; pymodbus server {py:0.00} s per minute; {(after - before) / elapsed:0} observations/s stored"));
        Assert.Equal(50, (await p.EdgeStatusAsync()).GetProperty("sources").EnumerateArray().Count(x => x.GetProperty("state").GetString() == "connected"));
    }

    private static async Task<long> PollsAsync(Pipeline p) =>
        (await p.EdgeStatusAsync()).GetProperty("sources").EnumerateArray().Sum(x => x.GetProperty("observations").GetInt64());

    private static async Task<double> ClientPollsAsync(int port, TimeSpan run)
    {
        using var client = new ModbusTcpClient("127.0.0.1", port, 1, TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        var polls = 0;
        while (clock.Elapsed < run)
        {
            await client.ReadInputRegistersAsync(0, 24, CancellationToken.None);
            await client.ReadDiscreteInputsAsync(0, 12, CancellationToken.None);
            polls++;
        }
        return polls / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The same two requests as fixed bytes on a bare socket, each answer read by its length and nothing checked.</summary>
    private static async Task<double> BarePollsAsync(int port, TimeSpan run)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        var registers = ModbusFrames.ReadRequest(1, 1, 4, 0, 24);
        var inputs = ModbusFrames.ReadRequest(2, 1, 2, 0, 12);
        var buffer = new byte[260];
        var clock = Stopwatch.StartNew();
        var polls = 0;
        while (clock.Elapsed < run)
        {
            foreach (var request in new[] { registers, inputs })
            {
                await stream.WriteAsync(request);
                await stream.ReadExactlyAsync(buffer.AsMemory(0, 7));
                await stream.ReadExactlyAsync(buffer.AsMemory(7, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(4)) - 1));
            }
            polls++;
        }
        return polls / clock.Elapsed.TotalSeconds;
    }
}

/// <summary>Runs only with <c>MTC_BENCH_MODBUS=1</c>: measurements, not checks.</summary>
internal sealed class ModbusBenchFactAttribute : FactAttribute
{
    public ModbusBenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MTC_BENCH_MODBUS") != "1")
        {
            Skip = "opt-in measurement: set MTC_BENCH_MODBUS=1 to run it (MTC_BENCH_MODBUS_SECONDS changes the 60 s of the CPU run)";
        }
    }
}
