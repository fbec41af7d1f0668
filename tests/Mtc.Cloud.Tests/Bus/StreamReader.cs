using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Mtc.Cloud.Tests.Bus;

/// <summary>Everything a JetStream stream holds, read from the start by an ordered consumer: subject, Nats-Msg-Id, body.</summary>
public static class JetStreamContents
{
    public sealed record Message(string Subject, string? MsgId, JsonElement Json);

    public static async Task<List<Message>> ReadAllAsync(int port, string stream = "MTC")
    {
        await using var nats = new NatsConnection(NatsOpts.Default with { Url = $"nats://127.0.0.1:{port}" });
        await nats.ConnectAsync();
        var js = new NatsJSContext(nats);
        var s = await js.GetStreamAsync(stream);
        var total = (int)s.Info.State.Messages;
        var all = new List<Message>(total);
        if (total == 0)
        {
            return all;
        }
        var consumer = await js.CreateOrderedConsumerAsync(stream, new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.All });
        await foreach (var m in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = total, Expires = TimeSpan.FromSeconds(10) }))
        {
            var id = m.Headers is { } h && h.TryGetValue("Nats-Msg-Id", out var v) ? v.ToString() : null;
            all.Add(new Message(m.Subject, id, JsonDocument.Parse(Encoding.UTF8.GetString(m.Data!)).RootElement.Clone()));
        }
        return all;
    }

    /// <summary>Waits until the stream holds at least <paramref name="count"/> messages (it may not exist yet).</summary>
    public static async Task WaitForAsync(int port, long count, TimeSpan patience, string stream = "MTC")
    {
        await using var nats = new NatsConnection(NatsOpts.Default with { Url = $"nats://127.0.0.1:{port}" });
        await nats.ConnectAsync();
        var js = new NatsJSContext(nats);
        var until = DateTime.UtcNow + patience;
        long seen = -1;
        while (DateTime.UtcNow < until)
        {
            try
            {
                var s = await js.GetStreamAsync(stream);
                seen = s.Info.State.Messages;
                if (seen >= count)
                {
                    return;
                }
            }
            catch (NatsJSApiException)
            {
                // No stream yet: the cloud creates it when it connects.
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the stream {stream} held {seen} messages after {patience}, not {count}");
    }
}
