using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Status;

/// <summary>The local surface: health checks, <c>/api/status</c> and the status page.</summary>
internal static class EdgeApi
{
    public static IEndpointRouteBuilder MapEdgeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Text("ok")).WithName("Live");
        app.MapGet("/health/ready", Ready).WithName("Ready");
        app.MapGet("/api/status", Status).WithName("Status");
        app.MapGet("/", Page).WithName("StatusPage");
        return app;
    }

    private static EdgeStatusReport Report(IOptions<EdgeOptions> options, EdgeState state, OutboxStatsCache stats, OutboxStore outbox, TimeProvider time) =>
        EdgeStatusReport.From(options.Value.Id, state, stats.Get(), outbox.StreamId, options.Value.Outbox.MaxBytes, time);

    internal static Results<ContentHttpResult, JsonHttpResult<EdgeStatusReport>> Ready(
        IOptions<EdgeOptions> options, EdgeState state, OutboxStatsCache stats, OutboxStore outbox, TimeProvider time)
    {
        if (EdgeStatusReport.IsReady(state))
        {
            return TypedResults.Text("ready");
        }
        return TypedResults.Json(Report(options, state, stats, outbox, time), EdgeJsonContext.Default.EdgeStatusReport, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    internal static JsonHttpResult<EdgeStatusReport> Status(
        IOptions<EdgeOptions> options, EdgeState state, OutboxStatsCache stats, OutboxStore outbox, TimeProvider time) =>
        TypedResults.Json(Report(options, state, stats, outbox, time), EdgeJsonContext.Default.EdgeStatusReport);

    internal static ContentHttpResult Page(
        IOptions<EdgeOptions> options, EdgeState state, OutboxStatsCache stats, OutboxStore outbox, TimeProvider time) =>
        TypedResults.Content(StatusPage.Render(Report(options, state, stats, outbox, time)), "text/html; charset=utf-8");
}
