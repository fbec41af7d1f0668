using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Web;

namespace Mtc.Cli.Tests.Doctor;

/// <summary>
/// A small schema-1.3 agent on 127.0.0.1 that behaves as MTConnect.NET was seen to: <c>nextSequence</c> is its buffer's
/// last + 1 whatever a page returned, error documents come with HTTP 200, <c>from=nextSequence</c> on an idle buffer is
/// OUT_OF_RANGE, the stream writes a UTF-8 BOM before every boundary and spells its part headers <c>Content-type</c> /
/// <c>Content-length</c>, and the Agent device is in the streams but not in the probe. Its buffer holds sequences 1..200
/// and does not grow (an idle agent).
/// </summary>
internal sealed class QuirkyAgent : IAsyncDisposable
{
    private const int Last = 200;
    private const long Instance = 1700000000;
    private const string Boundary = "b0a1e2d3c4";
    private static readonly DateTime Epoch = DateTime.UtcNow.AddMinutes(-10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public QuirkyAgent()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => AnswerAsync(client));
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var target = await ReadTargetAsync(stream);
                var uri = new Uri(new Uri("http://agent/"), target);
                var query = HttpUtility.ParseQueryString(uri.Query);
                switch (uri.AbsolutePath)
                {
                    case "/probe":
                        await WriteAsync(stream, Probe());
                        break;
                    case "/current":
                        await WriteAsync(stream, Streams(Enumerable.Range(1, Last).GroupBy(ItemOf).Select(g => g.Max())));
                        break;
                    case "/sample" when query["interval"] is { } interval:
                        await StreamAsync(stream, long.Parse(query["from"] ?? "1", CultureInfo.InvariantCulture), int.Parse(query["heartbeat"] ?? "10000", CultureInfo.InvariantCulture));
                        break;
                    case "/sample":
                        await WriteAsync(stream, Sample(query["from"], query["count"]));
                        break;
                    default:
                        await WriteAsync(stream, Error("UNSUPPORTED", $"'{uri.AbsolutePath}' is not a request"));
                        break;
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // The client went away.
            }
        }
    }

    private static string Sample(string? fromText, string? countText)
    {
        var from = long.Parse(fromText ?? "1", CultureInfo.InvariantCulture);
        var count = int.Parse(countText ?? "100", CultureInfo.InvariantCulture);
        if (count <= 0)
        {
            return Error("OUT_OF_RANGE", "'count' must be greater than 0");
        }

        if (from < 1 || from > Last)
        {
            return Error("OUT_OF_RANGE", $"'from' must be between 1 and {Last}");
        }

        return Streams(Enumerable.Range((int)from, (int)Math.Min(count, Last - from + 1)));
    }

    /// <summary>Heartbeat parts only (the buffer does not grow), each a BOM, the boundary, lowercase-spelled headers and the document.</summary>
    private async Task StreamAsync(NetworkStream stream, long from, int heartbeat)
    {
        if (from > Last + 1 || from < 1)
        {
            await WriteAsync(stream, Error("OUT_OF_RANGE", $"'from' must be between 1 and {Last + 1}"));
            return;
        }

        var head = $"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary={Boundary}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
        var first = true;
        while (!_stop.IsCancellationRequested)
        {
            var body = Encoding.UTF8.GetBytes(first && from <= Last ? Streams(Enumerable.Range((int)from, (int)(Last - from + 1))) : Streams([]));
            first = false;
            var part = new MemoryStream();
            part.Write([0xEF, 0xBB, 0xBF]);
            part.Write(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-type: text/xml\r\nContent-length: {body.Length}\r\n\r\n"));
            part.Write(body);
            part.Write("\r\n"u8);
            await stream.WriteAsync(part.ToArray(), _stop.Token);
            await stream.FlushAsync(_stop.Token);
            await Task.Delay(Math.Max(100, heartbeat), _stop.Token);
        }
    }

    private static async Task<string> ReadTargetAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                throw new IOException("closed before the request ended");
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return head.ToString().Split(' ')[1];
    }

    /// <summary>Every answer is HTTP 200, errors included.</summary>
    private async Task WriteAsync(NetworkStream stream, string document)
    {
        var body = Encoding.UTF8.GetBytes(document);
        var header = $"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header), _stop.Token);
        await stream.WriteAsync(body, _stop.Token);
    }

    // Sequences 1 and 2 are the Agent device's, the rest cycle over the machine's three data items.
    private static int ItemOf(int sequence) => sequence <= 2 ? -sequence : sequence % 3;

    private static string Time(int sequence) => Epoch.AddMilliseconds(sequence * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Header(string extra) =>
        $"<Header creationTime=\"{DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\" sender=\"quirky\" instanceId=\"{Instance}\" version=\"1.3.0.0\" bufferSize=\"{Last}\" {extra}/>";

    private static string Probe() =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><MTConnectDevices xmlns=\"urn:mtconnect.org:MTConnectDevices:1.3\">"
        + Header("assetBufferSize=\"10\" assetCount=\"0\" ")
        + "<Devices><Device id=\"m1\" name=\"M1\" uuid=\"m1-uuid\"><DataItems>"
        + "<DataItem id=\"avail\" type=\"AVAILABILITY\" category=\"EVENT\"/><DataItem id=\"exec\" type=\"EXECUTION\" category=\"EVENT\"/>"
        + "<DataItem id=\"parts\" type=\"PART_COUNT\" category=\"EVENT\"/></DataItems></Device></Devices></MTConnectDevices>";

    private static string Streams(IEnumerable<int> sequences)
    {
        var list = sequences.ToList();
        var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><MTConnectStreams xmlns=\"urn:mtconnect.org:MTConnectStreams:1.3\">");
        text.Append(Header($"nextSequence=\"{Last + 1}\" firstSequence=\"1\" lastSequence=\"{Last}\" ")).Append("<Streams>");
        Device(text, "Agent", "agent-uuid", "agent", list.Where(s => s <= 2));
        Device(text, "M1", "m1-uuid", "m1", list.Where(s => s > 2));
        return text.Append("</Streams></MTConnectStreams>").ToString();
    }

    private static void Device(StringBuilder text, string name, string uuid, string id, IEnumerable<int> sequences)
    {
        var items = sequences.ToList();
        if (items.Count == 0)
        {
            return;
        }

        text.Append($"<DeviceStream name=\"{name}\" uuid=\"{uuid}\"><ComponentStream component=\"Device\" name=\"{name}\" componentId=\"{id}\"><Events>");
        foreach (var s in items)
        {
            var (element, item, value) = ItemOf(s) switch
            {
                < 0 => ("Availability", $"{id}_avail", "AVAILABLE"),
                0 => ("Availability", "avail", "AVAILABLE"),
                1 => ("Execution", "exec", s % 2 == 0 ? "ACTIVE" : "READY"),
                _ => ("PartCount", "parts", (s / 3).ToString(CultureInfo.InvariantCulture)),
            };
            text.Append($"<{element} dataItemId=\"{item}\" timestamp=\"{Time(s)}\" sequence=\"{s}\">{value}</{element}>");
        }

        text.Append("</Events></ComponentStream></DeviceStream>");
    }

    private static string Error(string code, string message) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><MTConnectError xmlns=\"urn:mtconnect.org:MTConnectError:1.3\">"
        + Header("") + $"<Errors><Error errorCode=\"{code}\">{message}</Error></Errors></MTConnectError>";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
