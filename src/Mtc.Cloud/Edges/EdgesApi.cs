using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Edges;

/// <summary>The tenant's edges: when each was last seen, per stream its hwm, records received and gaps, and the batches refused.</summary>
internal static class EdgesApi
{
    public sealed record StreamItem(string StreamId, long Hwm, long RecordsReceived, long Gaps, long MissedKnown, DateTimeOffset LastSeen);

    /// <summary>
    /// An edge. <c>refusedBatches</c> counts the batches the cloud refused for good (a 400 the edge does not retry, so it keeps
    /// them in its quarantine) once the edge is known (registered or
    /// sent a batch before); each is also in the tenant feed as an event of type batch_refused, source cloud.
    /// </summary>
    public sealed record EdgeItem(
        string Id, string? Name, bool Registered, DateTimeOffset? LastSeen, long RecordsReceived, long Gaps,
        IReadOnlyList<StreamItem> Streams, JsonElement? Status, long RefusedBatches);

    public sealed record EdgeList(IReadOnlyList<EdgeItem> Items);

    public static IEndpointRouteBuilder MapEdgesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ext/edges").RequireAuthorization(Scopes.ExtRead).WithTags("Edge");
        group.MapGet("/", ListAsync).WithName("ListEdges").WithSummary("The tenant's edges");
        group.MapGet("/{id}", GetAsync).WithName("GetEdge").WithSummary("One edge, its streams and their high-water marks");
        return app;
    }

    internal static async Task<Ok<EdgeList>> ListAsync(ClaimsPrincipal user, ICloudStore store, CancellationToken ct) =>
        TypedResults.Ok(new EdgeList((await store.ListEdgesAsync(user.Tenant(), ct).ConfigureAwait(false)).Select(ToItem).ToList()));

    internal static async Task<Results<Ok<EdgeItem>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, ICloudStore store, CancellationToken ct) =>
        await store.GetEdgeAsync(user.Tenant(), id, ct).ConfigureAwait(false) is { } edge
            ? TypedResults.Ok(ToItem(edge))
            : Problems.NotFound("edge", id);

    private static EdgeItem ToItem(EdgeRow e) => new(
        e.Id, e.Name, e.Registered, e.LastSeen, e.Streams.Sum(s => s.RecordsReceived), e.Streams.Sum(s => s.Gaps),
        e.Streams.Select(s => new StreamItem(s.StreamId, s.Hwm, s.RecordsReceived, s.Gaps, s.MissedKnown, s.LastSeen)).ToList(),
        CloudJson.Element(e.StatusJson), e.RefusedBatches);
}
