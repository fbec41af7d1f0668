using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Http;

/// <summary>
/// Faults on request, for reliability tests, under <c>/_sim</c> (no MTConnect client asks there):
/// <c>POST /_sim/restart</c>, <c>POST /_sim/stall?seconds=N</c>, <c>POST /_sim/drop</c>.
/// </summary>
internal static class FaultApi
{
    public static IEndpointRouteBuilder MapFaultApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_sim");
        group.MapPost("/restart", Restart);
        group.MapPost("/stall", Stall);
        group.MapPost("/drop", Drop);
        return app;
    }

    private static IResult Restart(SimAgent agent)
    {
        var instanceId = agent.Restart();
        return TypedResults.Ok(new { instanceId, agent.Buffer.State.NextSequence });
    }

    private static IResult Stall(SimAgent agent, string? seconds)
    {
        if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value is < 0 or > 86_400)
        {
            return TypedResults.Problem($"'seconds' must be a number of seconds between 0 and 86400, not '{seconds}'", statusCode: StatusCodes.Status400BadRequest);
        }

        agent.Stall(TimeSpan.FromSeconds(value));
        return TypedResults.Ok(new { stalledSeconds = value });
    }

    private static IResult Drop(SimAgent agent)
    {
        agent.DropConnections();
        return TypedResults.Ok(new { dropped = true });
    }
}
