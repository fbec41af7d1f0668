using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// Follows the simulator's <c>/sample</c> while a long run goes on, as a second, independent client (an <see cref="XmlReader"/>,
/// not the product's parser), and remembers which sequences belong to machines (not to its Agent device) in a bitmap. A run
/// of minutes serves more observations than a simulator's buffer should hold, so the expected set cannot be read back at the
/// end as the shorter tests do.
/// </summary>
internal sealed class SimSequenceFollower : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _sim;
    private readonly HashSet<string> _machines;
    private readonly long _first;
    private readonly List<ulong> _bits = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private long _next;

    private SimSequenceFollower(HttpClient http, Uri sim, HashSet<string> machines, long first)
    {
        _http = http;
        _sim = sim;
        _machines = machines;
        _first = first;
        _next = first;
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>The simulator's instanceId, from the pages followed.</summary>
    public string Instance { get; private set; } = "";

    /// <summary>Every sequence below this one was read.</summary>
    public long Next
    {
        get { lock (_gate) { return _next; } }
    }

    /// <summary>Why following stopped, when it did (e.g. the simulator's buffer overran the follower).</summary>
    public string? Failure { get; private set; }

    /// <summary>Starts following from <paramref name="first"/>; the machines are the Device elements of the probe.</summary>
    public static async Task<SimSequenceFollower> StartAsync(HttpClient http, Uri sim, long first)
    {
        var probe = XDocument.Parse(await http.GetStringAsync(new Uri(sim, "/probe")));
        var machines = probe.Descendants().Where(e => e.Name.LocalName == "Device")
            .Select(e => (string?)e.Attribute("name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new SimSequenceFollower(http, sim, machines, first);
    }

    /// <summary>Waits until every sequence through <paramref name="last"/> was read.</summary>
    public async Task WaitThroughAsync(long last, TimeSpan timeout)
    {
        await Pipeline.WaitUntilAsync(() => Task.FromResult(Next > last || Failure is not null), timeout, () => $"the follower read only up to {Next}");
        if (Failure is not null)
        {
            throw new InvalidOperationException("following the simulator failed: " + Failure);
        }
    }

    /// <summary>Whether <paramref name="sequence"/> (read already, at or above the first) is a machine's.</summary>
    public bool IsMachineSequence(long sequence)
    {
        lock (_gate)
        {
            var i = sequence - _first;
            return i >= 0 && (int)(i >> 6) < _bits.Count && (_bits[(int)(i >> 6)] & (1UL << (int)(i & 63))) != 0;
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var uri = new Uri(_sim, string.Create(CultureInfo.InvariantCulture, $"/sample?from={_next}&count=10000"));
                await using var body = await _http.GetStreamAsync(uri, ct);
                var (last, error) = Read(body);
                if (error is not null)
                {
                    // MTConnect.NET-style OUT_OF_RANGE for from = nextSequence means nothing new; anything below means the buffer overran us.
                    var state = XDocument.Parse(await _http.GetStringAsync(new Uri(_sim, "/current"), ct)).Descendants().First(e => e.Name.LocalName == "Header");
                    if (long.Parse((string)state.Attribute("firstSequence")!, CultureInfo.InvariantCulture) > _next)
                    {
                        Failure = $"{error} at {_next}: the simulator's buffer overran the follower";
                        return;
                    }
                }
                if (last < _next)
                {
                    await Task.Delay(250, ct);
                    continue;
                }
                var read = last - _next + 1;
                lock (_gate)
                {
                    _next = last + 1;
                }
                if (read < 5000)
                {
                    await Task.Delay(250, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                Failure = e.Message;
                return;
            }
        }
    }

    /// <summary>Marks the page's machine sequences; returns its last sequence (or <c>_next - 1</c>) and the error code of an error document.</summary>
    private (long Last, string? Error) Read(Stream body)
    {
        using var xml = XmlReader.Create(body, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreWhitespace = true, IgnoreComments = true });
        var last = _next - 1;
        var machine = false;
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            switch (xml.LocalName)
            {
                case "Error":
                    return (last, xml.GetAttribute("errorCode") ?? "error");
                case "Header" when Instance.Length == 0:
                    Instance = xml.GetAttribute("instanceId") ?? "";
                    break;
                case "DeviceStream":
                    machine = xml.GetAttribute("name") is { } name && _machines.Contains(name);
                    break;
                default:
                    if (xml.GetAttribute("sequence") is { } text)
                    {
                        var s = long.Parse(text, CultureInfo.InvariantCulture);
                        last = Math.Max(last, s);
                        if (machine && s >= _first)
                        {
                            Mark(s - _first);
                        }
                    }
                    break;
            }
        }
        return (last, null);
    }

    private void Mark(long i)
    {
        lock (_gate)
        {
            var word = (int)(i >> 6);
            while (_bits.Count <= word)
            {
                _bits.Add(0);
            }
            _bits[word] |= 1UL << (int)(i & 63);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
