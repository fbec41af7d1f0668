using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Http;

/// <summary>
/// Faults on request, for reliability tests, under <c>/_sim</c> (no MTConnect client asks there):
/// <c>POST /_sim/restart[?down=SECONDS]</c>, <c>POST /_sim/stall?seconds=N</c>, <c>POST /_sim/drop</c>.
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

    private static IResult Restart(SimAgent agent, string? down)
    {
        var seconds = 0.0;
        if (down is not null && (!double.TryParse(down, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) || seconds is < 0 or > 3600))
        {
            return TypedResults.Problem($"'down' must be a number of seconds between 0 and 3600, not '{down}'", statusCode: StatusCodes.Status400BadRequest);
        }

        var instanceId = agent.Restart(TimeSpan.FromSeconds(seconds));
        return TypedResults.Ok(new { instanceId, agent.Buffer.State.NextSequence, downSeconds = seconds });
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
