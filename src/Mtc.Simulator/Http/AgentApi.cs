using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Mtc.Core.Model;
using Mtc.Simulator.Agent;
using Mtc.Simulator.Documents;

namespace Mtc.Simulator.Http;

/// <summary>The MTConnect REST API: probe, current, sample, assets, and their per-device forms.</summary>
internal static class AgentApi
{
    public const string XmlMediaType = "text/xml";
    public const int DefaultCount = 100;
    public const int DefaultHeartbeat = 10_000;

    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http, SimAgent agent) => Handle(http, agent, () => Probe(http, agent, null)));
        app.MapGet("/probe", (HttpContext http, SimAgent agent) => Handle(http, agent, () => Probe(http, agent, null)));
        app.MapGet("/current", (HttpContext http, SimAgent agent) => Handle(http, agent, () => Current(http, agent, null)));
        app.MapGet("/sample", (HttpContext http, SimAgent agent) => Handle(http, agent, () => Sample(http, agent, null)));
        app.MapGet("/assets", (HttpContext http, SimAgent agent) => Handle(http, agent, () => Assets(http, agent)));
        app.MapGet("/asset/{ids}", (HttpContext http, SimAgent agent, string ids) => Handle(http, agent, () => AssetsById(http, agent, ids)));
        app.MapGet("/assets/{ids}", (HttpContext http, SimAgent agent, string ids) => Handle(http, agent, () => AssetsById(http, agent, ids)));
        app.MapGet("/{device}", (HttpContext http, SimAgent agent, string device) => Handle(http, agent, () => Probe(http, agent, device)));
        app.MapGet("/{device}/probe", (HttpContext http, SimAgent agent, string device) => Handle(http, agent, () => Probe(http, agent, device)));
        app.MapGet("/{device}/current", (HttpContext http, SimAgent agent, string device) => Handle(http, agent, () => Current(http, agent, device)));
        app.MapGet("/{device}/sample", (HttpContext http, SimAgent agent, string device) => Handle(http, agent, () => Sample(http, agent, device)));
        app.MapFallback((HttpContext http, SimAgent agent) => Handle(http, agent, () => throw
            new AgentRequestException(new AgentError(AgentErrorCodes.InvalidUri, $"'{http.Request.Path}' is not an MTConnect request"), StatusCodes.Status404NotFound)));
        return app;
    }

    private static async Task Handle(HttpContext http, SimAgent agent, Func<Task> handler)
    {
        if (agent.IsDown)
        {
            // Restarting (POST /_sim/restart?down=N): the connection is cut, as by an agent not listening yet.
            http.Abort();
            return;
        }

        try
        {
            await handler().ConfigureAwait(false);
        }
        catch (AgentRequestException error) when (!http.Response.HasStarted)
        {
            await WriteError(http, agent, error).ConfigureAwait(false);
        }
    }

    private static Task Probe(HttpContext http, SimAgent agent, string? deviceName)
    {
        var device = AgentRequest.Device(agent, deviceName);
        if (device is { ListedInProbe: false })
        {
            throw AgentRequestException.NoDevice(deviceName!);
        }

        IReadOnlyList<DeviceModel> devices = device is null ? [.. agent.ProbeDevices]
            : agent.Version.ProbeStartsWithAgent && agent.Catalog.Devices.FirstOrDefault(d => d.IsAgent) is { ListedInProbe: true } agentDevice && agentDevice != device ? [agentDevice, device]
            : [device];
        return Write(http, DevicesWriter.Write(agent, devices));
    }

    private static Task Current(HttpContext http, SimAgent agent, string? deviceName)
    {
        var device = AgentRequest.Device(agent, deviceName);
        AgentRequest.RefuseUnsupported(http.Request);
        var at = AgentRequest.Long(http.Request, "at");
        var interval = AgentRequest.Int(http.Request, "interval");
        if (interval is { } every)
        {
            AgentRequest.Check("interval", every, 0, int.MaxValue);
            return new CurrentStream(http, agent, device, TimeSpan.FromMilliseconds(every)).RunAsync();
        }

        return Write(http, CurrentDocument(agent, device, at));
    }

    public static byte[] CurrentDocument(SimAgent agent, DeviceModel? device, long? at)
    {
        var state = agent.Buffer.State;
        if (at is { } sequence)
        {
            AgentRequest.Check("at", sequence, state.FirstSequence, state.LastSequence);
        }

        var current = agent.Buffer.Current(at, device);
        if (current is not { } result)
        {
            // The buffer moved between the check and the read.
            state = agent.Buffer.State;
            throw AgentRequestException.OutOfRange("at", at!.Value, state.FirstSequence, state.LastSequence);
        }

        var devices = device is null ? agent.Catalog.Devices : [device];
        return StreamsWriter.Write(agent, result.State, result.State.NextSequence, result.Observations, devices);
    }

    private static Task Sample(HttpContext http, SimAgent agent, string? deviceName)
    {
        var device = AgentRequest.Device(agent, deviceName);
        AgentRequest.RefuseUnsupported(http.Request);
        var request = http.Request;
        var from = AgentRequest.Long(request, "from");
        var state = agent.Buffer.State;
        var count = AgentRequest.Int(request, "count") ?? Math.Min(DefaultCount, state.BufferSize);
        var interval = AgentRequest.Int(request, "interval");
        var heartbeat = AgentRequest.Int(request, "heartbeat") ?? DefaultHeartbeat;
        if (from is { } start)
        {
            // Polling with nothing new yet: cppagent answers an empty page, MTConnect.NET OUT_OF_RANGE.
            var last = interval is null && agent.Quirks.OutOfRangeWhenNothingNew ? state.LastSequence : state.NextSequence;
            AgentRequest.Check("from", start, state.FirstSequence, last);
        }

        AgentRequest.Check("count", count, 1, state.BufferSize);

        if (interval is { } every)
        {
            AgentRequest.Check("interval", every, 0, int.MaxValue);
            AgentRequest.Check("heartbeat", heartbeat, 1, int.MaxValue);
            var stream = new SampleStream(http, agent, device, from ?? state.FirstSequence, count,
                TimeSpan.FromMilliseconds(every), TimeSpan.FromMilliseconds(heartbeat));
            return stream.RunAsync();
        }

        var page = agent.Buffer.Sample(from ?? state.FirstSequence, count, device);
        if (page is null)
        {
            state = agent.Buffer.State;
            throw AgentRequestException.OutOfRange("from", from ?? 0, state.FirstSequence, state.NextSequence);
        }

        return Write(http, StreamsWriter.Write(agent, page.State, HeaderNextSequence(agent, page), page.Observations));
    }

    /// <summary>The <c>nextSequence</c> a sample page's header says: after its last observation, or the buffer's end (<see cref="Agent.Quirks.AgentQuirks.NextSequenceIsBufferEnd"/>).</summary>
    public static long HeaderNextSequence(SimAgent agent, SamplePage page) =>
        agent.Quirks.NextSequenceIsBufferEnd ? page.State.NextSequence : page.NextSequence;

    private static Task Assets(HttpContext http, SimAgent agent)
    {
        var request = http.Request;
        var count = AgentRequest.Int(request, "count") ?? 100;
        AgentRequest.Check("count", count, 1, agent.Assets.Capacity);
        var type = request.Query["type"].FirstOrDefault();
        var removed = string.Equals(request.Query["removed"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
        var deviceName = request.Query["device"].FirstOrDefault();
        var device = AgentRequest.Device(agent, deviceName);
        return Write(http, AssetsWriter.Write(agent, agent.Assets.List(type, device?.Uuid, removed, count)));
    }

    private static async Task AssetsById(HttpContext http, SimAgent agent, string ids)
    {
        var assets = new List<SimAsset>();
        foreach (var id in ids.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            assets.Add(agent.Assets.Find(id) ?? throw new AgentRequestException(
                new AgentError(AgentErrorCodes.AssetNotFound, $"Cannot find asset: {id}"), StatusCodes.Status404NotFound) { AssetId = id });
        }

        await Write(http, AssetsWriter.Write(agent, assets)).ConfigureAwait(false);
    }

    public static Task WriteError(HttpContext http, SimAgent agent, AgentRequestException error)
    {
        http.Response.StatusCode = agent.Quirks.ErrorsWithStatus200 ? StatusCodes.Status200OK : error.Status;
        return Write(http, ErrorWriter.Write(agent, error.Error, RequestUri(http), error.AssetId));
    }

    /// <summary>The request as an error document names it: path and query.</summary>
    public static string RequestUri(HttpContext http) => http.Request.Path.Value + http.Request.QueryString.Value;

    private static async Task Write(HttpContext http, byte[] document)
    {
        http.Response.ContentType = XmlMediaType;
        http.Response.ContentLength = document.Length;
        await http.Response.Body.WriteAsync(document, http.RequestAborted).ConfigureAwait(false);
    }
}
