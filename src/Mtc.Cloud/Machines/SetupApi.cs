using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary><c>POST /api/ext/setup</c>: an edge registers itself and its machines.</summary>
internal static class SetupApi
{
    public sealed record SetupRequest(string EdgeId, string? Name, IReadOnlyList<SetupMachine> Machines);

    public sealed record SetupMachine(string Id, string? Name, string? Uuid);

    public sealed record SetupResponse(string Status, string EdgeId, int Machines);

    public static IEndpointRouteBuilder MapSetupApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ext/setup", SetupAsync)
            .RequireAuthorization(AuthSetup.SetupPolicy)
            .WithName("Setup")
            .WithTags("Edge")
            .WithSummary("Register or update an edge and its machines")
            .WithDescription("Answers created, updated or unchanged; 409 when a machine belongs to another edge of the tenant. " +
                "The older shape {\"edgeGatewayId\":\"..\",\"machines\":[\"M1\",\"M2\"]} is accepted too.")
            .Accepts<SetupRequest>("application/json");
        return app;
    }

    internal static async Task<Results<Ok<SetupResponse>, ProblemHttpResult>> SetupAsync(
        HttpRequest request, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        EdgeSetup setup;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
            if (Parse(doc.RootElement, out var parsed) is { } problem)
            {
                return problem;
            }
            setup = parsed!;
        }
        catch (JsonException e)
        {
            return Problems.InvalidJson(e);
        }
        var outcome = await store.SetupEdgeAsync(request.HttpContext.User.Tenant(), setup, time.GetUtcNow(), ct).ConfigureAwait(false);
        if (outcome.Status == SetupStatus.Conflict)
        {
            return Problems.MachineTaken(outcome.ConflictMachineId!);
        }
        var status = outcome.Status.ToString().ToLowerInvariant();
        return TypedResults.Ok(new SetupResponse(status, setup.EdgeId, setup.Machines.Count));
    }

    /// <summary>Reads both the current shape and the older one (edgeGatewayId, machines as plain ids).</summary>
    internal static ProblemHttpResult? Parse(JsonElement root, out EdgeSetup? setup)
    {
        setup = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("The body must be a JSON object.");
        }
        var edgeId = Text(root, "edgeId") ?? Text(root, "edgeGatewayId");
        if (!QueryParsing.IsValidId(edgeId))
        {
            return Problems.BadId(edgeId, "invalid-edge-id", "edgeId", "edgeId (or edgeGatewayId) is required: 1-128 characters.");
        }
        if (!root.TryGetProperty("machines", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return Problems.Invalid("machines is required: an array of machine objects or ids.", Problems.Field("machines"));
        }
        var machines = new List<MachineSetup>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var machine = item.ValueKind switch
            {
                JsonValueKind.String => new MachineSetup(item.GetString()!, null, null),
                JsonValueKind.Object => new MachineSetup(Text(item, "id") ?? Text(item, "machineId") ?? "", StoredText.Clean(Text(item, "name")), StoredText.Clean(Text(item, "uuid"))),
                _ => null,
            };
            if (machine is null || !QueryParsing.IsValidId(machine.Id))
            {
                return Problems.BadId(machine?.Id, "invalid-machine-id", $"machines[{i}]", $"machines[{i}] needs an id of 1-128 characters.");
            }
            if (machines.Any(m => string.Equals(m.Id, machine.Id, StringComparison.Ordinal)))
            {
                return Problems.Invalid($"machines[{i}]: machine '{machine.Id}' is listed twice.", Problems.Field($"machines[{i}]"));
            }
            machines.Add(machine);
            i++;
        }
        setup = new EdgeSetup(edgeId!, StoredText.Clean(Text(root, "name")), machines);
        return null;
    }

    internal static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

}
