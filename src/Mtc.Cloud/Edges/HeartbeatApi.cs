using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Ingest;
using Mtc.Cloud.Machines;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Edges;

/// <summary>
/// <c>POST /api/ext/edges/heartbeat</c>: an edge says up to when it has confirmed each machine's state (its source connected
/// and delivering, if only heartbeats), so that what a machine is doing now (an interval still running, an open alarm)
/// reaches that time in summaries and timelines although nothing changed. Not data: nothing is stored but the time, a lost
/// heartbeat loses nothing, and the next one says the same.
/// </summary>
internal static class HeartbeatApi
{
    /// <summary>The most machines one heartbeat names.</summary>
    public const int MaxMachines = 10_000;

    public sealed record Heartbeat(string EdgeId, IReadOnlyList<MachineConfirmation> Machines);

    /// <summary>A machine of the edge and when the edge last confirmed its state.</summary>
    public sealed record MachineConfirmation(string Id, DateTimeOffset ConfirmedAt);

    public sealed record HeartbeatResponse(int Machines);

    public static IEndpointRouteBuilder MapHeartbeatApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ext/edges/heartbeat", HeartbeatAsync)
            .RequireAuthorization(Scopes.EdgeIngest)
            .WithName("EdgeHeartbeat")
            .WithTags("Edge")
            .WithSummary("An edge confirms its machines' state up to a time")
            .WithDescription("machines: the edge's machines whose source is connected, each with the time (UTC) up to which the edge " +
                "has seen it. A machine's last known time becomes the later of its newest observation and this, at most the cloud's " +
                "now; machines of another edge and unknown ones are left out. Answers how many machines took the time.")
            .Accepts<Heartbeat>("application/json");
        return app;
    }

    internal static async Task<Results<Ok<HeartbeatResponse>, ProblemHttpResult>> HeartbeatAsync(
        HttpRequest request, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        List<(string Id, DateTimeOffset At)> machines;
        string edgeId;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
            if (Parse(doc.RootElement, time.GetUtcNow(), out edgeId, out machines) is { } problem)
            {
                return problem;
            }
        }
        catch (JsonException e)
        {
            return Problems.InvalidJson(e);
        }
        var updated = await store.ConfirmMachinesAsync(request.HttpContext.User.Tenant(), edgeId, machines, ct).ConfigureAwait(false);
        return TypedResults.Ok(new HeartbeatResponse(updated));
    }

    internal static ProblemHttpResult? Parse(JsonElement root, DateTimeOffset now, out string edgeId, out List<(string Id, DateTimeOffset At)> machines)
    {
        machines = [];
        edgeId = "";
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("The body must be a JSON object.");
        }
        var edge = SetupApi.Text(root, "edgeId");
        if (!QueryParsing.IsValidId(edge))
        {
            return Problems.BadId(edge, "invalid-edge-id", "edgeId", "edgeId is required: 1-128 characters.");
        }
        edgeId = edge!;
        if (!root.TryGetProperty("machines", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return Problems.Invalid("machines is required: an array of {\"id\", \"confirmedAt\"}.", Problems.Field("machines"));
        }
        if (list.GetArrayLength() > MaxMachines)
        {
            return Problems.Invalid($"machines: {list.GetArrayLength()} machines; a heartbeat names at most {MaxMachines}.", Problems.Field("machines"));
        }
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.Object ? SetupApi.Text(item, "id") : null;
            if (!QueryParsing.IsValidId(id))
            {
                return Problems.BadId(id, "invalid-machine-id", $"machines[{i}]", $"machines[{i}] needs an id of 1-128 characters.");
            }
            if (!item.TryGetProperty("confirmedAt", out var at) || at.ValueKind != JsonValueKind.String || !at.TryGetDateTimeOffset(out var confirmed))
            {
                return Problems.Invalid($"machines[{i}].confirmedAt must be a date-time with an offset.", Problems.Field($"machines[{i}].confirmedAt"));
            }
            if (!AcceptedTimes.Contains(confirmed))
            {
                return Problems.TimeOutOfRange($"machines[{i}].confirmedAt", confirmed);
            }
            // An edge's clock ahead of the cloud's does not make a machine known in the future.
            machines.Add((id!, confirmed < now ? confirmed : now));
            i++;
        }
        return null;
    }

}
