using System.Net;
using System.Net.Sockets;
using Mtc.Core.Shdr;
using Mtc.Core.Tests.Support;

namespace Mtc.Core.Tests.Shdr;

/// <summary>A real adapter socket on 127.0.0.1: the okuma log written in uneven pieces, read back as lines.</summary>
public sealed class ShdrOverSocketTests
{
    [Fact]
    public async Task A_log_sent_over_tcp_in_uneven_writes_reads_like_the_file()
    {
        const string log = "cppagent/demo/agent/okuma.txt.gz";
        var bytes = CapturedFiles.Bytes(log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var adapter = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(timeout.Token);
            client.NoDelay = true;
            var stream = client.GetStream();
            var random = new Random(3);
            for (var pos = 0; pos < bytes.Length;)
            {
                var size = Math.Min(random.Next(1, 4000), bytes.Length - pos);
                await stream.WriteAsync(bytes.AsMemory(pos, size), timeout.Token);
                pos += size;
            }
        }, timeout.Token);

        using var agent = new TcpClient();
        await agent.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        var network = agent.GetStream();
        using var assembler = new ShdrLineAssembler();
        using var reader = new ShdrReader();
        var lines = new List<string>();
        var parsed = new List<ShdrLine>();
        var buffer = new byte[8192];
        int read;
        while ((read = await network.ReadAsync(buffer, timeout.Token)) > 0)
        {
            lines.Clear();
            assembler.Append(buffer.AsSpan(0, read), lines);
            foreach (var line in lines)
            {
                if (reader.Accept(line).Line is { } shdr)
                {
                    parsed.Add(shdr);
                }
            }
        }

        if (assembler.Complete() is { } last && reader.Accept(last).Line is { } final)
        {
            parsed.Add(final);
        }

        await adapter;
        using var fileReader = new ShdrReader(CapturedFiles.Reader(log));
        var fromFile = fileReader.ReadAll().ToList();
        Assert.Equal(0, reader.MalformedLines);
        Assert.Equal(fromFile.Count, parsed.Count);
        Assert.Equal(CapturedFiles.Lines(log).Count, reader.LineNumber);
        Assert.Equal(
            fromFile.OfType<ShdrDataLine>().SelectMany(d => d.Entries).Select(e => e.ToString()),
            parsed.OfType<ShdrDataLine>().SelectMany(d => d.Entries).Select(e => e.ToString()));
    }
}
