using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Mtc.Cloud.Bus;

/// <summary>
/// NATS JetStream: each event on <c>prefix.machine.events.type</c> with <c>Nats-Msg-Id</c> = the notification's id, so the
/// stream stores a message published twice (a worker killed between the PubAck and its write) once. The stream is created or
/// updated on connect; a delivery is sent when the PubAck came back without an error.
/// </summary>
internal sealed class NatsBusPublisher(IOptions<NatsBusOptions> options, IOptions<BusOptions> bus) : IBusPublisher
{
    private readonly NatsBusOptions _o = options.Value;
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(bus.Value.TimeoutSeconds);
    private NatsConnection? _connection;
    private NatsJSContext? _js;

    public string Sink => "nats";

    public string Target => $"{Redacted(_o.Url)}, stream {_o.Stream} over {_o.SubjectPrefix}.>";

    public bool IsConnected => _js is not null && _connection?.ConnectionState == NatsConnectionState.Open;

    public bool PublishesState => false;

    public string Subject(string? machineId, string type) =>
        $"{_o.SubjectPrefix}.{(machineId is null ? BusTopics.NoMachine : BusTopics.NatsToken(machineId))}.events.{BusTopics.NatsToken(type)}";

    public async Task ConnectAsync(CancellationToken ct)
    {
        await ResetAsync().ConfigureAwait(false);
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = _o.Url,
            Name = "mtc-cloud",
            ConnectTimeout = _timeout,
            RequestTimeout = _timeout,
            // The outbox owns retries: a publish fails while the connection is down instead of waiting in the client's buffer.
            RetryOnInitialConnect = false,
        });
        try
        {
            using var timeout = Timeout(ct);
            await connection.ConnectAsync().AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            var js = new NatsJSContext(connection);
            await js.CreateOrUpdateStreamAsync(new StreamConfig(_o.Stream, [_o.SubjectPrefix + ".>"])
            {
                Storage = StreamConfigStorage.File,
                DuplicateWindow = TimeSpan.FromSeconds(_o.DuplicateWindowSeconds),
            }, timeout.Token).ConfigureAwait(false);
            _connection = connection;
            _js = js;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task ResetAsync()
    {
        _js = null;
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task PublishAsync(BusDelivery delivery, CancellationToken ct)
    {
        var js = _js ?? throw new BusUnavailableException("not connected to the NATS server");
        using var timeout = Timeout(ct);
        var ack = await js.PublishAsync(Subject(delivery.MachineId, delivery.Type), BusMessages.Event(delivery),
            opts: new NatsJSPubOpts { MsgId = delivery.NotificationId }, cancellationToken: timeout.Token).ConfigureAwait(false);
        if (ack.Error is { } error)
        {
            throw new BusRefusedException($"JetStream refused {delivery.NotificationId}: {error.Code} {error.Description}");
        }
    }

    public Task PublishStateAsync(string tenant, string machineId, byte[] state, CancellationToken ct) => Task.CompletedTask;

    public ValueTask DisposeAsync() => new(ResetAsync());

    private CancellationTokenSource Timeout(CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
        return cts;
    }

    /// <summary>The URL without a password, for the log.</summary>
    private static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.UserInfo.Length > 0 ? url.Replace(u.UserInfo + "@", "***@", StringComparison.Ordinal) : url;
}
